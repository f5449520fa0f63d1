/**
 * A partition's producer state (Kafka's ProducerStateManager): every producer it remembers, the
 * transactions open on it (their first offsets drive the last stable offset), the transactions
 * completed but not yet below the high watermark, and the snapshot files.
 *
 *   first unstable offset = min(first offset of the earliest open transaction,
 *                               first offset of the earliest completed one whose marker is not
 *                               yet below the high watermark)
 *
 * The state always describes the log up to `mapEndOffset` (the log end offset once loaded).
 * Producers leave only by expiry (producer.id.expiration.ms after their last write, never while
 * their transaction is open), by truncation, or when the log is reset: as in Kafka since KIP-360,
 * retention deleting a producer's last records does not forget it.
 */
import fs from 'node:fs';
import { unlinkIfExists } from '../log-files.js';
import type { LogLogger } from '../log-context.js';
import { type AppendOrigin, type CompletedTxn, ProducerAppendInfo } from './producer-append-info.js';
import { decrementSequence, ProducerStateEntry } from './producer-state-entry.js';
import { CorruptSnapshotError, encodeSnapshot, listSnapshotOffsets, readSnapshotFile, type SnapshotEntry, snapshotFilePath } from './producer-snapshot.js';

interface TxnMetadata {
  producerId: number;
  firstOffset: number;
  /** The marker's offset once completed. */
  lastOffset: number;
}

export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;

export class ProducerStateManager {
  readonly producers = new Map<number, ProducerStateEntry>();
  /** Open transactions by first offset, in offset order (they begin at the log end). */
  private readonly ongoingTxns = new Map<number, TxnMetadata>();
  /** Completed transactions whose marker is not yet below the high watermark, by first offset. */
  private readonly unreplicatedTxns = new Map<number, TxnMetadata>();
  private snapshots: number[];
  private _mapEndOffset = 0;

  constructor(
    readonly dir: string,
    private readonly partition: string,
    public expirationMs: number,
    private readonly logger: LogLogger,
  ) {
    this.snapshots = listSnapshotOffsets(dir);
  }

  get mapEndOffset(): number {
    return this._mapEndOffset;
  }

  updateMapEndOffset(offset: number): void {
    this._mapEndOffset = offset;
  }

  get isEmpty(): boolean {
    return this.producers.size === 0 && this.ongoingTxns.size === 0 && this.unreplicatedTxns.size === 0;
  }

  lastEntry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  prepareUpdate(producerId: number, origin: AppendOrigin): ProducerAppendInfo {
    return new ProducerAppendInfo(producerId, this.producers.get(producerId) ?? ProducerStateEntry.empty(producerId), origin, this.partition);
  }

  /** Take an append's changes (after the batches are in the log). */
  update(info: ProducerAppendInfo): void {
    this.producers.set(info.producerId, info.updated);
    for (const first of info.startedTxnFirstOffset) this.ongoingTxns.set(first, { producerId: info.producerId, firstOffset: first, lastOffset: -1 });
  }

  /** The LSO once `txn` completes: the first offset of another open transaction, else just past its marker. */
  lastStableOffsetAfter(txn: CompletedTxn): number {
    for (const t of this.ongoingTxns.values()) if (t.producerId !== txn.producerId) return t.firstOffset;
    return txn.lastOffset + 1;
  }

  completeTxn(txn: CompletedTxn): void {
    const t = this.ongoingTxns.get(txn.firstOffset) ?? { producerId: txn.producerId, firstOffset: txn.firstOffset, lastOffset: -1 };
    this.ongoingTxns.delete(txn.firstOffset);
    t.lastOffset = txn.lastOffset;
    this.unreplicatedTxns.set(t.firstOffset, t);
  }

  /** -1 when every transaction is decided and replicated. */
  firstUnstableOffset(): number {
    let first = -1;
    for (const t of this.ongoingTxns.values()) {
      first = t.firstOffset;
      break;
    }
    for (const t of this.unreplicatedTxns.values()) if (first < 0 || t.firstOffset < first) first = t.firstOffset;
    return first;
  }

  onHighWatermarkUpdated(hw: number): void {
    this.removeUnreplicatedBelow(hw);
  }

  /** Retention or DeleteRecords moved the log start: producers stay (until they expire). */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.removeUnreplicatedBelow(logStartOffset);
    if (this._mapEndOffset < logStartOffset) this._mapEndOffset = logStartOffset;
  }

  private removeUnreplicatedBelow(offset: number): void {
    if (this.unreplicatedTxns.size === 0) return;
    for (const [k, t] of this.unreplicatedTxns) if (t.lastOffset < offset) this.unreplicatedTxns.delete(k);
  }

  hasOngoingTransaction(producerId: number): boolean {
    const e = this.producers.get(producerId);
    return e !== undefined && e.currentTxnFirstOffset >= 0;
  }

  isExpired(e: ProducerStateEntry, nowMs: number): boolean {
    return e.currentTxnFirstOffset < 0 && nowMs - e.lastTimestamp >= this.expirationMs;
  }

  /** Forget producers idle for producer.id.expiration.ms with no open transaction; returns how many. */
  removeExpiredProducers(nowMs: number): number {
    let n = 0;
    for (const [pid, e] of this.producers) {
      if (this.isExpired(e, nowMs)) {
        this.producers.delete(pid);
        n++;
      }
    }
    return n;
  }

  clear(): void {
    this.producers.clear();
    this.ongoingTxns.clear();
    this.unreplicatedTxns.clear();
  }

  // ---- snapshots ----

  get snapshotOffsets(): readonly number[] {
    return this.snapshots;
  }

  latestSnapshotOffset(): number | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  private toSnapshotEntries(): SnapshotEntry[] {
    const out: SnapshotEntry[] = [];
    for (const e of this.producers.values()) {
      out.push({
        producerId: e.producerId,
        epoch: e.producerEpoch,
        lastSequence: e.lastSeq,
        lastOffset: e.lastDataOffset,
        offsetDelta: e.lastOffsetDelta,
        timestamp: e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch,
        currentTxnFirstOffset: e.currentTxnFirstOffset,
      });
    }
    return out;
  }

  /**
   * Write `<mapEndOffset>.snapshot` unless it exists. `sync`: fsync before returning (clean close);
   * otherwise the fsync runs in the background (roll) and a torn file fails its CRC at the next load.
   */
  takeSnapshot(sync: boolean): void {
    const offset = this._mapEndOffset;
    if (this.snapshots.includes(offset)) return;
    const file = snapshotFilePath(this.dir, offset);
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o644);
    try {
      fs.writeSync(fd, encodeSnapshot(this.toSnapshotEntries()));
      if (sync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    if (!sync) {
      fs.open(file, 'r', (err, bg) => {
        if (err) return;
        fs.fsync(bg, () => fs.close(bg, () => {}));
      });
    }
    this.snapshots.push(offset);
    this.snapshots.sort((a, b) => a - b);
  }

  deleteSnapshot(offset: number): void {
    const i = this.snapshots.indexOf(offset);
    if (i < 0) return;
    this.snapshots.splice(i, 1);
    unlinkIfExists(snapshotFilePath(this.dir, offset));
  }

  /** Remove snapshots outside [logStartOffset, logEndOffset]. */
  deleteSnapshotsOutside(logStartOffset: number, logEndOffset: number): void {
    for (const o of [...this.snapshots]) if (o > logEndOffset || o < logStartOffset) this.deleteSnapshot(o);
  }

  /**
   * Keep only snapshots at a segment's base offset, and the latest one when it is beyond every
   * segment base (Kafka's removeStraySnapshots).
   */
  removeStraySnapshots(segmentBaseOffsets: readonly number[]): void {
    const bases = new Set(segmentBaseOffsets);
    const maxBase = Math.max(-1, ...segmentBaseOffsets);
    const latest = this.latestSnapshotOffset();
    for (const o of [...this.snapshots]) {
      if (bases.has(o)) continue;
      if (o === latest && o > maxBase) continue;
      this.deleteSnapshot(o);
    }
  }

  /**
   * Reset the state to the latest readable snapshot at or below `maxOffset` (corrupt ones are
   * deleted), skipping producers already expired; with none, to empty at `logStartOffset`.
   * Returns the offset the state now describes (replay the log from there).
   */
  loadFromSnapshot(logStartOffset: number, maxOffset: number, nowMs: number): number {
    this.clear();
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const offset = this.snapshots[i]!;
      if (offset > maxOffset) continue;
      let entries: SnapshotEntry[];
      try {
        entries = readSnapshotFile(snapshotFilePath(this.dir, offset));
      } catch (e) {
        if (!(e instanceof CorruptSnapshotError) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        this.logger.warn(`${this.partition}: ${(e as Error).message}; deleting it`);
        this.deleteSnapshot(offset);
        continue;
      }
      const open: TxnMetadata[] = [];
      for (const s of entries) {
        const e = new ProducerStateEntry(s.producerId, s.epoch, [], s.coordinatorEpoch, s.currentTxnFirstOffset, s.timestamp);
        if (s.lastOffset >= 0) {
          e.batches.push({
            firstSeq: decrementSequence(s.lastSequence, s.offsetDelta),
            lastSeq: s.lastSequence,
            firstOffset: s.lastOffset - s.offsetDelta,
            lastOffset: s.lastOffset,
            timestamp: s.timestamp,
          });
        }
        if (this.isExpired(e, nowMs)) continue;
        this.producers.set(s.producerId, e);
        if (s.currentTxnFirstOffset >= 0) open.push({ producerId: s.producerId, firstOffset: s.currentTxnFirstOffset, lastOffset: -1 });
      }
      open.sort((a, b) => a.firstOffset - b.firstOffset);
      for (const t of open) this.ongoingTxns.set(t.firstOffset, t);
      this._mapEndOffset = Math.max(offset, logStartOffset);
      return this._mapEndOffset;
    }
    this._mapEndOffset = logStartOffset;
    return logStartOffset;
  }

  /** Forget everything, snapshots included (the log restarts empty at `offset`). */
  truncateFullyAndStartAt(offset: number): void {
    this.clear();
    for (const o of [...this.snapshots]) this.deleteSnapshot(o);
    this._mapEndOffset = offset;
  }
}
