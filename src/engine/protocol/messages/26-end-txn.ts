/**
 * EndTxn (API key 26).
 *
 * Valid versions: 0-5 (v5 is marked unstable in the 3.9-era spec snapshot; Kafka 4.0 released it). Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: commit or abort a transaction.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: no wire change; PRODUCER_FENCED may be returned.
 * v3: first flexible version.
 * v4: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 * v5: epoch bump per transaction (KIP-890 part 2); the response returns the producer id and epoch.
 */
import type { MessageSpec } from '../schema.js';

export const EndTxnRequest = {
  name: 'EndTxnRequest',
  type: 'request',
  apiKey: 26,
  validVersions: '0-5', // KIP-890 part 2: stable since Kafka 4.0
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'committed', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const EndTxnResponse = {
  name: 'EndTxnResponse',
  type: 'response',
  apiKey: 26,
  validVersions: '0-5', // KIP-890 part 2: stable since Kafka 4.0
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '5+', default: -1, ignorable: true },
    { name: 'producerEpoch', type: 'int16', versions: '5+', default: -1, ignorable: true },
  ],
} as const satisfies MessageSpec;
