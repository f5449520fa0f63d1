/**
 * OffsetCommit, after Kafka's OffsetMetadataManager.commitOffset: the group checks the committer
 * (generation and member for classic groups, member epoch for KIP-848 groups; a commit with
 * generation -1 and no member id comes from a simple consumer or an admin and is accepted while the
 * group is empty, creating an Empty group with no protocol if none exists), then every valid
 * partition is written to __consumer_offsets in one batch and cached once written.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { ClassicGroup } from './classic-group.js';
import type { CoordinatorContext, Group } from './context.js';
import { offsetWriteError } from './offsets-log.js';
import type { OffsetValue } from './offset-store.js';
import { offsetCommitRecord } from './records.js';

export interface CommitRequest {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  /** -1: the broker's offsets.retention.minutes. */
  retentionTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
  apiVersion: number;
}

export interface CommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export function commitResult(req: CommitRequest, errorCode: number): CommitResult {
  return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
}

/** Who commits: the group's member fields of OffsetCommit, and of TxnOffsetCommit v3+. */
export interface Committer {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  apiVersion: number;
}

/**
 * The group to commit into, or the error every partition gets (Kafka's Group.validateOffsetCommit).
 * Transactional commits (TxnOffsetCommit) differ as in Kafka: older versions carry no member, so a
 * commit without one is taken whatever the group's state; the group's rebalance state is not
 * enforced; an unknown group with a generation is ILLEGAL_GENERATION in every version; a KIP-848
 * member's stale epoch is ILLEGAL_GENERATION.
 */
export function validateCommit(ctx: CoordinatorContext, req: Committer, transactional = false): Group | number {
  let group = ctx.groups.get(req.groupId);
  const generation = req.generationIdOrMemberEpoch;
  if (!group) {
    if (generation >= 0) return req.apiVersion >= 9 && !transactional ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    ctx.log.info(`Creating a simple consumer group ${req.groupId} via manual offset commit`);
    group = new ClassicGroup(req.groupId, ctx.timer.now());
    ctx.groups.set(req.groupId, group);
    return group;
  }
  if (group.type === 'consumer') {
    if (generation < 0 && group.members.size === 0) return group;
    if (transactional && generation === -1 && req.memberId === '' && req.groupInstanceId === null) return group;
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.apiVersion < 9 && !transactional) return ErrorCode.UNSUPPORTED_VERSION;
    if (generation > member.memberEpoch) return ErrorCode.FENCED_MEMBER_EPOCH;
    if (generation < member.memberEpoch) return transactional ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH;
    return group;
  }
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generation < 0 && group.is('Empty')) return group;
  if (generation >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== req.memberId) return ErrorCode.FENCED_INSTANCE_ID;
    } else if (!group.member(req.memberId)) {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is('Empty') && !transactional) {
    // No member id and no generation: only an empty group takes such commits.
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  // The member has this generation's join response but not its assignment yet.
  if (group.is('CompletingRebalance') && !transactional) return ErrorCode.REBALANCE_IN_PROGRESS;
  return group;
}

export function commitOffsets(ctx: CoordinatorContext, req: CommitRequest): CommitResult {
  const validated = validateCommit(ctx, req);
  if (typeof validated === 'number') return commitResult(req, validated);
  const now = ctx.timer.now();
  const image = ctx.metadata();
  const expireTimestamp = req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : null;
  const pending: { topic: string; partition: number; committed: OffsetValue }[] = [];
  const result = req.topics.map((t) => {
    const topic = image.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = ErrorCode.NONE;
        if (!topic?.partitions.has(p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        // Kafka compares the string's length (UTF-16 units), not its encoded size.
        else if (p.committedMetadata !== null && p.committedMetadata.length > ctx.config.offsetMetadataMaxBytes) {
          errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        } else {
          pending.push({
            topic: t.name,
            partition: p.partitionIndex,
            committed: {
              offset: p.committedOffset,
              leaderEpoch: p.committedLeaderEpoch,
              metadata: p.committedMetadata ?? '',
              commitTimestamp: now,
              expireTimestamp,
            },
          });
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    };
  });
  if (pending.length === 0) return { topics: result };
  const written = ctx.append(req.groupId, pending.map((c) => offsetCommitRecord(req.groupId, c.topic, c.partition, c.committed)));
  if (written.errorCode !== ErrorCode.NONE) {
    const error = offsetWriteError(written.errorCode);
    for (const t of result) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = error;
    return { topics: result };
  }
  pending.forEach((c, i) => ctx.offsets.put(req.groupId, c.topic, c.partition, { ...c.committed, recordOffset: written.baseOffset + i }));
  return { topics: result };
}
