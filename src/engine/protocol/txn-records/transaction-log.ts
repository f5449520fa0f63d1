/**
 * The records of the __transaction_state topic (Kafka's TransactionLogKey / TransactionLogValue).
 *
 * Key v0 (the only version): the transactional id. The record key is an int16 key version followed
 * by the key struct; the value an int16 value version followed by the value struct; a null value is
 * a tombstone (the transactional id expired).
 * Value v0: producer id and epoch, timeout, status, partitions, last update and start timestamps.
 * Value v1: first flexible version; tagged PreviousProducerId (0), NextProducerId (1) and
 *   ClientTransactionVersion (2) (KIP-890). Later changes are tagged fields only (KIP-915).
 */
import type { MessageSpec } from '../schema.js';

export const TransactionLogKey = {
  name: 'TransactionLogKey',
  type: 'data',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [{ name: 'transactionalId', type: 'string', versions: '0' }],
} as const satisfies MessageSpec;

export const TransactionLogValue = {
  name: 'TransactionLogValue',
  type: 'data',
  validVersions: '0-1',
  flexibleVersions: '1+',
  fields: [
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'previousProducerId', type: 'int64', versions: '1+', taggedVersions: '1+', tag: 0, default: -1 },
    { name: 'nextProducerId', type: 'int64', versions: '1+', taggedVersions: '1+', tag: 1, default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'transactionStatus', type: 'int8', versions: '0+' },
    {
      name: 'transactionPartitions', type: '[]PartitionsSchema', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitionIds', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'transactionLastUpdateTimestampMs', type: 'int64', versions: '0+' },
    { name: 'transactionStartTimestampMs', type: 'int64', versions: '0+' },
    { name: 'clientTransactionVersion', type: 'int16', versions: '1+', taggedVersions: '1+', tag: 2, default: 0 },
  ],
} as const satisfies MessageSpec;
