/**
 * AlterPartitionReassignments (API key 45).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: start or cancel partition replica reassignments.
 */
import type { MessageSpec } from '../schema.js';

export const AlterPartitionReassignmentsRequest = {
  name: 'AlterPartitionReassignmentsRequest',
  type: 'request',
  apiKey: 45,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    {
      name: 'topics', type: '[]ReassignableTopic', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]ReassignablePartition', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'replicas', type: '[]int32', versions: '0+', nullableVersions: '0+', default: null },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AlterPartitionReassignmentsResponse = {
  name: 'AlterPartitionReassignmentsResponse',
  type: 'response',
  apiKey: 45,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'responses', type: '[]ReassignableTopicResponse', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]ReassignablePartitionResponse', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
