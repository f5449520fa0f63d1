/**
 * RemoveUserScramCredentialRecord (metadata record type 22).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a SCRAM credential was removed.
 */
import type { MessageSpec } from '../schema.js';

export const RemoveUserScramCredentialRecord = {
  name: 'RemoveUserScramCredentialRecord',
  type: 'metadata',
  apiKey: 22,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'mechanism', type: 'int8', versions: '0+' },
  ],
} as const satisfies MessageSpec;
