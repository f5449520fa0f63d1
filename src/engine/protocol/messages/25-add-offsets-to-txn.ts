/**
 * AddOffsetsToTxn (API key 25).
 *
 * Valid versions: 0-4. Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: add a group's offsets to an ongoing transaction.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: no wire change; PRODUCER_FENCED may be returned.
 * v3: first flexible version.
 * v4: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 */
import type { MessageSpec } from '../schema.js';

export const AddOffsetsToTxnRequest = {
  name: 'AddOffsetsToTxnRequest',
  type: 'request',
  apiKey: 25,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'transactionalId', type: 'string', versions: '0+' },
    { name: 'producerId', type: 'int64', versions: '0+' },
    { name: 'producerEpoch', type: 'int16', versions: '0+' },
    { name: 'groupId', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const AddOffsetsToTxnResponse = {
  name: 'AddOffsetsToTxnResponse',
  type: 'response',
  apiKey: 25,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
