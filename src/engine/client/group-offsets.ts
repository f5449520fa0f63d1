/**
 * Committed offsets of a group: OffsetFetch and OffsetCommit at the coordinator. OffsetFetch v8+
 * nests topics under groups (one group per request here); older versions answer at the top level.
 * A commit outside group membership (generation -1, empty member id) is Kafka's "simple consumer"
 * commit, which the coordinator accepts only while the group has no active members.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { GroupCoordinators } from './coordinator.js';
import { TimeoutError, isRetriableError, kafkaError } from './errors.js';
import { type TopicPartition, byTopic, tpKey } from './list-offsets.js';
import { backoffMs, sleep } from './timing.js';

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
 * With `requireStable`, a partition whose offset an open transaction holds answers
 * UNSTABLE_OFFSET_COMMIT (retriable): thrown once every partition is looked at, naming them all;
 * fetchStableCommittedOffsets waits it out.
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
  const unstable: string[] = [];
  for (const t of answered) {
    for (const p of t.partitions as Message[]) {
      if (p.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT) {
        unstable.push(`${t.name}-${p.partitionIndex}`);
        continue;
      }
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
  if (unstable.length > 0) {
    throw kafkaError(ErrorCode.UNSTABLE_OFFSET_COMMIT, `There are unstable offsets for the requested topic partitions: ${unstable.join(', ')} (an open transaction holds offsets for them)`, `OffsetFetch for group ${groupId}`);
  }
  return out;
}

export interface StableFetchOptions {
  /** The consumer's retry.backoff.ms: the first pause between attempts, doubling up to retryBackoffMaxMs. */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** Give up at this time (epoch ms) with a TimeoutError naming the last error; default: never. */
  deadline?: number;
  /** Looked at before every attempt and after every pause: true ends the wait, answering null. */
  cancelled?: () => boolean;
  /** Told of every retriable failure before its pause (UNSTABLE_OFFSET_COMMIT while a transaction holds offsets). */
  onRetry?: (err: Error) => void;
}

/**
 * Committed offsets the way Java's ConsumerCoordinator.fetchCommittedOffsets gets them for a
 * consumer about to start on its partitions: OffsetFetch with requireStable, and while a
 * transaction still holds offsets for any of them (UNSTABLE_OFFSET_COMMIT) — or another retriable
 * error outlives the coordinator retries — back off and ask again. Starting from the older offset
 * instead would consume again what the transaction is committing as consumed. The wait ends when
 * the transaction commits or aborts (the coordinator aborts it at its transaction.timeout.ms),
 * at `deadline`, or when `cancelled()` says so (null).
 */
export async function fetchStableCommittedOffsets(
  coordinators: GroupCoordinators,
  groupId: string,
  partitions: readonly TopicPartition[],
  options: StableFetchOptions = {},
): Promise<Map<string, CommittedOffset> | null> {
  const { retryBackoffMs = 100, retryBackoffMaxMs = 1000, deadline = Infinity, cancelled = () => false } = options;
  for (let attempt = 0; ; attempt++) {
    if (cancelled()) return null;
    try {
      return await fetchCommittedOffsets(coordinators, groupId, partitions, { requireStable: true });
    } catch (err) {
      if (!isRetriableError(err)) throw err;
      const pause = backoffMs(attempt, retryBackoffMs, retryBackoffMaxMs);
      if (Date.now() + pause >= deadline) {
        throw new TimeoutError(`Timeout of fetching committed offsets for group ${groupId}: ${(err as Error).message}`);
      }
      options.onRetry?.(err as Error);
      await sleep(pause);
    }
  }
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
