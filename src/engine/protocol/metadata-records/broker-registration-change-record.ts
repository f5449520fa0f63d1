/**
 * BrokerRegistrationChangeRecord (metadata record type 17).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 *
 * v0: a broker's fencing state changed.
 * v1: adds inControlledShutdown.
 * v2: adds the broker's log directories.
 */
import type { MessageSpec } from '../schema.js';

export const BrokerRegistrationChangeRecord = {
  name: 'BrokerRegistrationChangeRecord',
  type: 'metadata',
  apiKey: 17,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+' },
    { name: 'fenced', type: 'int8', versions: '0+', tag: 0, taggedVersions: '0+' },
    { name: 'inControlledShutdown', type: 'int8', versions: '1+', tag: 1, taggedVersions: '1+' },
    { name: 'logDirs', type: '[]uuid', versions: '2+', tag: 2, taggedVersions: '2+' },
  ],
} as const satisfies MessageSpec;
