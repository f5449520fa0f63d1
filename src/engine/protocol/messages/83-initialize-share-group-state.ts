/**
 * InitializeShareGroupState (API key 83).
 *
 * Valid versions: none (upstream 0; v0 is still unstable upstream). Flexible versions: 0+.
 * Served by: broker.
 *
 * v0 (unstable, not declared): initialize share-group partition state (KIP-932).
 */
import type { MessageSpec } from '../schema.js';

export const InitializeShareGroupStateRequest = {
  name: 'InitializeShareGroupStateRequest',
  type: 'request',
  apiKey: 83,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    {
      name: 'topics', type: '[]InitializeStateData', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'stateEpoch', type: 'int32', versions: '0+' },
            { name: 'startOffset', type: 'int64', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const InitializeShareGroupStateResponse = {
  name: 'InitializeShareGroupStateResponse',
  type: 'response',
  apiKey: 83,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    {
      name: 'results', type: '[]InitializeStateResult', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        {
          name: 'partitions', type: '[]PartitionResult', versions: '0+',
          fields: [
            { name: 'partition', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
