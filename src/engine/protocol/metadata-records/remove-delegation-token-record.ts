/**
 * RemoveDelegationTokenRecord (metadata record type 26).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a delegation token was removed.
 */
import type { MessageSpec } from '../schema.js';

export const RemoveDelegationTokenRecord = {
  name: 'RemoveDelegationTokenRecord',
  type: 'metadata',
  apiKey: 26,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'tokenId', type: 'string', versions: '0+' },
  ],
} as const satisfies MessageSpec;
