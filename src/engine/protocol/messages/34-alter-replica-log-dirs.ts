/**
 * AlterReplicaLogDirs (API key 34).
 *
 * Valid versions: 0-2 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker.
 *
 * v0: move replicas between log directories of a broker.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const AlterReplicaLogDirsRequest = {
  name: 'AlterReplicaLogDirsRequest',
  type: 'request',
  apiKey: 34,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'dirs', type: '[]AlterReplicaLogDir', versions: '0+',
      fields: [
        { name: 'path', type: 'string', versions: '0+' },
        {
          name: 'topics', type: '[]AlterReplicaLogDirTopic', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'partitions', type: '[]int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AlterReplicaLogDirsResponse = {
  name: 'AlterReplicaLogDirsResponse',
  type: 'response',
  apiKey: 34,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results', type: '[]AlterReplicaLogDirTopicResult', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]AlterReplicaLogDirPartitionResult', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
