/** ConsumerGroupDescribe: a KIP-848 group's epochs, assignor, and each member's current and target assignment. */
import type { Message } from '../../../protocol/codec.js';
import { ErrorCode } from '../../../protocol/errors.js';
import type { MetadataImage } from '../../../metadata/image.js';
import type { CoordinatorContext } from '../context.js';
import type { Assignment } from './assignment.js';

function named(a: Assignment, image: MetadataImage): Message {
  return {
    topicPartitions: [...a]
      .filter(([, ps]) => ps.size > 0)
      .map(([topicId, ps]) => ({ topicId, topicName: image.topicsById.get(topicId)?.name ?? '', partitions: [...ps].sort((x, y) => x - y) }))
      .sort((x, y) => (x.topicName < y.topicName ? -1 : 1)),
  };
}

export function describeConsumerGroup(ctx: CoordinatorContext, groupId: string): Message {
  const group = ctx.groups.get(groupId);
  if (!group || group.type !== 'consumer') {
    return {
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: group ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
      groupId,
      groupState: 'Dead',
      groupEpoch: -1,
      assignmentEpoch: -1,
      assignorName: '',
      members: [],
    };
  }
  const image = ctx.metadata();
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId,
    groupState: group.stateName(),
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.preferredAssignor(ctx.config.consumer.assignors[0]),
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: named(m.assigned, image),
      targetAssignment: named(group.targetOf(m.memberId), image),
    })),
  };
}
