/**
 * ConsumerGroupHeartbeat (API key 68).
 *
 * Valid versions: 0 (upstream 0-1; v1 is still unstable upstream). Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: KIP-848 consumer group heartbeat (membership, subscription and assignment).
 * v1 (unstable, not declared): adds a subscribed topic regex.
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The TopicPartitions struct (an upstream common struct). */
const topicPartitionsFields = [
  { name: 'topicId', type: 'uuid', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
] as const satisfies readonly FieldSpec[];

export const ConsumerGroupHeartbeatRequest = {
  name: 'ConsumerGroupHeartbeatRequest',
  type: 'request',
  apiKey: 68,
  validVersions: '0', // upstream 0-1; v1 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'memberEpoch', type: 'int32', versions: '0+' },
    { name: 'instanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'rackId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '0+', default: -1 },
    { name: 'subscribedTopicNames', type: '[]string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'subscribedTopicRegex', type: 'string', versions: '1+', nullableVersions: '1+', default: null },
    { name: 'serverAssignor', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'topicPartitions', type: '[]TopicPartitions', versions: '0+', nullableVersions: '0+', default: null,
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupHeartbeatResponse = {
  name: 'ConsumerGroupHeartbeatResponse',
  type: 'response',
  apiKey: 68,
  validVersions: '0', // upstream 0-1; v1 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'memberId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'memberEpoch', type: 'int32', versions: '0+' },
    { name: 'heartbeatIntervalMs', type: 'int32', versions: '0+' },
    {
      name: 'assignment', type: 'Assignment', versions: '0+', nullableVersions: '0+', default: null,
      fields: [
        { name: 'topicPartitions', type: '[]TopicPartitions', versions: '0+', fields: topicPartitionsFields },
      ],
    },
  ],
} as const satisfies MessageSpec;
