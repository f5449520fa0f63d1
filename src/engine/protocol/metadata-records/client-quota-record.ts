/**
 * ClientQuotaRecord (metadata record type 14).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a client quota was set or removed.
 */
import type { MessageSpec } from '../schema.js';

export const ClientQuotaRecord = {
  name: 'ClientQuotaRecord',
  type: 'metadata',
  apiKey: 14,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'entity', type: '[]EntityData', versions: '0+',
      fields: [
        { name: 'entityType', type: 'string', versions: '0+' },
        { name: 'entityName', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
    { name: 'key', type: 'string', versions: '0+' },
    { name: 'value', type: 'float64', versions: '0+' },
    { name: 'remove', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec;
