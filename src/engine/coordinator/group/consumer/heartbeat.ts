/**
 * ConsumerGroupHeartbeat (KIP-848), after Kafka's GroupMetadataManager.consumerGroupHeartbeat. One
 * request does everything: join (member epoch 0), leave (-1, or -2 for a static member leaving for a
 * while), and the periodic heartbeat that carries subscription changes and the partitions the member
 * owns. A changed subscription (or changed subscribed topics) bumps the group epoch; a group epoch
 * ahead of the target assignment's makes the assignor compute a new target; then the member's current
 * assignment is reconciled towards its target. All of it is written as records, then applied.
 */
import { ErrorCode } from '../../../protocol/errors.js';
import { randomUuid } from '../../../metadata/meta-properties.js';
import type { MetadataImage } from '../../../metadata/image.js';
import { type CoordinatorContext, heartbeatKey } from '../context.js';
import { coordinatorWriteError } from '../../write-errors.js';
import { groupMetadataTombstone } from '../records.js';
import { type Assignment, assignmentFromWire, assignmentsEqual, assignmentToWire, emptyAssignment, isSubset } from './assignment.js';
import { ASSIGNORS } from './assignors.js';
import { ConsumerGroup, type ConsumerMember, MemberState, newMember, type TopicMetadata } from './consumer-group.js';
import {
  currentAssignmentRecord,
  encodeGroupRecord,
  type GroupRecord,
  groupEpochRecord,
  memberRemovalRecords,
  memberSubscriptionRecord,
  subscriptionMetadataRecord,
  targetAssignmentEpochRecord,
  targetAssignmentRecord,
} from './consumer-records.js';
import { reconcile, sameCurrentAssignment } from './reconcile.js';

export interface ConsumerHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  serverAssignor: string | null;
  topicPartitions: { topicId: string; partitions: number[] }[] | null;
  clientId: string;
  clientHost: string;
}

export interface ConsumerHeartbeatResponse {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  assignment: { topicPartitions: { topicId: string; partitions: number[] }[] } | null;
}

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;

const fail = (errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResponse => ({
  errorCode,
  errorMessage,
  memberId: null,
  memberEpoch: 0,
  heartbeatIntervalMs: 0,
  assignment: null,
});

const rebalanceKey = (groupId: string, memberId: string) => `${groupId}\u0000rebalance\u0000${memberId}`;

export function validateHeartbeat(ctx: CoordinatorContext, req: ConsumerHeartbeatRequest): ConsumerHeartbeatResponse | undefined {
  const invalid = (message: string) => fail(ErrorCode.INVALID_REQUEST, message);
  if (!req.groupId) return invalid("GroupId can't be empty.");
  if (req.instanceId === '') return invalid("InstanceId can't be empty.");
  if (req.rackId === '') return invalid("RackId can't be empty.");
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null || req.subscribedTopicNames.length === 0) return invalid('SubscribedTopicNames must be set in first request.');
  } else if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
    if (req.instanceId === null) return invalid("InstanceId can't be null.");
    if (!req.memberId) return invalid("MemberId can't be empty.");
  } else if (req.memberEpoch < STATIC_LEAVE_EPOCH) {
    return invalid(`MemberEpoch is ${req.memberEpoch}, but must be greater than or equal to -2.`);
  } else if (!req.memberId) {
    return invalid("MemberId can't be empty.");
  }
  if (req.serverAssignor !== null && !ctx.config.consumer.assignors.includes(req.serverAssignor)) {
    return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${ctx.config.consumer.assignors.join(', ')}.`);
  }
  return undefined;
}

/** Write the records, then apply them; the error to answer with if the write failed. */
function commit(ctx: CoordinatorContext, group: ConsumerGroup, records: GroupRecord[], classicTombstone = false): number {
  const encoded = records.map(encodeGroupRecord);
  // A group taking over an empty classic group's id removes the classic group's metadata.
  if (classicTombstone) encoded.unshift(groupMetadataTombstone(group.groupId));
  const error = coordinatorWriteError(ctx.write(group.groupId, encoded));
  if (error !== ErrorCode.NONE) return error;
  for (const r of records) group.apply(r.keyVersion, r.key, r.value);
  if (group.deleted) ctx.groups.delete(group.groupId);
  else ctx.groups.set(group.groupId, group);
  return ErrorCode.NONE;
}

export function scheduleSessionTimeout(ctx: CoordinatorContext, group: ConsumerGroup, memberId: string): void {
  ctx.timer.schedule(heartbeatKey(group.groupId, memberId), ctx.config.consumer.sessionTimeoutMs, () => {
    if (ctx.groups.get(group.groupId) !== group || !group.members.has(memberId)) return;
    ctx.log.info(`[GroupId ${group.groupId}] Member ${memberId} fenced from the group because its session expired.`);
    fenceMember(ctx, group, memberId);
  });
}

function fenceMember(ctx: CoordinatorContext, group: ConsumerGroup, memberId: string): number {
  const records = memberRemovalRecords(group.groupId, memberId);
  const remaining = [...group.members.values()].filter((m) => m.memberId !== memberId);
  const metadata = subscriptionMetadata(ctx.metadata(), remaining);
  if (!sameMetadata(metadata, group.subscriptionMetadata)) records.push(subscriptionMetadataRecord(group.groupId, metadata));
  records.push(groupEpochRecord(group.groupId, group.groupEpoch + 1));
  ctx.timer.cancel(heartbeatKey(group.groupId, memberId));
  ctx.timer.cancel(rebalanceKey(group.groupId, memberId));
  return commit(ctx, group, records);
}

/** The subscribed topics that exist, with their ids and partition counts. */
function subscriptionMetadata(image: MetadataImage, members: Iterable<ConsumerMember>): Map<string, TopicMetadata> {
  const out = new Map<string, TopicMetadata>();
  for (const m of members) {
    for (const name of m.subscribedTopicNames) {
      const topic = image.topic(name);
      if (topic && !out.has(name)) out.set(name, { topicId: topic.topicId, topicName: name, numPartitions: topic.partitions.size });
    }
  }
  return out;
}

function sameMetadata(a: Map<string, TopicMetadata>, b: Map<string, TopicMetadata>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, t] of a) {
    const o = b.get(name);
    if (!o || o.topicId !== t.topicId || o.numPartitions !== t.numPartitions) return false;
  }
  return true;
}

function computeTarget(
  ctx: CoordinatorContext,
  members: ConsumerMember[],
  metadata: Map<string, TopicMetadata>,
  previousTarget: (memberId: string) => Assignment,
  assignorName: string,
): Map<string, Assignment> {
  const assign = ASSIGNORS[assignorName] ?? ASSIGNORS[ctx.config.consumer.assignors[0]] ?? ASSIGNORS.uniform;
  const topics = new Map([...metadata.values()].map((t) => [t.topicId, t.numPartitions]));
  return assign({
    members: members.map((m) => ({
      memberId: m.memberId,
      subscribedTopicIds: new Set(m.subscribedTopicNames.flatMap((n) => (metadata.has(n) ? [metadata.get(n)!.topicId] : []))),
      previous: previousTarget(m.memberId),
    })),
    topics,
  });
}

export function consumerGroupHeartbeat(ctx: CoordinatorContext, req: ConsumerHeartbeatRequest): ConsumerHeartbeatResponse {
  const invalid = validateHeartbeat(ctx, req);
  if (invalid) return invalid;
  const existing = ctx.groups.get(req.groupId);
  const heartbeatIntervalMs = ctx.config.consumer.heartbeatIntervalMs;
  if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
    if (existing?.type !== 'consumer') return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
    return leave(ctx, existing, req);
  }
  let group: ConsumerGroup;
  let fromClassic = false;
  if (existing?.type === 'classic') {
    if (!existing.is('Empty') || req.memberEpoch !== 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`);
    group = new ConsumerGroup(req.groupId);
    fromClassic = true;
  } else if (existing) {
    group = existing;
  } else {
    if (req.memberEpoch !== 0) return fail(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} not found.`);
    group = new ConsumerGroup(req.groupId);
  }

  const records: GroupRecord[] = [];
  const owned = req.topicPartitions === null ? null : assignmentFromWire(req.topicPartitions);
  let member: ConsumerMember;
  let replaced: ConsumerMember | undefined;
  if (req.memberEpoch === 0) {
    const memberId = req.memberId || randomUuid();
    const staticId = req.instanceId !== null ? group.staticMembers.get(req.instanceId) : undefined;
    if (staticId !== undefined && staticId !== memberId) {
      const previous = group.members.get(staticId)!;
      if (previous.memberEpoch !== STATIC_LEAVE_EPOCH) {
        return fail(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${req.instanceId} is still in use by member ${staticId}.`);
      }
      // A static member coming back: the new member id takes over the old one's assignment.
      records.push(...memberRemovalRecords(group.groupId, staticId));
      records.push(targetAssignmentRecord(group.groupId, memberId, group.targetOf(staticId)));
      ctx.timer.cancel(heartbeatKey(group.groupId, staticId));
      member = { ...previous, memberId, memberEpoch: 0, previousMemberEpoch: -1, state: MemberState.STABLE, partitionsPendingRevocation: emptyAssignment() };
      replaced = previous;
    } else {
      const known = group.members.get(memberId);
      if (!known && group.members.size >= ctx.config.consumer.maxSize) {
        return fail(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${ctx.config.consumer.maxSize} members.`);
      }
      // (Re)joining: the member owns nothing yet.
      member = { ...(known ?? newMember(memberId)), memberEpoch: 0, previousMemberEpoch: -1, state: MemberState.STABLE, assigned: emptyAssignment(), partitionsPendingRevocation: emptyAssignment() };
    }
  } else {
    const known = group.members.get(req.memberId);
    if (!known) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
    if (req.instanceId !== null && known.instanceId !== req.instanceId) return fail(ErrorCode.FENCED_INSTANCE_ID, null);
    const lostResponse = req.memberEpoch === known.previousMemberEpoch && (owned === null || isSubset(owned, known.assigned));
    if (req.memberEpoch > known.memberEpoch || (req.memberEpoch < known.memberEpoch && !lostResponse)) {
      return fail(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a greater epoch (${known.memberEpoch}) than the one received (${req.memberEpoch}).`);
    }
    member = known;
  }

  // 1. The member's subscription.
  const updated: ConsumerMember = {
    ...member,
    instanceId: req.instanceId ?? member.instanceId,
    rackId: req.rackId ?? member.rackId,
    rebalanceTimeoutMs: req.rebalanceTimeoutMs !== -1 ? req.rebalanceTimeoutMs : member.rebalanceTimeoutMs,
    serverAssignor: req.serverAssignor ?? member.serverAssignor,
    subscribedTopicNames: req.subscribedTopicNames ?? member.subscribedTopicNames,
    clientId: req.clientId,
    clientHost: req.clientHost,
  };
  // What the member's subscription was: its own, or the static member's it replaces.
  const known = group.members.get(member.memberId) ?? replaced;
  const subscriptionChanged =
    !known ||
    known.instanceId !== updated.instanceId ||
    known.rackId !== updated.rackId ||
    known.rebalanceTimeoutMs !== updated.rebalanceTimeoutMs ||
    known.serverAssignor !== updated.serverAssignor ||
    known.clientId !== updated.clientId ||
    known.clientHost !== updated.clientHost ||
    known.subscribedTopicNames.join('\u0000') !== updated.subscribedTopicNames.join('\u0000');
  if (subscriptionChanged || replaced) records.push(memberSubscriptionRecord(group.groupId, updated));
  let bump = !known || known.subscribedTopicNames.slice().sort().join('\u0000') !== updated.subscribedTopicNames.slice().sort().join('\u0000');
  const members = [...group.members.values()].filter((m) => m.memberId !== updated.memberId && m !== replaced);
  members.push(updated);
  const metadata = subscriptionMetadata(ctx.metadata(), members);
  if (!sameMetadata(metadata, group.subscriptionMetadata)) {
    bump = true;
    records.push(subscriptionMetadataRecord(group.groupId, metadata));
  }
  let groupEpoch = group.groupEpoch;
  if (bump) records.push(groupEpochRecord(group.groupId, ++groupEpoch));

  // 2. A new target assignment when the group epoch moved past it.
  // (A returning static member's target is the one it left with.)
  const previousTarget = (memberId: string) => group.targetOf(memberId === updated.memberId && replaced ? replaced.memberId : memberId);
  let targetEpoch = group.assignmentEpoch;
  let target = previousTarget(updated.memberId);
  if (groupEpoch > group.assignmentEpoch) {
    const next = computeTarget(ctx, members, metadata, previousTarget, group.preferredAssignor(ctx.config.consumer.assignors[0], members));
    for (const [memberId, a] of next) {
      if (!group.targetAssignment.has(memberId) || !assignmentsEqual(a, group.targetOf(memberId))) records.push(targetAssignmentRecord(group.groupId, memberId, a));
    }
    records.push(targetAssignmentEpochRecord(group.groupId, groupEpoch));
    targetEpoch = groupEpoch;
    target = next.get(updated.memberId) ?? emptyAssignment();
  }

  // 3. Reconcile the member's current assignment with its target.
  const reconciled = reconcile(updated, {
    targetEpoch,
    target,
    owned,
    partitionEpoch: (topicId, p) => {
      const epoch = group.currentPartitionEpoch(topicId, p);
      // Partitions the (re)joining member held before are released by the record above.
      return epoch !== -1 && containsOld(member, group.members.get(member.memberId), topicId, p) ? -1 : epoch;
    },
  });
  // A (re)joining member always gets a record: it replaces whatever the member id owned before.
  if (req.memberEpoch === 0 || !sameCurrentAssignment(reconciled, updated)) records.push(currentAssignmentRecord(group.groupId, reconciled));

  // (commit mutates the group's member objects: compare before it.)
  const changed = !assignmentsEqual(member.assigned, reconciled.assigned);
  const error = commit(ctx, group, records, fromClassic);
  if (error !== ErrorCode.NONE) return fail(error);
  scheduleSessionTimeout(ctx, group, reconciled.memberId);
  if (reconciled.state === MemberState.UNREVOKED_PARTITIONS) {
    const epoch = reconciled.memberEpoch;
    ctx.timer.schedule(rebalanceKey(group.groupId, reconciled.memberId), Math.max(reconciled.rebalanceTimeoutMs, 0), () => {
      const now = group.members.get(reconciled.memberId);
      if (ctx.groups.get(group.groupId) !== group || !now || now.memberEpoch !== epoch || now.state !== MemberState.UNREVOKED_PARTITIONS) return;
      ctx.log.info(`[GroupId ${group.groupId}] Member ${now.memberId} fenced: it did not revoke its partitions within its rebalance timeout.`);
      fenceMember(ctx, group, now.memberId);
    });
  } else {
    ctx.timer.cancel(rebalanceKey(group.groupId, reconciled.memberId));
  }
  const fullRequest = req.memberEpoch === 0 || (req.rebalanceTimeoutMs !== -1 && req.subscribedTopicNames !== null && req.topicPartitions !== null);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId: reconciled.memberId,
    memberEpoch: reconciled.memberEpoch,
    heartbeatIntervalMs,
    assignment: fullRequest || changed ? { topicPartitions: assignmentToWire(reconciled.assigned) } : null,
  };
}

/** Whether a partition's ownership belongs to the member's state being replaced in this heartbeat. */
function containsOld(member: ConsumerMember, known: ConsumerMember | undefined, topicId: string, p: number): boolean {
  if (!known || member.memberEpoch !== 0) return false;
  return (known.assigned.get(topicId)?.has(p) ?? false) || (known.partitionsPendingRevocation.get(topicId)?.has(p) ?? false);
}

function leave(ctx: CoordinatorContext, group: ConsumerGroup, req: ConsumerHeartbeatRequest): ConsumerHeartbeatResponse {
  const memberId = req.instanceId !== null && !group.members.has(req.memberId) ? group.staticMembers.get(req.instanceId) : req.memberId;
  const member = memberId !== undefined ? group.members.get(memberId) : undefined;
  if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
  if (req.instanceId !== null && member.memberId !== req.memberId) return fail(ErrorCode.FENCED_INSTANCE_ID, null);
  let error: number;
  if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
    // The static member keeps its assignment while it restarts; its session timeout still runs.
    const left = { ...member, memberEpoch: STATIC_LEAVE_EPOCH, partitionsPendingRevocation: emptyAssignment() };
    error = commit(ctx, group, [currentAssignmentRecord(group.groupId, left)]);
    ctx.log.info(`[GroupId ${group.groupId}] Static member ${member.memberId} with instance id ${member.instanceId} left the consumer group temporarily.`);
  } else {
    ctx.log.info(`[GroupId ${group.groupId}] Member ${member.memberId} left the consumer group.`);
    error = fenceMember(ctx, group, member.memberId);
  }
  if (error !== ErrorCode.NONE) return fail(error);
  return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
}
