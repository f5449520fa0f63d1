/**
 * The __consumer_offsets records of KIP-848 consumer groups (record types 3-8): group epoch,
 * subscription metadata, member subscriptions, target assignment (per member, and its epoch) and
 * each member's current assignment. Records are built as data, applied to the group with
 * ConsumerGroup.apply once written, and encoded with the declarations in protocol/group-records.
 */
import type { Message } from '../../../protocol/codec.js';
import { groupRecordByKeyVersion } from '../../../protocol/group-records/index.js';
import { coordinatorRecord, type CoordinatorRecord } from '../records.js';
import { type Assignment, assignmentToWire } from './assignment.js';
import type { ConsumerGroup, ConsumerMember, TopicMetadata } from './consumer-group.js';

export interface GroupRecord {
  keyVersion: number;
  key: Message;
  value: Message | null;
}

export function encodeGroupRecord(r: GroupRecord): CoordinatorRecord {
  const decl = groupRecordByKeyVersion(r.keyVersion)!;
  return coordinatorRecord(decl.key, r.keyVersion, r.key, decl.value, 0, r.value);
}

export const groupEpochRecord = (groupId: string, epoch: number | null): GroupRecord => ({
  keyVersion: 3,
  key: { groupId },
  value: epoch === null ? null : { epoch },
});

export const subscriptionMetadataRecord = (groupId: string, topics: Map<string, TopicMetadata> | null): GroupRecord => ({
  keyVersion: 4,
  key: { groupId },
  value:
    topics === null
      ? null
      : { topics: [...topics.values()].map((t) => ({ topicId: t.topicId, topicName: t.topicName, numPartitions: t.numPartitions, partitionMetadata: [] })) },
});

export const memberSubscriptionRecord = (groupId: string, m: ConsumerMember): GroupRecord => ({
  keyVersion: 5,
  key: { groupId, memberId: m.memberId },
  value: {
    instanceId: m.instanceId,
    rackId: m.rackId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: m.subscribedTopicNames,
    subscribedTopicRegex: m.subscribedTopicRegex,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    serverAssignor: m.serverAssignor,
    classicMemberMetadata: null,
  },
});

export const memberSubscriptionTombstone = (groupId: string, memberId: string): GroupRecord => ({ keyVersion: 5, key: { groupId, memberId }, value: null });

export const targetAssignmentEpochRecord = (groupId: string, epoch: number | null): GroupRecord => ({
  keyVersion: 6,
  key: { groupId },
  value: epoch === null ? null : { assignmentEpoch: epoch },
});

export const targetAssignmentRecord = (groupId: string, memberId: string, a: Assignment | null): GroupRecord => ({
  keyVersion: 7,
  key: { groupId, memberId },
  value: a === null ? null : { topicPartitions: assignmentToWire(a) },
});

export const currentAssignmentRecord = (groupId: string, m: ConsumerMember): GroupRecord => ({
  keyVersion: 8,
  key: { groupId, memberId: m.memberId },
  value: {
    memberEpoch: m.memberEpoch,
    previousMemberEpoch: m.previousMemberEpoch,
    state: m.state,
    assignedPartitions: assignmentToWire(m.assigned),
    partitionsPendingRevocation: assignmentToWire(m.partitionsPendingRevocation),
  },
});

export const currentAssignmentTombstone = (groupId: string, memberId: string): GroupRecord => ({ keyVersion: 8, key: { groupId, memberId }, value: null });

/** The records that take a member out of the group (its assignment, target and subscription). */
export function memberRemovalRecords(groupId: string, memberId: string): GroupRecord[] {
  return [currentAssignmentTombstone(groupId, memberId), targetAssignmentRecord(groupId, memberId, null), memberSubscriptionTombstone(groupId, memberId)];
}

/** Everything a group has, tombstoned, in the order Kafka writes them (the group epoch last). */
export function consumerGroupTombstoneRecords(group: ConsumerGroup): GroupRecord[] {
  const out: GroupRecord[] = [];
  for (const id of group.members.keys()) out.push(currentAssignmentTombstone(group.groupId, id));
  for (const id of group.targetAssignment.keys()) out.push(targetAssignmentRecord(group.groupId, id, null));
  out.push(targetAssignmentEpochRecord(group.groupId, null));
  for (const id of group.members.keys()) out.push(memberSubscriptionTombstone(group.groupId, id));
  out.push(subscriptionMetadataRecord(group.groupId, null), groupEpochRecord(group.groupId, null));
  return out;
}

export function consumerGroupTombstones(group: ConsumerGroup): CoordinatorRecord[] {
  return consumerGroupTombstoneRecords(group).map(encodeGroupRecord);
}
