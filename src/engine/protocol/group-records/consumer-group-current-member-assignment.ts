/**
 * ConsumerGroupCurrentMemberAssignment records of the __consumer_offsets topic.
 *
 * Record type (key version): 8. Value versions: 0, flexible 0+.
 *
 * Key v8: record type 8, a member's current assignment (in development upstream).
 * Value v0: member epoch, state, assigned and pending-revocation partitions (in development upstream).
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The TopicPartitions struct (an upstream common struct). */
const topicPartitionsFields = [
  { name: 'topicId', type: 'uuid', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
] as const satisfies readonly FieldSpec[];

export const ConsumerGroupCurrentMemberAssignmentKey = {
  name: 'ConsumerGroupCurrentMemberAssignmentKey',
  type: 'data',
  validVersions: '8',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '8' },
    { name: 'memberId', type: 'string', versions: '8' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupCurrentMemberAssignmentValue = {
  name: 'ConsumerGroupCurrentMemberAssignmentValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'memberEpoch', type: 'int32', versions: '0+' },
    { name: 'previousMemberEpoch', type: 'int32', versions: '0+' },
    { name: 'state', type: 'int8', versions: '0+' },
    { name: 'assignedPartitions', type: '[]TopicPartitions', versions: '0+', fields: topicPartitionsFields },
    { name: 'partitionsPendingRevocation', type: '[]TopicPartitions', versions: '0+', fields: topicPartitionsFields },
  ],
} as const satisfies MessageSpec;
