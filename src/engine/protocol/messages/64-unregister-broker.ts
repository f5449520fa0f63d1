/**
 * UnregisterBroker (API key 64).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: remove a broker registration from the cluster.
 */
import type { MessageSpec } from '../schema.js';

export const UnregisterBrokerRequest = {
  name: 'UnregisterBrokerRequest',
  type: 'request',
  apiKey: 64,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const UnregisterBrokerResponse = {
  name: 'UnregisterBrokerResponse',
  type: 'response',
  apiKey: 64,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
} as const satisfies MessageSpec;
