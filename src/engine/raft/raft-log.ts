/**
 * The replicated log the Raft client reads and writes, as Kafka's `ReplicatedLog` abstracts it.
 *
 * The log is a sequence of batches; every batch carries the leader epoch that wrote it, and Raft's
 * safety rests on comparing (epoch, offset) pairs, so the log answers "where does epoch E end?"
 * (`endOffsetForEpoch`) the way Kafka's leader-epoch cache does. After a snapshot the log may
 * start later than 0: `startOffset`/`startEpoch` are then the snapshot's id, so an empty log still
 * knows the epoch of the entry before its first offset.
 *
 * Everything is synchronous on purpose: the client persists before it answers, and a synchronous
 * interface makes that ordering impossible to get wrong. The wiring adapts kt's PartitionLog of
 * `__cluster_metadata` (which flushes) behind this interface.
 */
import type { OffsetAndEpoch } from './messages.js';

/** A control record the leader writes first in its epoch (Kafka's LeaderChangeMessage). */
export interface LeaderChangeMessage {
  version: number;
  leaderId: number;
  voters: { voterId: number }[];
  grantingVoters: { voterId: number }[];
}

/** One batch: `records.length` consecutive offsets from `baseOffset`, all written in `epoch`. */
export interface RaftBatch {
  baseOffset: number;
  epoch: number;
  records: Uint8Array[];
  /** Set on the control batch a new leader writes; then `records` is a single empty record. */
  leaderChange?: LeaderChangeMessage;
}

export function batchEndOffset(batch: RaftBatch): number {
  return batch.baseOffset + batch.records.length;
}

export interface RaftLog {
  /** First offset in the log (the latest snapshot's end offset once the prefix was deleted). */
  startOffset(): number;
  /** Epoch of the entry just before `startOffset()`: 0 for a log starting at 0. */
  startEpoch(): number;
  /** Offset the next appended record gets. */
  endOffset(): number;
  /** Epoch of the last entry (or `startEpoch()` when the log is empty). */
  lastEpoch(): number;
  /**
   * Append a batch at `endOffset()`; its `baseOffset` must equal it. Durable when it returns:
   * the new end is at once reported to the leader (a follower's next fetch offset) or counted
   * toward the high watermark (on the leader), and a committed entry must survive a crash: an
   * adapter over a log that fsyncs lazily flushes before returning.
   */
  append(batch: RaftBatch): void;
  /** Whole batches from `offset` (a batch boundary), at most `maxRecords` records (at least one batch). */
  read(offset: number, maxRecords: number): RaftBatch[];
  /**
   * Drop every record from `offset` on, at or above `startOffset()`. A batch straddling `offset`
   * goes whole, as Kafka's log truncates by batch, so the log may end before `offset`: a diverging
   * follower can be told an offset inside one of its own batches of another epoch. Returns the
   * new end offset.
   */
  truncateTo(offset: number): number;
  /**
   * The largest epoch <= `epoch` the log knows and the offset where it ends (the next epoch's
   * first offset, or `endOffset()`). When no entry has such an epoch, `(startEpoch, startOffset)`.
   */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch;
  /** Drop batches ending at or before `offset`, which must be a snapshot's end on a batch boundary. */
  deleteBefore(snapshotId: OffsetAndEpoch): void;
  /** Empty the log and start it at a snapshot's end (a follower that installed the snapshot). */
  resetTo(snapshotId: OffsetAndEpoch): void;
}
