/**
 * AllocateProducerIds (API key 67).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a broker requests a block of producer ids from the controller.
 */
import type { MessageSpec } from '../schema.js';

export const AllocateProducerIdsRequest = {
  name: 'AllocateProducerIdsRequest',
  type: 'request',
  apiKey: 67,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
  ],
} as const satisfies MessageSpec;

export const AllocateProducerIdsResponse = {
  name: 'AllocateProducerIdsResponse',
  type: 'response',
  apiKey: 67,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'producerIdStart', type: 'int64', versions: '0+' },
    { name: 'producerIdLen', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
