/**
 * InitProducerId (API key 22).
 *
 * Valid versions: 0-5. Flexible versions: 2+.
 * Served by: broker.
 *
 * v0: allocate a producer id and epoch (idempotent or transactional).
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 * v3: adds the current producer id and epoch so a producer can resume.
 * v4: no wire change; PRODUCER_FENCED may be returned.
 * v5: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 */
import type { MessageSpec } from '../schema.js';

export const InitProducerIdRequest = {
  name: 'InitProducerIdRequest',
  type: 'request',
  apiKey: 22,
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '3+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '3+', default: -1 },
  ],
} as const satisfies MessageSpec;

export const InitProducerIdResponse = {
  name: 'InitProducerIdResponse',
  type: 'response',
  apiKey: 22,
  validVersions: '0-5',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+', default: -1 },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
