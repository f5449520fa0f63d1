/**
 * ConsumerGroupMetadata records of the __consumer_offsets topic.
 *
 * Record type (key version): 3. Value versions: 0, flexible 0+.
 *
 * Key v3: record type 3, KIP-848 group metadata (in development upstream).
 * Value v0: group epoch (in development upstream).
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerGroupMetadataKey = {
  name: 'ConsumerGroupMetadataKey',
  type: 'data',
  validVersions: '3',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '3' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupMetadataValue = {
  name: 'ConsumerGroupMetadataValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'epoch', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
