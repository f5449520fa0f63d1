/**
 * The Raft log over kt's PartitionLog of `__cluster_metadata-0` (Kafka's KafkaMetadataLog over
 * UnifiedLog): batches keep the offsets and epochs the Raft client gives them (a follower append,
 * for leader and follower alike, since Raft assigns offsets), every append is flushed before it
 * returns because the Raft client counts it toward the high watermark at once, epochs come from
 * the partition's leader-epoch cache (`leader-epoch-checkpoint`, fed by each batch's
 * partitionLeaderEpoch), and truncation and the log start are the partition's own.
 */
import type { PartitionLog } from '../../log/partition-log.js';
import type { OffsetAndEpoch, RaftBatch, RaftLog } from '../../raft/index.js';
import { decodeRaftBatches, encodeRaftBatch } from './raft-batch-codec.js';

/** Bytes read per call before trimming to whole batches of at most maxRecords records. */
const READ_BYTES = 1 << 20;

export class PartitionRaftLog implements RaftLog {
  constructor(
    private readonly log: PartitionLog,
    /** Epoch of the entry before the log start: the latest snapshot's epoch, 0 for a log from 0. */
    private startEp = 0,
  ) {}

  startOffset(): number {
    return this.log.logStartOffset;
  }

  startEpoch(): number {
    return this.startEp;
  }

  endOffset(): number {
    return this.log.logEndOffset;
  }

  lastEpoch(): number {
    if (this.log.logEndOffset === this.log.logStartOffset) return this.startEp;
    const latest = this.log.leaderEpochCache.latestEpoch();
    return latest >= 0 ? latest : this.startEp;
  }

  append(batch: RaftBatch): void {
    if (batch.baseOffset !== this.endOffset()) throw new Error(`append at ${batch.baseOffset} but the metadata log ends at ${this.endOffset()}`);
    if (batch.records.length === 0) throw new Error('append of an empty batch');
    this.log.appendAsFollower(encodeRaftBatch(batch));
    // Durable before the Raft client counts it (a vote for or an ack of an entry must survive a crash).
    this.log.flush();
    this.log.updateHighWatermark(this.log.logEndOffset);
  }

  read(offset: number, maxRecords: number): RaftBatch[] {
    if (offset === this.endOffset()) return [];
    const { records } = this.log.read(offset, READ_BYTES, { minOneBatch: true });
    const out: RaftBatch[] = [];
    let count = 0;
    for (const b of decodeRaftBatches(records)) {
      if (out.length === 0 && b.baseOffset !== offset) throw new Error(`read at ${offset}, not a batch boundary of the metadata log (batch at ${b.baseOffset})`);
      if (out.length > 0 && count + b.records.length > maxRecords) break;
      out.push(b);
      count += b.records.length;
    }
    return out;
  }

  truncateTo(offset: number): number {
    if (offset < this.startOffset()) throw new Error(`truncate to ${offset} below the log start ${this.startOffset()}`);
    this.log.truncateTo(offset);
    this.log.flush();
    return this.endOffset();
  }

  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    const entries = this.log.leaderEpochCache.epochEntries.filter((e) => e.startOffset < this.endOffset());
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i]!;
      if (e.epoch <= epoch) return { epoch: e.epoch, endOffset: entries[i + 1]?.startOffset ?? this.endOffset() };
    }
    return { epoch: this.startEp, endOffset: this.startOffset() };
  }

  deleteBefore(snapshotId: OffsetAndEpoch): void {
    if (snapshotId.endOffset <= this.startOffset()) return;
    this.log.updateHighWatermark(this.log.logEndOffset);
    this.log.deleteRecordsBefore(snapshotId.endOffset);
    this.startEp = snapshotId.epoch;
  }

  resetTo(snapshotId: OffsetAndEpoch): void {
    this.log.truncateFullyAndStartAt(snapshotId.endOffset);
    this.startEp = snapshotId.epoch;
  }
}
