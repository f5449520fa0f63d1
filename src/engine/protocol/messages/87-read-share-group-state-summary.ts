/**
 * ReadShareGroupStateSummary (API key 87).
 *
 * Valid versions: none (upstream 0; v0 is still unstable upstream). Flexible versions: 0+.
 * Served by: broker.
 *
 * v0 (unstable, not declared): read a summary of share-group partition state (KIP-932).
 */
import type { MessageSpec } from '../schema.js';

export const ReadShareGroupStateSummaryRequest = {
  name: 'ReadShareGroupStateSummaryRequest',
  type: 'request',
  apiKey: 87,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics', type: '[]ReadStateSummaryData', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const ReadShareGroupStateSummaryResponse = {
  name: 'ReadShareGroupStateSummaryResponse',
  type: 'response',
  apiKey: 87,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    {
      name: 'results', type: '[]ReadStateSummaryResult', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionResult', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            { name: 'stateEpoch', type: 'int32', versions: '0+' },
            { name: 'startOffset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
