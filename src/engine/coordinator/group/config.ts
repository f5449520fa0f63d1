/**
 * The group coordinator's settings, read once from the broker config (Kafka's GroupCoordinatorConfig).
 */
import type { BrokerConfig } from '../../config/broker-config.js';

export interface GroupConfig {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  initialRebalanceDelayMs: number;
  maxSize: number;
  /** How long a new member's JoinGroup may stay parked before it is dropped (Kafka's fixed 5 minutes). */
  newMemberJoinTimeoutMs: number;
  offsetMetadataMaxBytes: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicSegmentBytes: number;
  offsetsLoadBufferSize: number;
  /** How long a write to __consumer_offsets may wait for the ISR before the client gets an error (offsets.commit.timeout.ms). */
  offsetsCommitTimeoutMs: number;
  /** The KIP-848 consumer protocol is served (group.coordinator.rebalance.protocols has "consumer"). */
  consumerProtocolEnabled: boolean;
  consumer: ConsumerGroupConfig;
}

export interface ConsumerGroupConfig {
  sessionTimeoutMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  minHeartbeatIntervalMs: number;
  maxHeartbeatIntervalMs: number;
  maxSize: number;
  /** Server-side assignor names, default first. */
  assignors: string[];
}

const ASSIGNOR_CLASSES: Record<string, string> = {
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
  'org.apache.kafka.coordinator.group.api.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.api.assignor.RangeAssignor': 'range',
};

export function groupConfigFrom(config: BrokerConfig): GroupConfig {
  return {
    minSessionTimeoutMs: config.int('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.int('group.max.session.timeout.ms'),
    initialRebalanceDelayMs: config.int('group.initial.rebalance.delay.ms'),
    maxSize: config.int('group.max.size'),
    newMemberJoinTimeoutMs: 5 * 60 * 1000,
    offsetMetadataMaxBytes: config.int('offset.metadata.max.bytes'),
    offsetsRetentionMs: config.int('offsets.retention.minutes') * 60 * 1000,
    offsetsRetentionCheckIntervalMs: config.int('offsets.retention.check.interval.ms'),
    offsetsTopicNumPartitions: config.int('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: config.int('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: config.int('offsets.topic.segment.bytes'),
    offsetsLoadBufferSize: config.int('offsets.load.buffer.size'),
    offsetsCommitTimeoutMs: config.int('offsets.commit.timeout.ms'),
    consumerProtocolEnabled: config.list('group.coordinator.rebalance.protocols').includes('consumer'),
    consumer: {
      sessionTimeoutMs: config.int('group.consumer.session.timeout.ms'),
      minSessionTimeoutMs: config.int('group.consumer.min.session.timeout.ms'),
      maxSessionTimeoutMs: config.int('group.consumer.max.session.timeout.ms'),
      heartbeatIntervalMs: config.int('group.consumer.heartbeat.interval.ms'),
      minHeartbeatIntervalMs: config.int('group.consumer.min.heartbeat.interval.ms'),
      maxHeartbeatIntervalMs: config.int('group.consumer.max.heartbeat.interval.ms'),
      maxSize: config.int('group.consumer.max.size'),
      assignors: config.list('group.consumer.assignors').map((a) => ASSIGNOR_CLASSES[a] ?? a),
    },
  };
}
