/**
 * One replica's partition log in memory, with PartitionLog's replication semantics and the real
 * LeaderEpochCache (file-less): batches keep the offsets and epochs their leader gave them, an
 * epoch is assigned when a batch carries a newer one (leader and follower appends alike),
 * truncateTo drops a batch straddling the offset and the epoch entries from the new end on, and the
 * high watermark is clamped to [0, log end] and moved only by its caller.
 *
 * kt's log keeps everything it appended across a process crash (the page cache survives SIGKILL),
 * so a crash loses nothing here: only the high watermark goes back to its last checkpoint.
 */
import { LeaderEpochCache } from '../../src/engine/log/leader-epoch-cache.js';

export interface Entry {
  epoch: number;
  /** Unique record id (what the invariants compare). */
  id: number;
  /** Offset of the first record of this entry's batch. */
  batch: number;
}

export interface Batch {
  baseOffset: number;
  epoch: number;
  ids: number[];
}

export class SimLog {
  readonly entries: Entry[] = [];
  readonly cache = new LeaderEpochCache(undefined);
  highWatermark = 0;
  /** The high watermark as of the last replication-offset-checkpoint. */
  hwCheckpoint = 0;
  /** Called before a truncation with the new end (the invariants check nothing committed goes). */
  onTruncate: (to: number) => void = () => undefined;

  constructor(readonly owner: number) {}

  get logEndOffset(): number {
    return this.entries.length;
  }

  get latestEpoch(): number {
    return this.cache.latestEpoch();
  }

  endOffsetFor(epoch: number): { epoch: number; endOffset: number } {
    return this.cache.endOffsetFor(epoch, this.logEndOffset);
  }

  /** A leader append of one batch; returns its base offset. */
  appendAsLeader(epoch: number, ids: number[]): number {
    const base = this.logEndOffset;
    for (const id of ids) this.entries.push({ epoch, id, batch: base });
    if (epoch > this.cache.latestEpoch()) this.cache.assign(epoch, base);
    return base;
  }

  /** Follower append: false when the batches do not start at the log end (kt would refuse them). */
  appendAsFollower(batches: Batch[]): boolean {
    if (batches.length === 0) return true;
    if (batches[0]!.baseOffset !== this.logEndOffset) return false;
    for (const b of batches) {
      for (const id of b.ids) this.entries.push({ epoch: b.epoch, id, batch: b.baseOffset });
      if (b.epoch >= 0 && b.epoch > this.cache.latestEpoch()) this.cache.assign(b.epoch, b.baseOffset);
    }
    return true;
  }

  /** Whole batches from `offset` (a batch boundary), at least one, up to `maxRecords` records. */
  read(offset: number, maxRecords: number): Batch[] {
    const out: Batch[] = [];
    let n = 0;
    let o = offset;
    while (o < this.logEndOffset) {
      const first = this.entries[o]!;
      const batch: Batch = { baseOffset: first.batch, epoch: first.epoch, ids: [] };
      while (o < this.logEndOffset && this.entries[o]!.batch === first.batch) batch.ids.push(this.entries[o++]!.id);
      if (out.length > 0 && n + batch.ids.length > maxRecords) break;
      out.push(batch);
      n += batch.ids.length;
      if (n >= maxRecords) break;
    }
    return out;
  }

  /** PartitionLog.truncateTo: the batch straddling `offset` goes too. */
  truncateTo(offset: number): boolean {
    if (offset >= this.logEndOffset) return false;
    const to = offset < this.logEndOffset && offset > 0 ? this.entries[offset]!.batch : Math.max(0, offset);
    this.onTruncate(to);
    this.entries.length = to;
    this.highWatermark = Math.min(this.highWatermark, to);
    this.cache.truncateFromEnd(to);
    return true;
  }

  updateHighWatermark(offset: number): void {
    this.highWatermark = Math.min(Math.max(offset, 0), this.logEndOffset);
  }

  /** After a crash: the log and epoch cache stay, the high watermark is the checkpointed one. */
  restart(): void {
    this.highWatermark = Math.min(this.hwCheckpoint, this.logEndOffset);
  }
}
