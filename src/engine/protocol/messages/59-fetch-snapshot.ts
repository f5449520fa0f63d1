/**
 * FetchSnapshot (API key 59).
 *
 * Valid versions: 0-1. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: KRaft follower fetches a chunk of a metadata snapshot.
 * v1: adds tagged replica directory id; response adds tagged leader endpoints (KIP-853).
 */
import type { MessageSpec } from '../schema.js';

export const FetchSnapshotRequest = {
  name: 'FetchSnapshotRequest',
  type: 'request',
  apiKey: 59,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'clusterId', type: 'string', versions: '0+',
      nullableVersions: '0+', tag: 0, taggedVersions: '0+', default: null,
    },
    { name: 'replicaId', type: 'int32', versions: '0+', default: -1 },
    { name: 'maxBytes', type: 'int32', versions: '0+', default: 0x7fffffff },
    {
      name: 'topics', type: '[]TopicSnapshot', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionSnapshot', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'currentLeaderEpoch', type: 'int32', versions: '0+' },
            {
              name: 'snapshotId', type: 'SnapshotId', versions: '0+',
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+' },
                { name: 'epoch', type: 'int32', versions: '0+' },
              ],
            },
            { name: 'position', type: 'int64', versions: '0+' },
            { name: 'replicaDirectoryId', type: 'uuid', versions: '1+', tag: 0, taggedVersions: '1+', ignorable: true },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const FetchSnapshotResponse = {
  name: 'FetchSnapshotResponse',
  type: 'response',
  apiKey: 59,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+', ignorable: false },
    {
      name: 'topics', type: '[]TopicSnapshot', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionSnapshot', versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            {
              name: 'snapshotId', type: 'SnapshotId', versions: '0+',
              fields: [
                { name: 'endOffset', type: 'int64', versions: '0+' },
                { name: 'epoch', type: 'int32', versions: '0+' },
              ],
            },
            {
              name: 'currentLeader', type: 'LeaderIdAndEpoch', versions: '0+', tag: 0, taggedVersions: '0+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '0+' },
                { name: 'leaderEpoch', type: 'int32', versions: '0+' },
              ],
            },
            { name: 'size', type: 'int64', versions: '0+' },
            { name: 'position', type: 'int64', versions: '0+' },
            { name: 'unalignedRecords', type: 'records', versions: '0+' },
          ],
        },
      ],
    },
    {
      name: 'nodeEndpoints', type: '[]NodeEndpoint', versions: '1+', tag: 0, taggedVersions: '1+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '1+' },
        { name: 'host', type: 'string', versions: '1+' },
        { name: 'port', type: 'uint16', versions: '1+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
