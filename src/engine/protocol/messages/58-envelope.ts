/**
 * Envelope (API key 58).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a broker forwards a client request (with principal and address) to the controller.
 */
import type { MessageSpec } from '../schema.js';

export const EnvelopeRequest = {
  name: 'EnvelopeRequest',
  type: 'request',
  apiKey: 58,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'requestData', type: 'bytes', versions: '0+' },
    { name: 'requestPrincipal', type: 'bytes', versions: '0+', nullableVersions: '0+' },
    { name: 'clientHostAddress', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const EnvelopeResponse = {
  name: 'EnvelopeResponse',
  type: 'response',
  apiKey: 58,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'responseData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
