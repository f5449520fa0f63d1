/**
 * AccessControlEntryRecord (metadata record type 18).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: an ACL was created.
 */
import type { MessageSpec } from '../schema.js';

export const AccessControlEntryRecord = {
  name: 'AccessControlEntryRecord',
  type: 'metadata',
  apiKey: 18,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'id', type: 'uuid', versions: '0+' },
    { name: 'resourceType', type: 'int8', versions: '0+' },
    { name: 'resourceName', type: 'string', versions: '0+' },
    { name: 'patternType', type: 'int8', versions: '0+' },
    { name: 'principal', type: 'string', versions: '0+' },
    { name: 'host', type: 'string', versions: '0+' },
    { name: 'operation', type: 'int8', versions: '0+' },
    { name: 'permissionType', type: 'int8', versions: '0+' },
  ],
} as const satisfies MessageSpec;
