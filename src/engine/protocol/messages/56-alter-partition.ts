/**
 * AlterPartition (API key 56).
 *
 * Valid versions: 0-3. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a partition leader asks the controller to change the ISR.
 * v1: adds the leader recovery state (KIP-704).
 * v2: topics are identified by topic id (KIP-841).
 * v3: ISR entries carry broker epochs (newIsrWithEpochs, KIP-903).
 */
import type { MessageSpec } from '../schema.js';

export const AlterPartitionRequest = {
  name: 'AlterPartitionRequest',
  type: 'request',
  apiKey: 56,
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0-1', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '2+', ignorable: true },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            { name: 'newIsr', type: '[]int32', versions: '0-2' },
            {
              name: 'newIsrWithEpochs', type: '[]BrokerState', versions: '3+',
              fields: [
                { name: 'brokerId', type: 'int32', versions: '3+' },
                { name: 'brokerEpoch', type: 'int64', versions: '3+', default: -1 },
              ],
            },
            { name: 'leaderRecoveryState', type: 'int8', versions: '1+', default: 0 },
            { name: 'partitionEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AlterPartitionResponse = {
  name: 'AlterPartitionResponse',
  type: 'response',
  apiKey: 56,
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'topics', type: '[]TopicData', versions: '0+',
      fields: [
        { name: 'topicName', type: 'string', versions: '0-1', ignorable: true },
        { name: 'topicId', type: 'uuid', versions: '2+', ignorable: true },
        {
          name: 'partitions', type: '[]PartitionData', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'leaderId', type: 'int32', versions: '0+' },
            { name: 'leaderEpoch', type: 'int32', versions: '0+' },
            { name: 'isr', type: '[]int32', versions: '0+' },
            { name: 'leaderRecoveryState', type: 'int8', versions: '1+', default: 0, ignorable: true },
            { name: 'partitionEpoch', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
