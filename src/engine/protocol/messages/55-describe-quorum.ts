/**
 * DescribeQuorum (API key 55).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: describe the KRaft quorum state (voters and observers).
 * v1: response adds last fetch / caught-up timestamps per replica (KIP-836).
 * v2: response adds error messages, replica directory ids and node endpoints (KIP-853).
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The ReplicaState struct (an upstream common struct). */
const replicaStateFields = [
  { name: 'replicaId', type: 'int32', versions: '0+' },
  { name: 'replicaDirectoryId', type: 'uuid', versions: '2+' },
  { name: 'logEndOffset', type: 'int64', versions: '0+' },
  { name: 'lastFetchTimestamp', type: 'int64', versions: '1+', default: -1, ignorable: true },
  { name: 'lastCaughtUpTimestamp', type: 'int64', versions: '1+', default: -1, ignorable: true },
] as const satisfies readonly FieldSpec[];

export const DescribeQuorumRequest = {
  name: 'DescribeQuorumRequest',
  type: 'request',
  apiKey: 55,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const DescribeQuorumResponse = {
  name: 'DescribeQuorumResponse',
  type: 'response',
  apiKey: 55,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '2+', nullableVersions: '2+', ignorable: true },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '2+', nullableVersions: '2+', ignorable: true },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            { name: 'highWatermark', type: 'int64', versions: '0+' },
            { name: 'currentVoters', type: '[]ReplicaState', versions: '0+', fields: replicaStateFields },
            { name: 'observers', type: '[]ReplicaState', versions: '0+', fields: replicaStateFields },
          ],
        },
      ],
    },
    {
      name: 'nodes', type: '[]Node', versions: '2+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '2+' },
        {
          name: 'listeners', type: '[]Listener', versions: '2+',
          fields: [
            { name: 'name', type: 'string', versions: '2+' },
            { name: 'host', type: 'string', versions: '2+' },
            { name: 'port', type: 'uint16', versions: '2+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
