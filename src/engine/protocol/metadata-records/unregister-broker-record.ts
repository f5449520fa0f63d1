/**
 * UnregisterBrokerRecord (metadata record type 1).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a broker registration was removed.
 */
import type { MessageSpec } from '../schema.js';

export const UnregisterBrokerRecord = {
  name: 'UnregisterBrokerRecord',
  type: 'metadata',
  apiKey: 1,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;
