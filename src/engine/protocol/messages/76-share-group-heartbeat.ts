/**
 * ShareGroupHeartbeat (API key 76).
 *
 * Valid versions: none (upstream 0; v0 is still unstable upstream). Flexible versions: 0+.
 * Served by: broker.
 *
 * v0 (unstable, not declared): KIP-932 share group heartbeat.
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The TopicPartitions struct (an upstream common struct). */
const topicPartitionsFields = [
  { name: 'topicId', type: 'uuid', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
] as const satisfies readonly FieldSpec[];

export const ShareGroupHeartbeatRequest = {
  name: 'ShareGroupHeartbeatRequest',
  type: 'request',
  apiKey: 76,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'memberEpoch', type: 'int32', versions: '0+' },
    { name: 'rackId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'subscribedTopicNames', type: '[]string', versions: '0+', nullableVersions: '0+', default: null },
  ],
} as const satisfies MessageSpec;

export const ShareGroupHeartbeatResponse = {
  name: 'ShareGroupHeartbeatResponse',
  type: 'response',
  apiKey: 76,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
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
