/**
 * Replaying metadata records into the image. This is the only code that changes a MetadataImage:
 * the controller applies each record it commits, and a restart applies the whole metadata log, so
 * both arrive at the same image.
 *
 * Each call reports what changed, so the broker can create or delete partition logs to match.
 */
import type { Message } from '../protocol/codec.js';
import type { MetadataImage, TopicImage } from './image.js';
import { ConfigResourceType, RecordType, SECURITY_PROTOCOLS } from './record-types.js';

export interface MetadataChange {
  createdPartitions: { topic: TopicImage; partition: number }[];
  deletedTopics: TopicImage[];
  changedTopicConfigs: TopicImage[];
  changedBrokerConfigs: boolean;
}

export const emptyChange = (): MetadataChange => ({
  createdPartitions: [],
  deletedTopics: [],
  changedTopicConfigs: [],
  changedBrokerConfigs: false,
});

/** Kafka's PartitionChangeRecord sentinels. */
const LEADER_UNCHANGED = -2;

export function applyMetadataRecord(image: MetadataImage, type: number, data: Message, offset: number, change: MetadataChange): void {
  image.offset = Math.max(image.offset, offset);
  switch (type) {
    case RecordType.RegisterBroker:
      image.brokers.set(data.brokerId, {
        nodeId: data.brokerId,
        incarnationId: data.incarnationId,
        rack: data.rack,
        fenced: data.fenced,
        endpoints: data.endPoints.map((e: Message) => ({
          name: e.name,
          host: e.host,
          port: e.port,
          securityProtocol: SECURITY_PROTOCOLS[e.securityProtocol] ?? 'PLAINTEXT',
        })),
      });
      return;
    case RecordType.UnregisterBroker:
      image.brokers.delete(data.brokerId);
      return;
    case RecordType.FenceBroker:
    case RecordType.UnfenceBroker: {
      const broker = image.brokers.get(data.id);
      if (broker) broker.fenced = type === RecordType.FenceBroker;
      return;
    }
    case RecordType.BrokerRegistrationChange: {
      const broker = image.brokers.get(data.brokerId);
      if (broker && data.fenced !== 0) broker.fenced = data.fenced === 1;
      return;
    }
    case RecordType.Topic:
      image.putTopic({ name: data.name, topicId: data.topicId, partitions: new Map(), configs: new Map() });
      return;
    case RecordType.Partition: {
      const topic = image.topicsById.get(data.topicId);
      if (!topic) return;
      topic.partitions.set(data.partitionId, {
        partition: data.partitionId,
        leader: data.leader,
        leaderEpoch: data.leaderEpoch,
        partitionEpoch: data.partitionEpoch,
        replicas: data.replicas,
        isr: data.isr,
      });
      change.createdPartitions.push({ topic, partition: data.partitionId });
      return;
    }
    case RecordType.PartitionChange: {
      const p = image.topicsById.get(data.topicId)?.partitions.get(data.partitionId);
      if (!p) return;
      if (data.isr !== null) p.isr = data.isr;
      if (data.replicas !== null) p.replicas = data.replicas;
      if (data.leader !== LEADER_UNCHANGED) {
        p.leader = data.leader;
        p.leaderEpoch += 1;
      }
      p.partitionEpoch += 1;
      return;
    }
    case RecordType.RemoveTopic: {
      const removed = image.removeTopic(data.topicId);
      if (removed) change.deletedTopics.push(removed);
      return;
    }
    case RecordType.Config: {
      if (data.resourceType === ConfigResourceType.Topic) {
        const topic = image.topic(data.resourceName);
        if (!topic) return;
        if (data.value === null) topic.configs.delete(data.name);
        else topic.configs.set(data.name, data.value);
        if (!change.changedTopicConfigs.includes(topic)) change.changedTopicConfigs.push(topic);
      } else if (data.resourceType === ConfigResourceType.Broker) {
        // An empty resource name is the cluster-wide default; per-broker overrides use the node id.
        const key = data.resourceName === '' ? data.name : `${data.resourceName}:${data.name}`;
        if (data.value === null) image.brokerConfigs.delete(key);
        else image.brokerConfigs.set(key, data.value);
        change.changedBrokerConfigs = true;
      }
      return;
    }
    case RecordType.FeatureLevel:
      if (data.featureLevel === 0) image.features.delete(data.name);
      else image.features.set(data.name, data.featureLevel);
      return;
    case RecordType.ProducerIds:
      image.nextProducerId = data.nextProducerId;
      return;
    default:
      // NoOp and record types kt does not act on yet (ACLs, quotas, SCRAM) leave the image as it is.
      return;
  }
}
