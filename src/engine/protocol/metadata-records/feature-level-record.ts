/**
 * FeatureLevelRecord (metadata record type 12).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a feature's finalized level changed (this record stays at version 0 for compatibility).
 */
import type { MessageSpec } from '../schema.js';

export const FeatureLevelRecord = {
  name: 'FeatureLevelRecord',
  type: 'metadata',
  apiKey: 12,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'featureLevel', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
