/**
 * EndQuorumEpoch (API key 54).
 *
 * Valid versions: 0-1. Flexible versions: 1+.
 * Served by: controller.
 *
 * v0: a KRaft leader steps down and names preferred successors.
 * v1: first flexible version; preferred candidates with directory ids and leader endpoints (KIP-853).
 */
import type { MessageSpec } from '../schema.js';

export const EndQuorumEpochRequest = {
  name: 'EndQuorumEpochRequest',
  type: 'request',
  apiKey: 54,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            { name: 'preferredSuccessors', type: '[]int32', versions: '0', ignorable: true },
            {
              name: 'preferredCandidates', type: '[]ReplicaInfo', versions: '1+', ignorable: true,
              fields: [
                { name: 'candidateId', type: 'int32', versions: '1+' },
                { name: 'candidateDirectoryId', type: 'uuid', versions: '1+' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'leaderEndpoints', type: '[]LeaderEndpoint', versions: '1+', ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '1+' },
        { name: 'host', type: 'string', versions: '1+' },
        { name: 'port', type: 'uint16', versions: '1+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const EndQuorumEpochResponse = {
  name: 'EndQuorumEpochResponse',
  type: 'response',
  apiKey: 54,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
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
