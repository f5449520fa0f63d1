/**
 * One partition's log (Kafka's UnifiedLog/LocalLog): an ordered list of segments, the last one
 * active, with the offsets the broker and replication work with (partition-log-view.ts: opening,
 * offsets, reads, the transactional view; here: everything that changes the log):
 *
 *   logStartOffset <= highWatermark <= logEndOffset,   recoveryPoint <= logEndOffset
 *
 * Everything here is synchronous and single-threaded (Node's event loop is the log lock); the
 * only asynchronous work is the fsync of a rolled segment and the cleaner, which re-checks the
 * segment list before swapping its output in.
 */
import fs from 'node:fs';
import { buildControlBatch, ControlRecordType } from '../records/control.js';
import { followerProducerAppend, planFollowerAppend, planLeaderAppend } from './append-batches.js';
import { OffsetOutOfRangeError, RecordBatchTooLargeError } from './errors.js';
import type { LogConfig } from './log-config.js';
import { defaultLogContext, type LogContext } from './log-context.js';
import { openSegment } from './log-loader.js';
import { deleteOldSegments } from './log-retention.js';
import type { LogSegment } from './log-segment.js';
import { PartitionLogView } from './partition-log-view.js';
import { reloadProducerState } from './producer-state/producer-state-loader.js';
import { SegmentDeleter } from './segment-deleter.js';
import type { AppendOptions, AppendResult, MarkerOptions, PartitionLogOptions } from './partition-log-types.js';

export type { AbortedTxn, AppendOptions, AppendResult, MarkerOptions, PartitionLogOptions, ProducerSummary, ReadOptions, ReadResult, TimestampAndOffset } from './partition-log-types.js';

export { DEFAULT_TAIL_CACHE_BYTES } from './partition-log-view.js';

export class PartitionLog extends PartitionLogView {
  private readonly deleter = new SegmentDeleter(this.ctx.scheduler);

  private constructor(dir: string, opts: PartitionLogOptions, ctx: LogContext) {
    super(dir, opts, ctx);
  }

  /** Open (creating if needed) the partition log in `dir`. */
  static open(dir: string, opts: PartitionLogOptions): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    return new PartitionLog(dir, opts, defaultLogContext(opts.context));
  }

  /**
   * Write a COMMIT/ABORT control batch ending the producer's transaction on this partition (a
   * transaction coordinator's marker). Refused (ProducerStateError) when its producer epoch is older
   * than the producer's (INVALID_PRODUCER_EPOCH) or its coordinator epoch older than the last
   * marker's (TRANSACTION_COORDINATOR_FENCED). An ABORT of a transaction with data here is recorded
   * in the segment's transaction index.
   */
  appendMarker(opts: MarkerOptions): AppendResult {
    const now = opts.nowMs ?? this.ctx.clock.now();
    const batch = buildControlBatch({
      producerId: opts.producerId,
      producerEpoch: opts.producerEpoch,
      type: opts.commit ? ControlRecordType.Commit : ControlRecordType.Abort,
      coordinatorEpoch: opts.coordinatorEpoch,
      timestamp: now,
    });
    return this.appendAsLeader(batch, { leaderEpoch: opts.leaderEpoch, nowMs: now, retainable: true }, 'coordinator', opts.transactionVersion ?? 0);
  }

  /** Forget producers idle for producer.id.expiration.ms (never one with an open transaction). */
  removeExpiredProducers(nowMs = this.ctx.clock.now()): number {
    return this.producerState.removeExpiredProducers(nowMs);
  }

  /** Apply a new topic config live (new segment sizes apply from the next roll). */
  setConfig(config: LogConfig): void {
    this._config = config;
    for (const s of this.segments.all) s.updateSettings({ indexIntervalBytes: config.indexIntervalBytes });
    this.flusher.reconfigure();
  }

  /**
   * Leader append: assign offsets from the log end offset by patching each batch's base offset and
   * partition leader epoch in place (and under LogAppendTime its timestamp and CRC); the records
   * themselves are never re-encoded. `records` must hold whole, validated magic-2 batches; the log
   * keeps no reference to it once append returns (the caller may reuse pooled request memory),
   * unless the caller declares it `retainable`.
   */
  append(records: Buffer, opts: AppendOptions): AppendResult {
    return this.appendAsLeader(records, opts, opts.origin ?? 'client', 0);
  }

  private appendAsLeader(records: Buffer, opts: AppendOptions, origin: 'client' | 'coordinator', transactionVersion: number): AppendResult {
    this.ensureOpen();
    const appendTime = (opts.timestampType ?? this._config.messageTimestampType) === 'LogAppendTime';
    // the clock is read only when needed (LogAppendTime, or segment.ms without record timestamps)
    const now = opts.nowMs ?? (appendTime ? this.ctx.clock.now() : -1);
    if (records.length === 0) return this.emptyResult();
    if (records.length > this._config.segmentBytes) throw new RecordBatchTooLargeError(records.length, this._config.segmentBytes, this.name);
    const baseOffset = this._logEndOffset;
    const plan = planLeaderAppend(records, {
      name: this.name,
      baseOffset,
      leaderEpoch: opts.leaderEpoch,
      logAppendTime: appendTime ? now : -1,
      origin,
      transactionVersion,
      producerState: this.producerState,
    });
    const dup = plan.duplicate;
    // a retried batch: nothing appended, answered with the offsets it got the first time
    if (dup) return { baseOffset: dup.firstOffset, lastOffset: dup.lastOffset, logAppendTimeMs: appendTime ? dup.timestamp : -1, logStartOffset: this._logStartOffset, maxTimestamp: dup.timestamp, duplicate: true };
    this.appendToSegment(records, baseOffset, plan.lastOffset, plan.maxTimestamp, now, opts.retainable === true);
    if (plan.producers) plan.producers.commit(this.activeSegment, this._logEndOffset);
    else this.producerState.updateMapEndOffset(this._logEndOffset);
    if (opts.leaderEpoch >= 0 && opts.leaderEpoch > this.leaderEpochCache.latestEpoch()) {
      this.leaderEpochCache.assign(opts.leaderEpoch, baseOffset);
    }
    this.flusher.afterAppend();
    return { baseOffset, lastOffset: plan.lastOffset, logAppendTimeMs: appendTime ? now : -1, logStartOffset: this._logStartOffset, maxTimestamp: plan.maxTimestamp };
  }

  private emptyResult(): AppendResult {
    return { baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: this._logStartOffset, maxTimestamp: -1 };
  }

  /** Follower append: batches keep the offsets and epochs the leader gave them. */
  appendAsFollower(records: Buffer): AppendResult {
    this.ensureOpen();
    if (records.length === 0) return this.emptyResult();
    if (records.length > this._config.segmentBytes) throw new RecordBatchTooLargeError(records.length, this._config.segmentBytes, this.name);
    const plan = planFollowerAppend(records, this._logEndOffset, this.name);
    const seg = this.activeSegment;
    if (seg.size === 0 && plan.firstOffset !== seg.baseOffset) this.replaceEmptyActiveSegment(plan.firstOffset);
    this.appendToSegment(records, plan.firstOffset, plan.lastOffset, plan.maxTimestamp, -1, false);
    followerProducerAppend(records, this.producerState)?.commit(this.activeSegment, this._logEndOffset);
    this.producerState.updateMapEndOffset(this._logEndOffset);
    for (const [epoch, base] of plan.epochs) if (epoch >= 0 && epoch > this.leaderEpochCache.latestEpoch()) this.leaderEpochCache.assign(epoch, base);
    this.flusher.afterAppend();
    return { baseOffset: plan.firstOffset, lastOffset: plan.lastOffset, logAppendTimeMs: -1, logStartOffset: this._logStartOffset, maxTimestamp: plan.maxTimestamp };
  }

  /** `now` is -1 when the caller did not need the clock. */
  private appendToSegment(records: Buffer, firstOffset: number, lastOffset: number, maxTs: number, now: number, retainable: boolean): void {
    let seg = this.activeSegment;
    if (
      seg.shouldRoll({ size: records.length, maxTimestamp: maxTs, lastOffset, now: now >= 0 ? now : this.ctx.clock, segmentBytes: this._config.segmentBytes, segmentMs: this._config.segmentMs }) ||
      firstOffset - seg.baseOffset > 0x7fffffff
    ) {
      seg = this.rollAt(firstOffset);
    }
    seg.append(records);
    this._logEndOffset = lastOffset + 1;
    this.tail.add(records, retainable);
  }

  /** An empty active segment whose base offset does not fit the next append (follower gap). */
  private replaceEmptyActiveSegment(base: number): void {
    const old = this.activeSegment;
    this.segments.remove(old);
    old.deleteFiles();
    const seg = openSegment({ dir: this.dir, config: this._config, ctx: this.ctx }, base, { fresh: true });
    seg.makeActive();
    this.segments.add(seg);
    this._logEndOffset = base;
    if (this.segments.count === 1) this._logStartOffset = Math.max(this._logStartOffset, base);
  }

  /**
   * Start a new active segment at the log end offset. The old one is trimmed and fsync'ed in the
   * background; the recovery point moves once that completes.
   */
  roll(): LogSegment {
    this.ensureOpen();
    return this.rollAt(this._logEndOffset);
  }

  /** Roll to a segment based at `expectedNextOffset` (>= the log end offset: a follower's gap). */
  private rollAt(expectedNextOffset: number): LogSegment {
    const old = this.activeSegment;
    const base = Math.max(expectedNextOffset, this._logEndOffset);
    if (old.size === 0) {
      if (old.baseOffset !== base) this.replaceEmptyActiveSegment(base);
      return this.activeSegment;
    }
    old.onBecomeInactive();
    // the producer state as of the new segment's base offset, so a reopen replays from here
    this.producerState.updateMapEndOffset(base);
    this.producerState.takeSnapshot(false);
    const seg = openSegment({ dir: this.dir, config: this._config, ctx: this.ctx }, base, { fresh: true });
    seg.makeActive();
    this.segments.add(seg);
    this.tail.clear();
    this.flusher.flushBelowInBackground(base);
    return seg;
  }

  /** Resolves when background flushes scheduled so far are done (tests, shutdown). */
  async awaitBackgroundFlushes(): Promise<void> {
    await this.flusher.settled();
  }

  /** fsync everything up to the log end offset and advance the recovery point to it. */
  flush(): void {
    this.ensureOpen();
    this.flusher.flush();
  }

  /** A caller (the partition leader) advances the high watermark; clamped to [logStartOffset, logEndOffset]. */
  updateHighWatermark(offset: number): number {
    this._highWatermark = Math.min(Math.max(offset, this._logStartOffset), this._logEndOffset);
    this.producerState.onHighWatermarkUpdated(this._highWatermark);
    return this._highWatermark;
  }

  /**
   * Remove everything from `offset` on (follower truncation). A batch straddling `offset` goes
   * too, so the log end offset becomes the next offset after the last remaining batch.
   */
  truncateTo(offset: number): boolean {
    this.ensureOpen();
    if (offset < 0) throw new RangeError(`Cannot truncate ${this.name} to a negative offset ${offset}`);
    if (offset >= this._logEndOffset) {
      // Nothing to remove, but an epoch starting at or past `offset` holds no record here (a leader
      // epoch begun without a write): kept, it would make this replica's history look diverged from
      // its leader's on every fetch (Kafka's UnifiedLog.truncateTo drops it too).
      this.leaderEpochCache.truncateFromEnd(offset);
      return false;
    }
    if (offset < this.segments.first!.baseOffset) {
      this.truncateFullyAndStartAt(offset);
      return true;
    }
    const doomed = this.segments.all.filter((s) => s.baseOffset > offset);
    this.segments.removeAll(doomed);
    for (const s of doomed) this.deleteSegmentFiles(s);
    const active = this.activeSegment;
    active.truncateTo(offset);
    active.makeActive();
    this._logEndOffset = active.readNextOffset();
    reloadProducerState(this.producerState, { segments: this.segments, logStartOffset: this._logStartOffset, logEndOffset: this._logEndOffset, nowMs: this.ctx.clock.now() });
    this.afterTruncation();
    return true;
  }

  /** Drop every segment and restart the log, empty, at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    this.ensureOpen();
    const doomed = this.segments.all;
    this.segments.clear();
    for (const s of doomed) this.deleteSegmentFiles(s);
    const seg = openSegment({ dir: this.dir, config: this._config, ctx: this.ctx }, offset, { fresh: true });
    seg.makeActive();
    this.segments.add(seg);
    this._logEndOffset = offset;
    this._logStartOffset = offset;
    this.leaderEpochCache.clear();
    this.producerState.truncateFullyAndStartAt(offset);
    this.afterTruncation(true);
  }

  private afterTruncation(restart = false): void {
    this._logStartOffset = Math.min(this._logStartOffset, this._logEndOffset);
    this._highWatermark = Math.max(this._logStartOffset, Math.min(this._highWatermark, this._logEndOffset));
    this.producerState.onHighWatermarkUpdated(this._highWatermark);
    this.flusher.truncated(this._logEndOffset, restart);
    this.leaderEpochCache.truncateFromEnd(this._logEndOffset);
    this.tail.clear();
  }

  /**
   * DeleteRecords: move the log start offset up to `offset` (-1: the high watermark) and delete
   * the segments entirely below it. Offsets above the high watermark are out of range.
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    const target = offset === -1 ? this._highWatermark : offset;
    if (target < 0 || target > this._highWatermark) {
      throw new OffsetOutOfRangeError(target, this._logStartOffset, this._highWatermark, this.name);
    }
    this.maybeIncrementLogStartOffset(target);
    deleteOldSegments(this, this.ctx.clock.now(), { logStartOnly: true });
    return this._logStartOffset;
  }

  /** @internal */
  maybeIncrementLogStartOffset(offset: number): void {
    if (offset <= this._logStartOffset) return;
    this._logStartOffset = offset;
    this.leaderEpochCache.truncateFromStart(offset);
    this.producerState.onLogStartOffsetIncremented(offset);
  }

  /** One retention pass (retention.ms, retention.bytes, log start offset); returns segments deleted. */
  deleteOldSegments(nowMs = this.ctx.clock.now()): number {
    this.ensureOpen();
    return deleteOldSegments(this, nowMs);
  }

  /** @internal Remove segments (already checked deletable) and schedule their files' deletion. */
  removeSegments(doomed: readonly LogSegment[]): void {
    if (doomed.length === 0) return;
    if (doomed.length === this.segments.count) this.roll();
    this.segments.removeAll(doomed);
    for (const s of doomed) {
      this.deleteSegmentFiles(s);
      this.producerState.deleteSnapshot(s.baseOffset);
    }
    this.maybeIncrementLogStartOffset(this.segments.first!.baseOffset);
  }

  /** @internal Rename to `.deleted` now, remove after file.delete.delay.ms (Kafka's asyncDeleteSegment). */
  deleteSegmentFiles(seg: LogSegment): void {
    this.deleter.delete(seg, this._config.fileDeleteDelayMs);
  }

  /** @internal The cleaner's swap: `replacement` takes the place of `old` (all closed segments). */
  replaceSegments(replacement: LogSegment, old: readonly LogSegment[]): void {
    this.segments.removeAll(old);
    for (const s of old) {
      if (s.baseOffset === replacement.baseOffset) continue;
      this.deleteSegmentFiles(s);
      // as Kafka: a snapshot named after a segment that no longer exists goes with it
      this.producerState.deleteSnapshot(s.baseOffset);
    }
    const same = old.find((s) => s.baseOffset === replacement.baseOffset);
    if (same) {
      // Same file names: move the old one aside first so the rename below does not clobber open files.
      this.deleteSegmentFiles(same);
    }
    replacement.changeFileSuffix('');
    this.segments.add(replacement);
  }

  /** Flush and close (clean shutdown). */
  close(): void {
    if (this._closed) return;
    this.flusher.cancel();
    this.flush();
    this.producerState.updateMapEndOffset(this._logEndOffset);
    this.producerState.takeSnapshot(true);
    this._closed = true;
    for (const s of this.segments.all) s.close();
    this.deleter.release();
  }

  /** Release files without flushing or trimming anything: what a crash leaves (tests), or before deletion. */
  closeUncleanly(): void {
    if (this._closed) return;
    this.flusher.cancel();
    this._closed = true;
    for (const s of this.segments.all) s.closeFds();
    this.deleter.release();
  }

  /** Close and remove the partition directory and everything in it. */
  delete(): void {
    this.closeUncleanly();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

}
