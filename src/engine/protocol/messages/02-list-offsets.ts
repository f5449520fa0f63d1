/**
 * ListOffsets (API key 2).
 *
 * Valid versions: 0-10 (0 deprecated upstream). Flexible versions: 6+.
 * Served by: broker.
 *
 * v0: look up offsets by timestamp, returning a list of old-style offsets.
 * v1: a single offset plus its timestamp replaces the offsets list.
 * v2: adds the isolation level; response carries the throttle time.
 * v3: no wire change; throttling happens after the response is sent.
 * v4: adds the current leader epoch for fencing; response returns the leader epoch.
 * v5: no wire change; OFFSET_NOT_AVAILABLE may be returned.
 * v6: first flexible version.
 * v7: no wire change; timestamp -3 lists by max timestamp (KIP-734).
 * v8: no wire change; timestamp -4 lists the local log start offset (KIP-405).
 * v9: no wire change; timestamp -5 lists the last tiered offset (KIP-1005).
 * v10: adds a timeout for asynchronous remote lookups (KIP-1075).
 */
import type { MessageSpec } from '../schema.js';

export const ListOffsetsRequest = {
  name: 'ListOffsetsRequest',
  type: 'request',
  apiKey: 2,
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'replicaId', type: 'int32', versions: '0+' },
    { name: 'isolationLevel', type: 'int8', versions: '2+' },
    {
      name: 'topics', type: '[]ListOffsetsTopic', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]ListOffsetsPartition', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '4+', default: -1, ignorable: true },
            { name: 'timestamp', type: 'int64', versions: '0+' },
            { name: 'maxNumOffsets', type: 'int32', versions: '0', default: 1 },
          ],
        },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '10+', ignorable: true },
  ],
} as const satisfies MessageSpec;

export const ListOffsetsResponse = {
  name: 'ListOffsetsResponse',
  type: 'response',
  apiKey: 2,
  validVersions: '0-10',
  flexibleVersions: '6+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '2+', ignorable: true },
    {
      name: 'topics', type: '[]ListOffsetsTopicResponse', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]ListOffsetsPartitionResponse', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'oldStyleOffsets', type: '[]int64', versions: '0', ignorable: false },
            { name: 'timestamp', type: 'int64', versions: '1+', default: -1, ignorable: false },
            { name: 'offset', type: 'int64', versions: '1+', default: -1, ignorable: false },
            { name: 'leaderEpoch', type: 'int32', versions: '4+', default: -1 },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
