/**
 * AddPartitionsToTxn (API key 24).
 *
 * Valid versions: 0-5. Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: add partitions to an ongoing transaction.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: no wire change; PRODUCER_FENCED may be returned.
 * v3: first flexible version.
 * v4: broker-to-broker batch form over several transactions with verifyOnly and a top-level error.
 * v5: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The AddPartitionsToTxnTopic struct (an upstream common struct). */
const addPartitionsToTxnTopicFields = [
  { name: 'name', type: 'string', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
] as const satisfies readonly FieldSpec[];

/** The AddPartitionsToTxnPartitionResult struct (an upstream common struct). */
const addPartitionsToTxnPartitionResultFields = [
  { name: 'partitionIndex', type: 'int32', versions: '0+' },
  { name: 'partitionErrorCode', type: 'int16', versions: '0+' },
] as const satisfies readonly FieldSpec[];

/** The AddPartitionsToTxnTopicResult struct (an upstream common struct). */
const addPartitionsToTxnTopicResultFields = [
  { name: 'name', type: 'string', versions: '0+' },
  {
    name: 'resultsByPartition', type: '[]AddPartitionsToTxnPartitionResult', versions: '0+',
    fields: addPartitionsToTxnPartitionResultFields,
  },
] as const satisfies readonly FieldSpec[];

export const AddPartitionsToTxnRequest = {
  name: 'AddPartitionsToTxnRequest',
  type: 'request',
  apiKey: 24,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    {
      name: 'transactions', type: '[]AddPartitionsToTxnTransaction', versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        { name: 'producerId', type: 'int64', versions: '4+' },
        { name: 'producerEpoch', type: 'int16', versions: '4+' },
        { name: 'verifyOnly', type: 'bool', versions: '4+', default: false },
        { name: 'topics', type: '[]AddPartitionsToTxnTopic', versions: '4+', fields: addPartitionsToTxnTopicFields },
      ],
    },
    { name: 'v3AndBelowTransactionalId', type: 'string', versions: '0-3' },
    { name: 'v3AndBelowProducerId', type: 'int64', versions: '0-3' },
    { name: 'v3AndBelowProducerEpoch', type: 'int16', versions: '0-3' },
    {
      name: 'v3AndBelowTopics', type: '[]AddPartitionsToTxnTopic', versions: '0-3',
      fields: addPartitionsToTxnTopicFields,
    },
  ],
} as const satisfies MessageSpec;

export const AddPartitionsToTxnResponse = {
  name: 'AddPartitionsToTxnResponse',
  type: 'response',
  apiKey: 24,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '4+', ignorable: true },
    {
      name: 'resultsByTransaction', type: '[]AddPartitionsToTxnResult', versions: '4+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '4+' },
        {
          name: 'topicResults', type: '[]AddPartitionsToTxnTopicResult', versions: '4+',
          fields: addPartitionsToTxnTopicResultFields,
        },
      ],
    },
    {
      name: 'resultsByTopicV3AndBelow', type: '[]AddPartitionsToTxnTopicResult', versions: '0-3',
      fields: addPartitionsToTxnTopicResultFields,
    },
  ],
} as const satisfies MessageSpec;
