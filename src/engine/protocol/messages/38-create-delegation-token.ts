/**
 * CreateDelegationToken (API key 38).
 *
 * Valid versions: 0-3 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: create a delegation token.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 * v3: adds the owner principal; response adds the requester principal.
 */
import type { MessageSpec } from '../schema.js';

export const CreateDelegationTokenRequest = {
  name: 'CreateDelegationTokenRequest',
  type: 'request',
  apiKey: 38,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'ownerPrincipalType', type: 'string', versions: '3+', nullableVersions: '3+' },
    { name: 'ownerPrincipalName', type: 'string', versions: '3+', nullableVersions: '3+' },
    {
      name: 'renewers', type: '[]CreatableRenewers', versions: '0+',
      fields: [
        { name: 'principalType', type: 'string', versions: '0+' },
        { name: 'principalName', type: 'string', versions: '0+' },
      ],
    },
    { name: 'maxLifetimeMs', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const CreateDelegationTokenResponse = {
  name: 'CreateDelegationTokenResponse',
  type: 'response',
  apiKey: 38,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'principalType', type: 'string', versions: '0+' },
    { name: 'principalName', type: 'string', versions: '0+' },
    { name: 'tokenRequesterPrincipalType', type: 'string', versions: '3+' },
    { name: 'tokenRequesterPrincipalName', type: 'string', versions: '3+' },
    { name: 'issueTimestampMs', type: 'int64', versions: '0+' },
    { name: 'expiryTimestampMs', type: 'int64', versions: '0+' },
    { name: 'maxTimestampMs', type: 'int64', versions: '0+' },
    { name: 'tokenId', type: 'string', versions: '0+' },
    { name: 'hmac', type: 'bytes', versions: '0+' },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
