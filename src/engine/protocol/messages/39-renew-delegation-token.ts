/**
 * RenewDelegationToken (API key 39).
 *
 * Valid versions: 0-2 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: extend a delegation token's expiry.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const RenewDelegationTokenRequest = {
  name: 'RenewDelegationTokenRequest',
  type: 'request',
  apiKey: 39,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'hmac', type: 'bytes', versions: '0+' },
    { name: 'renewPeriodMs', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const RenewDelegationTokenResponse = {
  name: 'RenewDelegationTokenResponse',
  type: 'response',
  apiKey: 39,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'expiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
