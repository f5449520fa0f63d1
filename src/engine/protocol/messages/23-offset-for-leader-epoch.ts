/**
 * OffsetForLeaderEpoch (API key 23).
 *
 * Valid versions: 0-4 (0-1 deprecated upstream). Flexible versions: 4+.
 * Served by: broker.
 *
 * v0: find the end offset of a leader epoch per partition.
 * v1: response returns the leader epoch.
 * v2: adds the current leader epoch for fencing; response carries the throttle time.
 * v3: adds the replica id (-2 means a debug consumer).
 * v4: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const OffsetForLeaderEpochRequest = {
  name: 'OffsetForLeaderEpochRequest',
  type: 'request',
  apiKey: 23,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '3+', default: -2, ignorable: true },
    {
      name: 'topics', type: '[]OffsetForLeaderTopic', versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]OffsetForLeaderPartition', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const OffsetForLeaderEpochResponse = {
  name: 'OffsetForLeaderEpochResponse',
  type: 'response',
  apiKey: 23,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics', type: '[]OffsetForLeaderTopicResult', versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]EpochEndOffset', versions: '0+',
          fields: [
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '1+', default: -1, ignorable: true },
            { name: 'endOffset', type: 'int64', versions: '0+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
