/**
 * DelegationTokenRecord (metadata record type 10).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a delegation token was created or renewed.
 */
import type { MessageSpec } from '../schema.js';

export const DelegationTokenRecord = {
  name: 'DelegationTokenRecord',
  type: 'metadata',
  apiKey: 10,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'owner', type: 'string', versions: '0+' },
    { name: 'requester', type: 'string', versions: '0+' },
    { name: 'renewers', type: '[]string', versions: '0+' },
    { name: 'issueTimestamp', type: 'int64', versions: '0+' },
    { name: 'maxTimestamp', type: 'int64', versions: '0+' },
    { name: 'expirationTimestamp', type: 'int64', versions: '0+' },
    { name: 'tokenId', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageSpec;
