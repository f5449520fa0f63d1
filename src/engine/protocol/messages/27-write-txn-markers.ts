/**
 * WriteTxnMarkers (API key 27).
 *
 * Valid versions: 0-1. Flexible versions: 1+.
 * Served by: broker.
 *
 * v0: the transaction coordinator writes commit/abort markers to partition leaders.
 * v1: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const WriteTxnMarkersRequest = {
  name: 'WriteTxnMarkersRequest',
  type: 'request',
  apiKey: 27,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'markers', type: '[]WritableTxnMarker', versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'producerEpoch', type: 'int16', versions: '0+' },
        { name: 'transactionResult', type: 'bool', versions: '0+' },
        {
          name: 'topics', type: '[]WritableTxnMarkerTopic', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'partitionIndexes', type: '[]int32', versions: '0+' },
          ],
        },
        { name: 'coordinatorEpoch', type: 'int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const WriteTxnMarkersResponse = {
  name: 'WriteTxnMarkersResponse',
  type: 'response',
  apiKey: 27,
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    {
      name: 'markers', type: '[]WritableTxnMarkerResult', versions: '0+',
      fields: [
        { name: 'producerId', type: 'int64', versions: '0+' },
        {
          name: 'topics', type: '[]WritableTxnMarkerTopicResult', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            {
              name: 'partitions', type: '[]WritableTxnMarkerPartitionResult', versions: '0+',
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
