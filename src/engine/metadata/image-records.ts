/**
 * The metadata image written back as the metadata records that rebuild it (Kafka's
 * MetadataImage.write through an ImageWriter): what a snapshot holds. Replaying these records, in
 * this order, into an empty image gives an equal image (test/metadata/image-records.test.ts checks
 * that as a property over random operations through the real controller).
 *
 * Order, as Kafka writes an image: features (metadata.version first, since every later record's
 * version depends on it), the cluster (brokers), topics with their partitions, configs (topic
 * configs after their topics, since replay finds a topic config's topic by name; then broker and
 * cluster-default configs), then the producer id counter.
 *
 * Records not reflected in the image (NoOp, and types kt does not act on yet: ACLs, quotas, SCRAM,
 * delegation tokens) have no place here, as in Kafka's image they would each have their own part.
 */
import { metadataRecord, type MetadataRecord } from '../controller/metadata-serde.js';
import { METADATA_VERSION_FEATURE } from './features.js';
import type { BrokerRegistration, MetadataImage, TopicImage } from './image.js';
import { ConfigResourceType, RecordType, SECURITY_PROTOCOLS } from './record-types.js';

/** Uuid.ZERO_UUID in Kafka's text form, for a registration that never had an incarnation id. */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function imageRecords(image: MetadataImage): MetadataRecord[] {
  const out: MetadataRecord[] = [];
  writeFeatures(image, out);
  for (const broker of sortedBy([...image.brokers.values()], (b) => b.nodeId)) out.push(brokerRecord(broker));
  const topics = sortedBy([...image.topicsById.values()], (t) => t.name);
  for (const topic of topics) writeTopic(topic, out);
  for (const topic of topics) writeTopicConfigs(topic, out);
  writeBrokerConfigs(image, out);
  if (image.nextProducerId > 0) {
    // As Kafka's ProducerIdsImage writes it: the counter only; which broker took the last block is history.
    out.push(metadataRecord(RecordType.ProducerIds, { brokerId: -1, brokerEpoch: -1, nextProducerId: image.nextProducerId }));
  }
  return out;
}

function writeFeatures(image: MetadataImage, out: MetadataRecord[]): void {
  const names = [...image.features.keys()].sort((a, b) => (a === METADATA_VERSION_FEATURE ? -1 : b === METADATA_VERSION_FEATURE ? 1 : a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) out.push(metadataRecord(RecordType.FeatureLevel, { name, featureLevel: image.features.get(name)! }));
}

function brokerRecord(b: BrokerRegistration): MetadataRecord {
  return metadataRecord(RecordType.RegisterBroker, {
    brokerId: b.nodeId,
    incarnationId: b.incarnationId ?? ZERO_UUID,
    brokerEpoch: b.brokerEpoch ?? -1,
    endPoints: b.endpoints.map((e) => ({
      name: e.name,
      host: e.host,
      port: e.port,
      securityProtocol: Math.max(0, SECURITY_PROTOCOLS.indexOf(e.securityProtocol)),
    })),
    features: (b.supportedFeatures ?? []).map((f) => ({ ...f })),
    rack: b.rack,
    fenced: b.fenced,
    inControlledShutdown: b.inControlledShutdown ?? false,
    logDirs: [],
  });
}

function writeTopic(topic: TopicImage, out: MetadataRecord[]): void {
  out.push(metadataRecord(RecordType.Topic, { name: topic.name, topicId: topic.topicId }));
  for (const p of sortedBy([...topic.partitions.values()], (x) => x.partition)) {
    out.push(
      metadataRecord(RecordType.Partition, {
        partitionId: p.partition,
        topicId: topic.topicId,
        replicas: [...p.replicas],
        isr: [...p.isr],
        removingReplicas: [...p.removingReplicas],
        addingReplicas: [...p.addingReplicas],
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        partitionEpoch: p.partitionEpoch,
      }),
    );
  }
}

function writeTopicConfigs(topic: TopicImage, out: MetadataRecord[]): void {
  for (const name of [...topic.configs.keys()].sort()) {
    out.push(metadataRecord(RecordType.Config, { resourceType: ConfigResourceType.Topic, resourceName: topic.name, name, value: topic.configs.get(name)! }));
  }
}

/** image.brokerConfigs keys: `name` for the cluster-wide default, `<nodeId>:name` for one broker (replay.ts). */
function writeBrokerConfigs(image: MetadataImage, out: MetadataRecord[]): void {
  for (const key of [...image.brokerConfigs.keys()].sort()) {
    const colon = key.indexOf(':');
    const resourceName = colon < 0 ? '' : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    out.push(metadataRecord(RecordType.Config, { resourceType: ConfigResourceType.Broker, resourceName, name, value: image.brokerConfigs.get(key)! }));
  }
}

function sortedBy<T>(items: T[], key: (t: T) => number | string): T[] {
  return items.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
