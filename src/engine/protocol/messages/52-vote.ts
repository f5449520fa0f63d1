/**
 * Vote (API key 52).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: KRaft candidate asks voters for their vote.
 * v1: adds voter id and directory ids; response adds tagged leader endpoints (KIP-853).
 * v2: PreVote (KIP-996, Apache Kafka 4.0, after kt's 3.9 spec snapshot): ask whether the vote
 *     would be granted without anyone changing epoch or vote (Kafka 4.0 also renames the
 *     candidate fields to replica*, a change of names only).
 */
import type { MessageSpec } from '../schema.js';

export const VoteRequest = {
  name: 'VoteRequest',
  type: 'request',
  apiKey: 52,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'voterId', type: 'int32', versions: '1+', default: -1, ignorable: true },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'candidateEpoch', type: 'int32', versions: '0+' },
            { name: 'candidateId', type: 'int32', versions: '0+' },
            { name: 'candidateDirectoryId', type: 'uuid', versions: '1+', ignorable: true },
            { name: 'voterDirectoryId', type: 'uuid', versions: '1+', ignorable: true },
            { name: 'lastOffsetEpoch', type: 'int32', versions: '0+' },
            { name: 'lastOffset', type: 'int64', versions: '0+' },
            { name: 'preVote', type: 'bool', versions: '2+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const VoteResponse = {
  name: 'VoteResponse',
  type: 'response',
  apiKey: 52,
  validVersions: '0-2',
  flexibleVersions: '0+',
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
            { name: 'voteGranted', type: 'bool', versions: '0+' },
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
