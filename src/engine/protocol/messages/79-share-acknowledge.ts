/**
 * ShareAcknowledge (API key 79).
 *
 * Valid versions: none (upstream 0; v0 is still unstable upstream). Flexible versions: 0+.
 * Served by: broker.
 *
 * v0 (unstable, not declared): acknowledge share-group records (KIP-932).
 */
import type { MessageSpec } from '../schema.js';

export const ShareAcknowledgeRequest = {
  name: 'ShareAcknowledgeRequest',
  type: 'request',
  apiKey: 79,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'memberId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'shareSessionEpoch', type: 'int32', versions: '0+' },
    {
      name: 'topics', type: '[]AcknowledgeTopic', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        {
          name: 'partitions', type: '[]AcknowledgePartition', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            {
              name: 'acknowledgementBatches', type: '[]AcknowledgementBatch', versions: '0+',
              fields: [
                { name: 'firstOffset', type: 'int64', versions: '0+' },
                { name: 'lastOffset', type: 'int64', versions: '0+' },
                { name: 'acknowledgeTypes', type: '[]int8', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const ShareAcknowledgeResponse = {
  name: 'ShareAcknowledgeResponse',
  type: 'response',
  apiKey: 79,
  validVersions: 'none', // upstream 0; v0 is latestVersionUnstable, so not declared
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+', ignorable: true },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'responses', type: '[]ShareAcknowledgeTopicResponse', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+', ignorable: true },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            {
              name: 'currentLeader', type: 'LeaderIdAndEpoch', versions: '0+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '0+' },
                { name: 'leaderEpoch', type: 'int32', versions: '0+' },
              ],
            },
          ],
        },
      ],
    },
    {
      name: 'nodeEndpoints', type: '[]NodeEndpoint', versions: '0+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
        { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec;
