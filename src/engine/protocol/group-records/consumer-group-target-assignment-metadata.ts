/**
 * ConsumerGroupTargetAssignmentMetadata records of the __consumer_offsets topic.
 *
 * Record type (key version): 6. Value versions: 0, flexible 0+.
 *
 * Key v6: record type 6, target assignment epoch (in development upstream).
 * Value v0: the assignment epoch (in development upstream).
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerGroupTargetAssignmentMetadataKey = {
  name: 'ConsumerGroupTargetAssignmentMetadataKey',
  type: 'data',
  validVersions: '6',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '6' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupTargetAssignmentMetadataValue = {
  name: 'ConsumerGroupTargetAssignmentMetadataValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'assignmentEpoch', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;
