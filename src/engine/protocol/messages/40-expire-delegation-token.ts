/**
 * ExpireDelegationToken (API key 40).
 *
 * Valid versions: 0-2 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: change a delegation token's expiry (or expire it now).
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const ExpireDelegationTokenRequest = {
  name: 'ExpireDelegationTokenRequest',
  type: 'request',
  apiKey: 40,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'hmac', type: 'bytes', versions: '0+' },
    { name: 'expiryTimePeriodMs', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const ExpireDelegationTokenResponse = {
  name: 'ExpireDelegationTokenResponse',
  type: 'response',
  apiKey: 40,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'expiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
