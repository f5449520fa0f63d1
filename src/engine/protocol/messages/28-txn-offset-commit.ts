/**
 * TxnOffsetCommit (API key 28).
 *
 * Valid versions: 0-5. Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: commit offsets within a transaction.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: adds the committed leader epoch.
 * v3: first flexible version; adds generation id, member id and group instance id.
 * v4: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 * v5: no wire change (Kafka 4.0, KIP-890 part 2): with transaction.version 2 the request also adds
 *     the group's __consumer_offsets partition to the transaction (AddOffsetsToTxn is not sent);
 *     clients without version 2 stay at v4. Newer than the spec snapshot (3.x) the conformance
 *     test compares with.
 */
import type { MessageSpec } from '../schema.js';

export const TxnOffsetCommitRequest = {
  name: 'TxnOffsetCommitRequest',
  type: 'request',
  apiKey: 28,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '3+', default: -1 },
    { name: 'memberId', type: 'string', versions: '3+', default: '' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    {
      name: 'topics', type: '[]TxnOffsetCommitRequestTopic', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]TxnOffsetCommitRequestPartition', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'committedOffset', type: 'int64', versions: '0+' },
            { name: 'committedLeaderEpoch', type: 'int32', versions: '2+', default: -1, ignorable: true },
            { name: 'committedMetadata', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const TxnOffsetCommitResponse = {
  name: 'TxnOffsetCommitResponse',
  type: 'response',
  apiKey: 28,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'topics', type: '[]TxnOffsetCommitResponseTopic', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitions', type: '[]TxnOffsetCommitResponsePartition', versions: '0+',
          fields: [
            { name: 'partitionIndex', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
