/**
 * UserScramCredentialRecord (metadata record type 11).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a SCRAM credential was created or changed.
 */
import type { MessageSpec } from '../schema.js';

export const UserScramCredentialRecord = {
  name: 'UserScramCredentialRecord',
  type: 'metadata',
  apiKey: 11,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'mechanism', type: 'int8', versions: '0+' },
    { name: 'salt', type: 'bytes', versions: '0+' },
    { name: 'storedKey', type: 'bytes', versions: '0+' },
    { name: 'serverKey', type: 'bytes', versions: '0+' },
    { name: 'iterations', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
