/**
 * A RaftLog kept in memory, for tests and the simulation. It stands for a durable log: a
 * simulated crash keeps the object and restarts a client on it.
 */
import type { OffsetAndEpoch } from './messages.js';
import { batchEndOffset, type RaftBatch, type RaftLog } from './raft-log.js';

export class MemoryRaftLog implements RaftLog {
  private batches: RaftBatch[] = [];
  private start = 0;
  private startEp = 0;

  startOffset(): number {
    return this.start;
  }

  startEpoch(): number {
    return this.startEp;
  }

  endOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? batchEndOffset(last) : this.start;
  }

  lastEpoch(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.epoch : this.startEp;
  }

  append(batch: RaftBatch): void {
    if (batch.baseOffset !== this.endOffset()) {
      throw new Error(`append at ${batch.baseOffset} but the log ends at ${this.endOffset()}`);
    }
    if (batch.epoch < this.lastEpoch()) {
      throw new Error(`append of epoch ${batch.epoch} after epoch ${this.lastEpoch()}`);
    }
    if (batch.records.length === 0) throw new Error('append of an empty batch');
    this.batches.push(batch);
  }

  read(offset: number, maxRecords: number): RaftBatch[] {
    const out: RaftBatch[] = [];
    let i = this.indexOf(offset);
    if (i < 0) throw new Error(`read at ${offset}, not a batch boundary in [${this.start}, ${this.endOffset()}]`);
    let count = 0;
    while (i < this.batches.length && (out.length === 0 || count + this.batches[i]!.records.length <= maxRecords)) {
      out.push(this.batches[i]!);
      count += this.batches[i]!.records.length;
      i++;
    }
    return out;
  }

  truncateTo(offset: number): number {
    if (offset >= this.endOffset()) return this.endOffset();
    if (offset < this.start) throw new Error(`truncate to ${offset} below the log start ${this.start}`);
    // Keep the batches that end at or before `offset`; the one straddling it goes whole.
    let keep = this.batches.length;
    while (keep > 0 && batchEndOffset(this.batches[keep - 1]!) > offset) keep--;
    this.batches.length = keep;
    return this.endOffset();
  }

  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    // Walk back to the last batch of an epoch <= `epoch`; it ends where the next batch starts.
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const b = this.batches[i]!;
      if (b.epoch <= epoch) {
        const next = this.batches[i + 1];
        return { epoch: b.epoch, endOffset: next ? next.baseOffset : this.endOffset() };
      }
    }
    return { epoch: this.startEp, endOffset: this.start };
  }

  deleteBefore(snapshotId: OffsetAndEpoch): void {
    if (snapshotId.endOffset <= this.start) return;
    if (snapshotId.endOffset > this.endOffset()) throw new Error('delete beyond the log end');
    const i = this.indexOf(snapshotId.endOffset);
    const keepFrom = i < 0 ? this.batches.length : i;
    if (i < 0 && snapshotId.endOffset !== this.endOffset()) throw new Error('delete before a non-boundary');
    this.batches = this.batches.slice(keepFrom);
    this.start = snapshotId.endOffset;
    this.startEp = snapshotId.epoch;
  }

  resetTo(snapshotId: OffsetAndEpoch): void {
    this.batches = [];
    this.start = snapshotId.endOffset;
    this.startEp = snapshotId.epoch;
  }

  /** Index of the batch starting exactly at `offset`; `length` at the log end; -1 otherwise. */
  private indexOf(offset: number): number {
    if (offset === this.endOffset()) return this.batches.length;
    let lo = 0;
    let hi = this.batches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = this.batches[mid]!.baseOffset;
      if (b === offset) return mid;
      if (b < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
