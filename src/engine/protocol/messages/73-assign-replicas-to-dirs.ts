/**
 * AssignReplicasToDirs (API key 73).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: broker reports which directory holds each replica (KIP-858).
 */
import type { MessageSpec } from '../schema.js';

export const AssignReplicasToDirsRequest = {
  name: 'AssignReplicasToDirsRequest',
  type: 'request',
  apiKey: 73,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
    {
      name: 'directories', type: '[]DirectoryData', versions: '0+',
      fields: [
        { name: 'id', type: 'uuid', versions: '0+' },
        {
          name: 'topics', type: '[]TopicData', versions: '0+',
          fields: [
            { name: 'topicId', type: 'uuid', versions: '0+' },
            {
              name: 'partitions', type: '[]PartitionData', versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AssignReplicasToDirsResponse = {
  name: 'AssignReplicasToDirsResponse',
  type: 'response',
  apiKey: 73,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'directories', type: '[]DirectoryData', versions: '0+',
      fields: [
        { name: 'id', type: 'uuid', versions: '0+' },
        {
          name: 'topics', type: '[]TopicData', versions: '0+',
          fields: [
            { name: 'topicId', type: 'uuid', versions: '0+' },
            {
              name: 'partitions', type: '[]PartitionData', versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'errorCode', type: 'int16', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
