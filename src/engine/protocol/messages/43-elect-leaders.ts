/**
 * ElectLeaders (API key 43).
 *
 * Valid versions: 0-2. Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: trigger preferred leader election for partitions.
 * v1: adds the election type (KIP-460); response adds a top-level error code.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const ElectLeadersRequest = {
  name: 'ElectLeadersRequest',
  type: 'request',
  apiKey: 43,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'electionType', type: 'int8', versions: '1+' },
    {
      name: 'topicPartitions', type: '[]TopicPartitions', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
  ],
} as const satisfies MessageSpec;

export const ElectLeadersResponse = {
  name: 'ElectLeadersResponse',
  type: 'response',
  apiKey: 43,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '1+', ignorable: false },
    {
      name: 'replicaElectionResults', type: '[]ReplicaElectionResult', versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        {
          name: 'partitionResult', type: '[]PartitionResult', versions: '0+',
          fields: [
            { name: 'partitionId', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
