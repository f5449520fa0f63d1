/**
 * DescribeLogDirs (API key 35).
 *
 * Valid versions: 0-4 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker.
 *
 * v0: describe a broker's log directories and the replicas in them.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 * v3: response adds a top-level error code.
 * v4: response adds total and usable bytes per directory.
 */
import type { MessageSpec } from '../schema.js';

export const DescribeLogDirsRequest = {
  name: 'DescribeLogDirsRequest',
  type: 'request',
  apiKey: 35,
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'topics', type: '[]DescribableLogDirTopic', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const DescribeLogDirsResponse = {
  name: 'DescribeLogDirsResponse',
  type: 'response',
  apiKey: 35,
  validVersions: '0-4',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '3+', ignorable: true },
    {
      name: 'results', type: '[]DescribeLogDirsResult', versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'logDir', type: 'string', versions: '0+' },
        {
          name: 'topics', type: '[]DescribeLogDirsTopic', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions', type: '[]DescribeLogDirsPartition', versions: '0+',
              fields: [
                { name: 'partitionIndex', type: 'int32', versions: '0+' },
                { name: 'partitionSize', type: 'int64', versions: '0+' },
                { name: 'offsetLag', type: 'int64', versions: '0+' },
                { name: 'isFutureKey', type: 'bool', versions: '0+' },
              ],
            },
          ],
        },
        { name: 'totalBytes', type: 'int64', versions: '4+', default: -1, ignorable: true },
        { name: 'usableBytes', type: 'int64', versions: '4+', default: -1, ignorable: true },
      ],
    },
  ],
} as const satisfies MessageSpec;
