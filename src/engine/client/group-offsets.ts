/**
 * Committed offsets of a group: OffsetFetch and OffsetCommit at the coordinator. OffsetFetch v8+
 * nests topics under groups (one group per request here); older versions answer at the top level.
 * A commit outside group membership (generation -1, empty member id) is Kafka's "simple consumer"
 * commit, which the coordinator accepts only while the group has no active members.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { GroupCoordinators } from './coordinator.js';
import { kafkaError } from './errors.js';
import { type TopicPartition, byTopic, tpKey } from './list-offsets.js';

export interface CommittedOffset extends TopicPartition {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetToCommit extends TopicPartition {
  offset: number;
  leaderEpoch?: number;
  metadata?: string | null;
}

/** Who commits: a member of the current generation, or nobody (simple commit). */
export interface Membership {
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export const NO_MEMBERSHIP: Membership = { generationId: -1, memberId: '', groupInstanceId: null };

/** Kafka's OffsetFetch versions before topic ids (v10); kt's codec declares up to v9. */
const OFFSET_FETCH_MAX_VERSION = 9;
const OFFSET_COMMIT_MAX_VERSION = 9;

/**
 * The group's committed offsets for `partitions` (null: every partition it has committed). A
 * partition without a commit is absent from the map. Throws GROUP_AUTHORIZATION_FAILED and the like.
 */
export async function fetchCommittedOffsets(
  coordinators: GroupCoordinators,
  groupId: string,
  partitions: readonly TopicPartition[] | null,
  options: { requireStable?: boolean } = {},
): Promise<Map<string, CommittedOffset>> {
  const topics = partitions && [...byTopic(partitions)].map(([name, tps]) => ({ name, partitionIndexes: tps.map((tp) => tp.partition) }));
  const groupError = (response: Message, version: number): number =>
    version >= 8 ? (response.groups as Message[])[0]?.errorCode ?? ErrorCode.NONE : response.errorCode ?? ErrorCode.NONE;
  const { response, version } = await coordinators.request(
    groupId,
    9,
    (v) =>
      v >= 8
        ? { groups: [{ groupId, topics }], requireStable: options.requireStable ?? false }
        : { groupId, topics, requireStable: options.requireStable ?? false },
    groupError,
    { maxVersion: OFFSET_FETCH_MAX_VERSION, minVersion: partitions === null ? 2 : 0 },
  );
  const code = groupError(response, version);
  if (code !== ErrorCode.NONE) throw kafkaError(code, null, `OffsetFetch for group ${groupId}`);
  const answered: Message[] = version >= 8 ? (response.groups as Message[])[0].topics : response.topics;
  const out = new Map<string, CommittedOffset>();
  for (const t of answered) {
    for (const p of t.partitions as Message[]) {
      if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, null, `OffsetFetch for ${t.name}-${p.partitionIndex}`);
      if (p.committedOffset < 0) continue;
      out.set(tpKey(t.name, p.partitionIndex), {
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch ?? -1,
        metadata: p.metadata,
      });
    }
  }
  return out;
}

/** Commit `offsets` for the group; throws the first partition error (ILLEGAL_GENERATION, ...). */
export async function commitOffsets(
  coordinators: GroupCoordinators,
  groupId: string,
  offsets: readonly OffsetToCommit[],
  membership: Membership = NO_MEMBERSHIP,
): Promise<void> {
  if (offsets.length === 0) return;
  const topics = [...byTopic(offsets)].map(([name, tps]) => ({
    name,
    partitions: tps.map((tp) => ({
      partitionIndex: tp.partition,
      committedOffset: tp.offset,
      committedLeaderEpoch: tp.leaderEpoch ?? -1,
      committedMetadata: tp.metadata ?? '',
    })),
  }));
  const firstError = (response: Message): number => {
    for (const t of response.topics as Message[]) {
      for (const p of t.partitions as Message[]) if (p.errorCode !== ErrorCode.NONE) return p.errorCode;
    }
    return ErrorCode.NONE;
  };
  const { response } = await coordinators.request(
    groupId,
    8,
    {
      groupId,
      generationIdOrMemberEpoch: membership.generationId,
      memberId: membership.memberId,
      groupInstanceId: membership.groupInstanceId ?? null,
      topics,
    },
    firstError,
    { maxVersion: OFFSET_COMMIT_MAX_VERSION },
  );
  const code = firstError(response);
  if (code !== ErrorCode.NONE) throw kafkaError(code, null, `OffsetCommit for group ${groupId}`);
}
