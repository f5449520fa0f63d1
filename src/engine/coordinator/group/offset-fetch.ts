/**
 * OffsetFetch: a group's committed offsets for the partitions asked for (or all of them when the
 * topic list is null). Partitions without a committed offset answer offset -1 and no error, as do
 * groups kt does not know. KIP-848 members (OffsetFetch v9) must give their current member epoch.
 * With requireStable (v7+), a partition an open transaction holds an offset for answers
 * UNSTABLE_OFFSET_COMMIT (offset -1), so a consumer does not start from a position that transaction
 * may still replace; without it, the last committed offset is served, as Kafka does.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { CoordinatorContext } from './context.js';

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface FetchedGroup {
  errorCode: number;
  topics: { name: string; partitions: FetchedPartition[] }[];
}

export interface FetchRequest {
  groupId: string;
  /** null: every topic the group has offsets for. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
  memberId: string | null;
  memberEpoch: number;
  /** OffsetFetch v7+: partitions with pending transactional offsets answer UNSTABLE_OFFSET_COMMIT. */
  requireStable?: boolean;
}

const unstable = (partitionIndex: number): FetchedPartition => ({
  partitionIndex,
  committedOffset: -1,
  committedLeaderEpoch: -1,
  metadata: '',
  errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
});

export function fetchOffsets(ctx: CoordinatorContext, req: FetchRequest): FetchedGroup {
  const group = ctx.groups.get(req.groupId);
  if (group?.type === 'consumer' && (req.memberId !== null || req.memberEpoch >= 0)) {
    const member = req.memberId !== null ? group.members.get(req.memberId) : undefined;
    if (!member) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, topics: [] };
    if (req.memberEpoch !== member.memberEpoch) return { errorCode: ErrorCode.STALE_MEMBER_EPOCH, topics: [] };
  }
  if (group?.type === 'classic' && group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
  const offsets = ctx.offsets.groupOffsets(req.groupId);
  const isUnstable = (topic: string, partition: number): boolean => req.requireStable === true && ctx.pending.has(req.groupId, topic, partition);
  // As Kafka's fetchAllOffsets: the partitions with a committed offset, some of them maybe unstable.
  if (req.topics === null) {
    return {
      errorCode: ErrorCode.NONE,
      topics: [...offsets].map(([name, partitions]) => ({
        name,
        partitions: [...partitions].map(([partitionIndex, c]) =>
          isUnstable(name, partitionIndex)
            ? unstable(partitionIndex)
            : { partitionIndex, committedOffset: c.offset, committedLeaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE },
        ),
      })),
    };
  }
  return {
    errorCode: ErrorCode.NONE,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        if (isUnstable(t.name, partitionIndex)) return unstable(partitionIndex);
        const c = offsets.get(t.name)?.get(partitionIndex);
        return {
          partitionIndex,
          committedOffset: c?.offset ?? -1,
          committedLeaderEpoch: c?.leaderEpoch ?? -1,
          metadata: c?.metadata ?? '',
          errorCode: ErrorCode.NONE,
        };
      }),
    })),
  };
}
