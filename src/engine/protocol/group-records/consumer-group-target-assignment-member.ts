/**
 * ConsumerGroupTargetAssignmentMember records of the __consumer_offsets topic.
 *
 * Record type (key version): 7. Value versions: 0, flexible 0+.
 *
 * Key v7: record type 7, a member's target assignment (in development upstream).
 * Value v0: the member's target partitions (in development upstream).
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerGroupTargetAssignmentMemberKey = {
  name: 'ConsumerGroupTargetAssignmentMemberKey',
  type: 'data',
  validVersions: '7',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '7' },
    { name: 'memberId', type: 'string', versions: '7' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupTargetAssignmentMemberValue = {
  name: 'ConsumerGroupTargetAssignmentMemberValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'topicPartitions', type: '[]TopicPartition', versions: '0+',
      fields: [
        { name: 'topicId', type: 'uuid', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
