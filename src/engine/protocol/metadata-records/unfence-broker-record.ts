/**
 * UnfenceBrokerRecord (metadata record type 8).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a broker was unfenced.
 */
import type { MessageSpec } from '../schema.js';

export const UnfenceBrokerRecord = {
  name: 'UnfenceBrokerRecord',
  type: 'metadata',
  apiKey: 8,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'id', type: 'int32', versions: '0+' },
    { name: 'epoch', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;
