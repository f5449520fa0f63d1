/**
 * SaslAuthenticate (API key 36).
 *
 * Valid versions: 0-2. Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: carry SASL authentication bytes inside Kafka framing.
 * v1: response adds the session lifetime.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const SaslAuthenticateRequest = {
  name: 'SaslAuthenticateRequest',
  type: 'request',
  apiKey: 36,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'authBytes', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const SaslAuthenticateResponse = {
  name: 'SaslAuthenticateResponse',
  type: 'response',
  apiKey: 36,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'authBytes', type: 'bytes', versions: '0+' },
    { name: 'sessionLifetimeMs', type: 'int64', versions: '1+', default: 0, ignorable: true },
  ],
} as const satisfies MessageSpec;
