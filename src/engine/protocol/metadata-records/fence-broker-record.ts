/**
 * FenceBrokerRecord (metadata record type 7).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a broker was fenced.
 */
import type { MessageSpec } from '../schema.js';

export const FenceBrokerRecord = {
  name: 'FenceBrokerRecord',
  type: 'metadata',
  apiKey: 7,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'id', type: 'int32', versions: '0+' },
    { name: 'epoch', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;
