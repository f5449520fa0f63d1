/**
 * One partition's log (Kafka's UnifiedLog/LocalLog): an ordered list of segments, the last one
 * active, with the offsets the broker and replication work with:
 *
 *   logStartOffset <= highWatermark <= logEndOffset,   recoveryPoint <= logEndOffset
 *
 * Everything here is synchronous and single-threaded (Node's event loop is the log lock); the
 * only asynchronous work is the fsync of a rolled segment and the cleaner, which re-checks the
 * segment list before swapping its output in.
 */
import fs from 'node:fs';
import { batchSizeAt, BATCH_OVERHEAD, readInt64, setBaseOffset, setPartitionLeaderEpoch, stampLogAppendTime } from '../records/batch-header.js';
import { LogClosedError, OffsetOutOfRangeError, RecordBatchTooLargeError, UnexpectedAppendOffsetError } from './errors.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import { defaultLogContext, type LogContext } from './log-context.js';
import { LogFlusher } from './log-flusher.js';
import { DELETED_SUFFIX } from './log-files.js';
import { loadLog, openSegment } from './log-loader.js';
import { EMPTY_BUFFER, type LogSegment } from './log-segment.js';
import { LogSegments } from './log-segments.js';
import { readPartitionMetadata, topicIdToString, writePartitionMetadata } from './partition-metadata.js';
import { deleteOldSegments } from './log-retention.js';
import { TailCache } from './tail-cache.js';
import { maxTimestampAndOffset, offsetForTimestamp } from './log-timestamps.js';
import type { AbortedTxn, AppendOptions, AppendResult, MarkerOptions, PartitionLogOptions, ProducerSummary, ReadOptions, ReadResult, TimestampAndOffset } from './partition-log-types.js';

export type { AbortedTxn, AppendOptions, AppendResult, MarkerOptions, PartitionLogOptions, ProducerSummary, ReadOptions, ReadResult, TimestampAndOffset } from './partition-log-types.js';

export const DEFAULT_TAIL_CACHE_BYTES = 1024 * 1024;

export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly name: string;
  readonly ctx: LogContext;
  readonly segments: LogSegments;
  readonly leaderEpochCache: LeaderEpochCache;
  private _config: LogConfig;
  private _topicId: string | undefined;
  private _logStartOffset: number;
  private _logEndOffset: number;
  private _highWatermark: number;
  private readonly tail: TailCache;
  private readonly flusher: LogFlusher;
  /** Segments renamed `.deleted`, waiting for file.delete.delay.ms (their files stay readable until then). */
  private readonly pendingDeletes = new Set<LogSegment>();
  private _closed = false;

  private constructor(readonly dir: string, opts: PartitionLogOptions, ctx: LogContext) {
    this.topic = opts.topic;
    this.partition = opts.partition;
    this.name = `${opts.topic}-${opts.partition}`;
    this.ctx = ctx;
    this._config = opts.config;
    const loaded = loadLog({
      dir,
      name: this.name,
      config: opts.config,
      recoveryPoint: opts.recoveryPoint ?? 0,
      logStartOffset: opts.logStartOffset,
      hadCleanShutdown: opts.hadCleanShutdown ?? false,
      ctx,
    });
    this.segments = loaded.segments;
    this.leaderEpochCache = loaded.epochCache;
    this._logStartOffset = loaded.logStartOffset;
    this._logEndOffset = loaded.logEndOffset;
    this.flusher = new LogFlusher(this, loaded.recoveryPoint);
    const hw = opts.highWatermark ?? 0;
    this._highWatermark = Math.min(Math.max(hw, this._logStartOffset), this._logEndOffset);
    this.tail = new TailCache(opts.tailCacheBytes ?? DEFAULT_TAIL_CACHE_BYTES);
    const stored = readPartitionMetadata(dir);
    this._topicId = stored;
    if (opts.topicId !== undefined) {
      const id = topicIdToString(opts.topicId);
      if (stored !== undefined && stored !== id) {
        throw new Error(`Partition dir ${dir} belongs to topic id ${stored}, not ${id}`);
      }
      if (stored === undefined) writePartitionMetadata(dir, id);
      this._topicId = id;
    }
  }

  /** Open (creating if needed) the partition log in `dir`. */
  static open(dir: string, opts: PartitionLogOptions): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    return new PartitionLog(dir, opts, defaultLogContext(opts.context));
  }

  get config(): LogConfig {
    return this._config;
  }
  get topicId(): string | undefined {
    return this._topicId;
  }
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this._logEndOffset;
  }
  get highWatermark(): number {
    return this._highWatermark;
  }
  /**
   * The last stable offset: below it every transaction is decided (read_committed consumers read up
   * to here). STUB until the producer state lands: the high watermark.
   */
  get lastStableOffset(): number {
    return this._highWatermark;
  }

  /** STUB: write a COMMIT/ABORT control batch for a producer's transaction. */
  appendMarker(_opts: MarkerOptions): AppendResult {
    throw new Error('appendMarker: not implemented yet');
  }

  /** STUB: aborted transactions overlapping [startOffset, upperBoundOffset) (Fetch v4+, read_committed). */
  abortedTransactions(_startOffset: number, _upperBoundOffset: number): AbortedTxn[] {
    return [];
  }

  /** STUB: the producers this partition remembers (DescribeProducers). */
  activeProducers(): ProducerSummary[] {
    return [];
  }

  /** STUB: whether the producer has an open transaction on this partition (KIP-890 verification fast path). */
  hasOngoingTransaction(_producerId: number): boolean {
    return false;
  }
  get recoveryPoint(): number {
    return this.flusher.recoveryPoint;
  }
  get activeSegment(): LogSegment {
    return this.segments.last!;
  }
  get isClosed(): boolean {
    return this._closed;
  }
  /** Total bytes of all segments. */
  get size(): number {
    return this.segments.sizeInBytes();
  }
  get latestEpoch(): number {
    return this.leaderEpochCache.latestEpoch();
  }

  private ensureOpen(): void {
    if (this._closed) throw new LogClosedError(this.name);
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
    this.ensureOpen();
    const appendTime = (opts.timestampType ?? this._config.messageTimestampType) === 'LogAppendTime';
    // the clock is read only when needed (LogAppendTime, or segment.ms without record timestamps)
    const now = opts.nowMs ?? (appendTime ? this.ctx.clock.now() : -1);
    if (records.length === 0) return { baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: this._logStartOffset, maxTimestamp: -1 };
    if (records.length > this._config.segmentBytes) throw new RecordBatchTooLargeError(records.length, this._config.segmentBytes, this.name);
    const baseOffset = this._logEndOffset;
    let next = baseOffset;
    let maxTs = -1;
    for (let p = 0; p < records.length; ) {
      const size = batchSizeAt(records, p);
      if (size < BATCH_OVERHEAD || p + size > records.length) throw new Error(`Malformed batch at byte ${p} of an append to ${this.name}`);
      setBaseOffset(records, p, next);
      if (opts.leaderEpoch >= 0) setPartitionLeaderEpoch(records, p, opts.leaderEpoch);
      if (appendTime) stampLogAppendTime(records, p, now);
      const ts = readInt64(records, p + 35);
      if (ts > maxTs) maxTs = ts;
      next += records.readInt32BE(p + 23) + 1;
      p += size;
    }
    this.appendToSegment(records, baseOffset, next - 1, maxTs, now, opts.retainable === true);
    if (opts.leaderEpoch >= 0 && opts.leaderEpoch > this.leaderEpochCache.latestEpoch()) {
      this.leaderEpochCache.assign(opts.leaderEpoch, baseOffset);
    }
    this.flusher.afterAppend();
    return { baseOffset, lastOffset: next - 1, logAppendTimeMs: appendTime ? now : -1, logStartOffset: this._logStartOffset, maxTimestamp: maxTs };
  }

  /** Follower append: batches keep the offsets and epochs the leader gave them. */
  appendAsFollower(records: Buffer): AppendResult {
    this.ensureOpen();
    if (records.length === 0) return { baseOffset: -1, lastOffset: -1, logAppendTimeMs: -1, logStartOffset: this._logStartOffset, maxTimestamp: -1 };
    if (records.length > this._config.segmentBytes) throw new RecordBatchTooLargeError(records.length, this._config.segmentBytes, this.name);
    const first = readInt64(records, 0);
    if (first < this._logEndOffset) throw new UnexpectedAppendOffsetError(first, this._logEndOffset, this.name);
    let prevLast = first - 1;
    let maxTs = -1;
    const epochs: [number, number][] = [];
    for (let p = 0; p < records.length; ) {
      const size = batchSizeAt(records, p);
      if (size < BATCH_OVERHEAD || p + size > records.length) throw new Error(`Malformed batch at byte ${p} of an append to ${this.name}`);
      const base = readInt64(records, p);
      if (base <= prevLast) throw new UnexpectedAppendOffsetError(base, prevLast + 1, this.name);
      prevLast = base + records.readInt32BE(p + 23);
      maxTs = Math.max(maxTs, readInt64(records, p + 35));
      epochs.push([records.readInt32BE(p + 12), base]);
      p += size;
    }
    const now = -1;
    const seg = this.activeSegment;
    if (seg.size === 0 && first !== seg.baseOffset) this.replaceEmptyActiveSegment(first);
    this.appendToSegment(records, first, prevLast, maxTs, now, false);
    for (const [epoch, base] of epochs) if (epoch >= 0 && epoch > this.leaderEpochCache.latestEpoch()) this.leaderEpochCache.assign(epoch, base);
    this.flusher.afterAppend();
    return { baseOffset: first, lastOffset: prevLast, logAppendTimeMs: -1, logStartOffset: this._logStartOffset, maxTimestamp: maxTs };
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

  get lastFlushMs(): number {
    return this.flusher.lastFlushMs;
  }

  /**
   * Read whole batches from `startOffset` (the batch containing it first), up to `maxBytes`.
   * Throws OffsetOutOfRangeError outside [logStartOffset, logEndOffset]. Like Kafka, one read
   * returns data from a single segment.
   */
  read(startOffset: number, maxBytes: number, opts: ReadOptions = {}): ReadResult {
    this.ensureOpen();
    const result = (records: Buffer, firstOffset: number, nextOffset: number): ReadResult => ({
      records,
      firstOffset,
      nextOffset,
      logStartOffset: this._logStartOffset,
      logEndOffset: this._logEndOffset,
      highWatermark: this._highWatermark,
      lastStableOffset: this.lastStableOffset,
    });
    if (startOffset < this._logStartOffset || startOffset > this._logEndOffset) {
      throw new OffsetOutOfRangeError(startOffset, this._logStartOffset, this._logEndOffset, this.name);
    }
    const maxOffset = opts.maxOffset ?? Infinity;
    const minOne = opts.minOneBatch ?? true;
    if (startOffset === this._logEndOffset || startOffset >= maxOffset) return result(EMPTY_BUFFER, -1, startOffset);
    if (startOffset >= this.tail.firstOffset) {
      const c = this.tail.read(startOffset, maxBytes, maxOffset, minOne);
      if (c) return result(c.records, c.firstOffset, c.nextOffset);
    }
    const all = this.segments.all;
    for (let i = Math.max(0, this.segments.floorIndex(startOffset)); i < all.length; i++) {
      const r = all[i]!.read(startOffset, maxBytes, maxOffset, minOne, opts.allocate);
      if (r) return result(r.records, r.firstOffset, r.nextOffset);
    }
    return result(EMPTY_BUFFER, -1, startOffset);
  }

  /** A caller (the partition leader) advances the high watermark; clamped to [logStartOffset, logEndOffset]. */
  updateHighWatermark(offset: number): number {
    this._highWatermark = Math.min(Math.max(offset, this._logStartOffset), this._logEndOffset);
    return this._highWatermark;
  }

  /** ListOffsets by timestamp: the earliest record with timestamp >= ts (undefined when none). */
  offsetForTimestamp(ts: number): TimestampAndOffset | undefined {
    this.ensureOpen();
    return offsetForTimestamp(this.segments.all, ts, this._logStartOffset);
  }

  /** ListOffsets MAX_TIMESTAMP: the first record carrying the largest timestamp. */
  maxTimestampAndOffset(): TimestampAndOffset | undefined {
    this.ensureOpen();
    return maxTimestampAndOffset(this.segments.all, this._logStartOffset);
  }

  /**
   * Remove everything from `offset` on (follower truncation). A batch straddling `offset` goes
   * too, so the log end offset becomes the next offset after the last remaining batch.
   */
  truncateTo(offset: number): boolean {
    this.ensureOpen();
    if (offset < 0) throw new RangeError(`Cannot truncate ${this.name} to a negative offset ${offset}`);
    if (offset >= this._logEndOffset) return false;
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
    this.afterTruncation(true);
  }

  private afterTruncation(restart = false): void {
    this._logStartOffset = Math.min(this._logStartOffset, this._logEndOffset);
    this._highWatermark = Math.max(this._logStartOffset, Math.min(this._highWatermark, this._logEndOffset));
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
    for (const s of doomed) this.deleteSegmentFiles(s);
    this.maybeIncrementLogStartOffset(this.segments.first!.baseOffset);
  }

  /** @internal Rename to `.deleted` now, remove after file.delete.delay.ms (Kafka's asyncDeleteSegment). */
  deleteSegmentFiles(seg: LogSegment): void {
    const delay = this._config.fileDeleteDelayMs;
    if (delay <= 0) {
      seg.deleteFiles();
      return;
    }
    seg.changeFileSuffix(DELETED_SUFFIX);
    this.pendingDeletes.add(seg);
    this.ctx.scheduler.schedule(delay, () => {
      this.pendingDeletes.delete(seg);
      seg.deleteFiles();
    });
  }

  /** @internal The cleaner's swap: `replacement` takes the place of `old` (all closed segments). */
  replaceSegments(replacement: LogSegment, old: readonly LogSegment[]): void {
    this.segments.removeAll(old);
    for (const s of old) if (s.baseOffset !== replacement.baseOffset) this.deleteSegmentFiles(s);
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
    this._closed = true;
    for (const s of this.segments.all) s.close();
    this.releasePendingDeletes();
  }

  /** Release files without flushing or trimming anything: what a crash leaves (tests), or before deletion. */
  closeUncleanly(): void {
    if (this._closed) return;
    this.flusher.cancel();
    this._closed = true;
    for (const s of this.segments.all) s.closeFds();
    this.releasePendingDeletes();
  }

  /** Files of segments still waiting for deletion are left as `.deleted` for the next start to remove. */
  private releasePendingDeletes(): void {
    for (const s of this.pendingDeletes) s.closeFds();
    this.pendingDeletes.clear();
  }

  /** Close and remove the partition directory and everything in it. */
  delete(): void {
    this.closeUncleanly();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  toString(): string {
    return `PartitionLog(${this.name}, start=${this._logStartOffset}, end=${this._logEndOffset}, hw=${this._highWatermark}, segments=${this.segments.count})`;
  }
}
