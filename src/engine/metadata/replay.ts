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
  /** Partitions whose leader changed (PartitionChangeRecord with a leader): led here now, or no longer. */
  changedLeaders: { topic: TopicImage; partition: number }[];
  /**
   * Every partition a PartitionChangeRecord touched (leader, ISR, replicas or a reassignment), in
   * record order and possibly repeated: the leader of a partition learns its committed ISR and
   * partition epoch from it, a replica added by a reassignment learns it is one.
   */
  changedPartitions: { topic: TopicImage; partition: number }[];
  /**
   * Of the created and leader-changed partitions, those this node now leads and those it now
   * follows (a replica here, led elsewhere or leaderless), as Kafka's LocalReplicaChanges gives
   * them to the replica manager; filled in by localReplicaChanges() before the change is published.
   */
  becameLeader: { topic: TopicImage; partition: number }[];
  becameFollower: { topic: TopicImage; partition: number }[];
}

export const emptyChange = (): MetadataChange => ({
  createdPartitions: [],
  deletedTopics: [],
  changedTopicConfigs: [],
  changedBrokerConfigs: false,
  changedLeaders: [],
  changedPartitions: [],
  becameLeader: [],
  becameFollower: [],
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
        brokerEpoch: data.brokerEpoch,
        supportedFeatures: data.features.map((f: Message) => ({ name: f.name, minSupportedVersion: f.minSupportedVersion, maxSupportedVersion: f.maxSupportedVersion })),
        rack: data.rack,
        fenced: data.fenced,
        inControlledShutdown: data.inControlledShutdown,
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
      // BrokerRegistrationInControlledShutdownChange: 1 enters controlled shutdown, 0 leaves it as it is.
      if (broker && data.inControlledShutdown === 1) broker.inControlledShutdown = true;
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
        addingReplicas: data.addingReplicas ?? [],
        removingReplicas: data.removingReplicas ?? [],
      });
      change.createdPartitions.push({ topic, partition: data.partitionId });
      return;
    }
    case RecordType.PartitionChange: {
      const p = image.topicsById.get(data.topicId)?.partitions.get(data.partitionId);
      if (!p) return;
      if (data.isr !== null) p.isr = data.isr;
      if (data.replicas !== null) p.replicas = data.replicas;
      if (data.addingReplicas !== null) p.addingReplicas = data.addingReplicas;
      if (data.removingReplicas !== null) p.removingReplicas = data.removingReplicas;
      const topic = image.topicsById.get(data.topicId)!;
      if (data.leader !== LEADER_UNCHANGED) {
        p.leader = data.leader;
        p.leaderEpoch += 1;
        change.changedLeaders.push({ topic, partition: data.partitionId });
      }
      p.partitionEpoch += 1;
      change.changedPartitions.push({ topic, partition: data.partitionId });
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
        noteChangedTopicConfig(change, topic);
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

/** Topics already in each change's changedTopicConfigs: a set, so replaying many configs stays linear. */
const changedConfigTopics = new WeakMap<MetadataChange, Set<TopicImage>>();

function noteChangedTopicConfig(change: MetadataChange, topic: TopicImage): void {
  let seen = changedConfigTopics.get(change);
  if (!seen) changedConfigTopics.set(change, (seen = new Set(change.changedTopicConfigs)));
  if (seen.has(topic)) return;
  seen.add(topic);
  change.changedTopicConfigs.push(topic);
}
