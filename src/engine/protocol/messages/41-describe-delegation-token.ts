/**
 * DescribeDelegationToken (API key 41).
 *
 * Valid versions: 0-3 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: describe delegation tokens by owner.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 * v3: response adds the token requester principal.
 */
import type { MessageSpec } from '../schema.js';

export const DescribeDelegationTokenRequest = {
  name: 'DescribeDelegationTokenRequest',
  type: 'request',
  apiKey: 41,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'owners', type: '[]DescribeDelegationTokenOwner', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'principalType', type: 'string', versions: '0+' },
        { name: 'principalName', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const DescribeDelegationTokenResponse = {
  name: 'DescribeDelegationTokenResponse',
  type: 'response',
  apiKey: 41,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'tokens', type: '[]DescribedDelegationToken', versions: '0+',
      fields: [
        { name: 'principalType', type: 'string', versions: '0+' },
        { name: 'principalName', type: 'string', versions: '0+' },
        { name: 'tokenRequesterPrincipalType', type: 'string', versions: '3+' },
        { name: 'tokenRequesterPrincipalName', type: 'string', versions: '3+' },
        { name: 'issueTimestamp', type: 'int64', versions: '0+' },
        { name: 'expiryTimestamp', type: 'int64', versions: '0+' },
        { name: 'maxTimestamp', type: 'int64', versions: '0+' },
        { name: 'tokenId', type: 'string', versions: '0+' },
        { name: 'hmac', type: 'bytes', versions: '0+' },
        {
          name: 'renewers', type: '[]DescribedDelegationTokenRenewer', versions: '0+',
          fields: [
            { name: 'principalType', type: 'string', versions: '0+' },
            { name: 'principalName', type: 'string', versions: '0+' },
          ],
        },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
