/**
 * Reading the partitions of one fetch: per-partition leader and epoch checks, byte limits for the
 * partition and the whole response, the high watermark (or last stable offset) as the visible end,
 * and OFFSET_OUT_OF_RANGE. Records come back as the log's own buffers (file reads in pooled memory),
 * ready for the socket; nothing but the response may keep them.
 *
 * read_committed reads stop at the last stable offset and carry the aborted transactions that overlap
 * what was read (Kafka's LocalLog.addAbortedTransactions): the consumer drops those producers'
 * records from each transaction's first offset up to its ABORT marker. read_uncommitted reads carry
 * none (null on the wire).
 */
import { OffsetOutOfRangeError } from '../log/errors.js';
import type { AbortedTxn } from '../log/partition-log-types.js';
import type { MetadataImage } from '../metadata/image.js';
import { ErrorCode } from '../protocol/errors.js';
import { dataBuffers } from './buffer-pool.js';
import type { ReplicaManager } from './replica-manager.js';
import { divergingEpoch } from './replication/follower-truncation.js';

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface PartitionRead {
  topic: string;
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
  currentLeaderEpoch: number;
  /** Fetch v12+: the epoch of the last batch the fetching follower has (-1: none, or a consumer). */
  lastFetchedEpoch?: number;
}

export interface PartitionReadResult {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer;
  /** read_committed: aborted transactions overlapping the records ([] when none); read_uncommitted: null. */
  abortedTransactions: AbortedTxn[] | null;
  currentLeader: { leaderId: number; leaderEpoch: number };
  divergingEpoch?: { epoch: number; endOffset: number };
}

const EMPTY = Buffer.alloc(0);
const NONE_ABORTED: AbortedTxn[] = [];

/** File reads of a fetch go into pooled memory: the connection releases it once the response is written. */
const allocate = (size: number): Buffer => dataBuffers.acquire(size);

export function readPartitions(
  replicas: ReplicaManager,
  image: MetadataImage,
  reads: PartitionRead[],
  maxResponseBytes: number,
  isolationLevel: number,
  /** The fetching follower's broker id; -1 for a consumer. */
  replicaId = -1,
): { results: PartitionReadResult[]; totalBytes: number; anyError: boolean } {
  let remaining = maxResponseBytes;
  let totalBytes = 0;
  let anyError = false;
  const results = reads.map((r): PartitionReadResult => {
    const state = image.topic(r.topic)?.partitions.get(r.partition);
    const currentLeader = state ? { leaderId: state.leader, leaderEpoch: state.leaderEpoch } : { leaderId: -1, leaderEpoch: -1 };
    const fail = (errorCode: number, hw = -1, lso = -1, lstart = -1): PartitionReadResult => {
      anyError = true;
      return { errorCode, highWatermark: hw, lastStableOffset: lso, logStartOffset: lstart, records: EMPTY, abortedTransactions: null, currentLeader };
    };
    const found = replicas.leaderFor(image, r.topic, r.partition);
    if ('errorCode' in found) return fail(found.errorCode);
    const { hosted } = found;
    if (r.currentLeaderEpoch >= 0 && r.currentLeaderEpoch !== found.state.leaderEpoch) {
      return fail(r.currentLeaderEpoch < found.state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
    }
    const log = hosted.log;
    const follower = replicaId >= 0;
    if (follower) {
      const diverging = divergingEpoch({ logEndOffset: log.logEndOffset, endOffsetFor: (e) => log.leaderEpochCache.endOffsetFor(e, log.logEndOffset) }, r.lastFetchedEpoch ?? -1, r.fetchOffset);
      if (diverging) {
        return { errorCode: ErrorCode.NONE, highWatermark: log.highWatermark, lastStableOffset: log.lastStableOffset, logStartOffset: log.logStartOffset, records: EMPTY, abortedTransactions: null, currentLeader, divergingEpoch: diverging };
      }
      if (!replicas.replication.recordFollowerFetch(hosted, replicaId, r.fetchOffset)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    const committed = !follower && isolationLevel === READ_COMMITTED;
    const visibleEnd = follower ? log.logEndOffset : committed ? log.lastStableOffset : log.highWatermark;
    try {
      // Only the first partition that returns data may exceed the limits, so a batch larger than
      // every limit still makes progress (KIP-74).
      const read = log.read(r.fetchOffset, Math.min(r.partitionMaxBytes, remaining), {
        maxOffset: visibleEnd,
        minOneBatch: totalBytes === 0,
        allocate,
      });
      remaining = Math.max(0, remaining - read.records.length);
      totalBytes += read.records.length;
      let abortedTransactions: AbortedTxn[] | null = null;
      if (committed) {
        abortedTransactions = read.records.length > 0 ? log.abortedTransactions(r.fetchOffset, read.nextOffset) : NONE_ABORTED;
      }
      return {
        errorCode: ErrorCode.NONE,
        highWatermark: read.highWatermark,
        lastStableOffset: read.lastStableOffset,
        logStartOffset: read.logStartOffset,
        records: read.records,
        abortedTransactions,
        currentLeader,
      };
    } catch (err) {
      if (err instanceof OffsetOutOfRangeError) {
        return fail(ErrorCode.OFFSET_OUT_OF_RANGE, log.highWatermark, log.lastStableOffset, log.logStartOffset);
      }
      throw err;
    }
  });
  return { results, totalBytes, anyError };
}
