/**
 * ProducerIdsRecord (metadata record type 15).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a block of producer ids was handed out.
 */
import type { MessageSpec } from '../schema.js';

export const ProducerIdsRecord = {
  name: 'ProducerIdsRecord',
  type: 'metadata',
  apiKey: 15,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
    { name: 'nextProducerId', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;
