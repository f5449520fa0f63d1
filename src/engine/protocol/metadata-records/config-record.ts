/**
 * ConfigRecord (metadata record type 4).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a config key was set or removed on a resource.
 */
import type { MessageSpec } from '../schema.js';

export const ConfigRecord = {
  name: 'ConfigRecord',
  type: 'metadata',
  apiKey: 4,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'resourceType', type: 'int8', versions: '0+' },
    { name: 'resourceName', type: 'string', versions: '0+' },
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
} as const satisfies MessageSpec;
