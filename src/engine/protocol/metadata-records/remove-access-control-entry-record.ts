/**
 * RemoveAccessControlEntryRecord (metadata record type 19).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: an ACL was removed.
 */
import type { MessageSpec } from '../schema.js';

export const RemoveAccessControlEntryRecord = {
  name: 'RemoveAccessControlEntryRecord',
  type: 'metadata',
  apiKey: 19,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'id', type: 'uuid', versions: '0+' },
  ],
} as const satisfies MessageSpec;
