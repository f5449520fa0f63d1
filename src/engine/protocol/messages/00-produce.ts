/**
 * Produce (API key 0).
 *
 * Valid versions: 0-12 (0-6 deprecated upstream). Flexible versions: 9+.
 * Served by: broker.
 *
 * v0: write record sets to partition leaders, with acks and a timeout.
 * v1: response carries the throttle time.
 * v2: response reports the log append time per partition.
 * v3: adds the transactional id; batches use message format v2.
 * v4: no wire change; KAFKA_STORAGE_ERROR becomes possible.
 * v5: response reports the log start offset per partition.
 * v6: no wire change.
 * v7: no wire change; zstd-compressed batches are allowed (KIP-110).
 * v8: response adds per-record errors and an error message (KIP-467).
 * v9: first flexible version.
 * v10: response adds tagged currentLeader / nodeEndpoints hints (KIP-951).
 * v11: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 * v12: no wire change (Kafka 4.0, KIP-890 part 2): with transaction.version 2 a transactional batch
 *      also adds its partition to the producer's transaction (AddPartitionsToTxn is not sent);
 *      clients without version 2 stay at v11. Newer than the spec snapshot (3.x) the
 *      conformance test compares with.
 */
import type { MessageSpec } from '../schema.js';

export const ProduceRequest = {
  name: 'ProduceRequest',
  type: 'request',
  apiKey: 0,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
    { name: 'acks', type: 'int16', versions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    {
      name: 'topicData', type: '[]TopicProduceData', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionData', type: '[]PartitionProduceData', versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'records', type: 'records', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const ProduceResponse = {
  name: 'ProduceResponse',
  type: 'response',
  apiKey: 0,
  validVersions: '0-12',
  flexibleVersions: '9+',
  fields: [
    {
      name: 'responses', type: '[]TopicProduceResponse', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        {
          name: 'partitionResponses', type: '[]PartitionProduceResponse', versions: '0+',
          fields: [
            { name: 'index', type: 'int32', versions: '0+' },
            { name: 'errorCode', type: 'int16', versions: '0+' },
            { name: 'baseOffset', type: 'int64', versions: '0+' },
            { name: 'logAppendTimeMs', type: 'int64', versions: '2+', default: -1, ignorable: true },
            { name: 'logStartOffset', type: 'int64', versions: '5+', default: -1, ignorable: true },
            {
              name: 'recordErrors', type: '[]BatchIndexAndErrorMessage', versions: '8+', ignorable: true,
              fields: [
                { name: 'batchIndex', type: 'int32', versions: '8+' },
                {
                  name: 'batchIndexErrorMessage', type: 'string', versions: '8+',
                  nullableVersions: '8+', default: null,
                },
              ],
            },
            {
              name: 'errorMessage', type: 'string', versions: '8+',
              nullableVersions: '8+', default: null, ignorable: true,
            },
            {
              name: 'currentLeader', type: 'LeaderIdAndEpoch', versions: '10+', tag: 0, taggedVersions: '10+',
              fields: [
                { name: 'leaderId', type: 'int32', versions: '10+', default: -1 },
                { name: 'leaderEpoch', type: 'int32', versions: '10+', default: -1 },
              ],
            },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', default: 0, ignorable: true },
    {
      name: 'nodeEndpoints', type: '[]NodeEndpoint', versions: '10+', tag: 0, taggedVersions: '10+',
      fields: [
        { name: 'nodeId', type: 'int32', versions: '10+' },
        { name: 'host', type: 'string', versions: '10+' },
        { name: 'port', type: 'int32', versions: '10+' },
        { name: 'rack', type: 'string', versions: '10+', nullableVersions: '10+', default: null },
      ],
    },
  ],
} as const satisfies MessageSpec;
