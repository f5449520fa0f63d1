/**
 * What a partition log answers without changing anything: its offsets, reads, timestamp lookups and
 * the transactional view (last stable offset, aborted transactions, producers). Opening loads the
 * segments (recovering them after an unclean stop) and the producer state. PartitionLog adds
 * everything that changes the log.
 *
 *   logStartOffset <= lastStableOffset <= highWatermark <= logEndOffset,   recoveryPoint <= logEndOffset
 */
import { LogClosedError, OffsetOutOfRangeError } from './errors.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogConfig } from './log-config.js';
import type { LogContext } from './log-context.js';
import { LogFlusher } from './log-flusher.js';
import { loadLog } from './log-loader.js';
import { readLog } from './log-read.js';
import { EMPTY_BUFFER, type LogSegment } from './log-segment.js';
import type { LogSegments } from './log-segments.js';
import { maxTimestampAndOffset, offsetForTimestamp } from './log-timestamps.js';
import { resolveTopicId } from './partition-metadata.js';
import { collectAbortedTransactions, producerSummaries } from './producer-state/partition-transactions.js';
import { loadProducerState } from './producer-state/producer-state-loader.js';
import { DEFAULT_PRODUCER_ID_EXPIRATION_MS, ProducerStateManager } from './producer-state/producer-state-manager.js';
import { TailCache } from './tail-cache.js';
import type { AbortedTxn, PartitionLogOptions, ProducerSummary, ReadOptions, ReadResult, TimestampAndOffset } from './partition-log-types.js';

export const DEFAULT_TAIL_CACHE_BYTES = 1024 * 1024;

export abstract class PartitionLogView {
  readonly topic: string;
  readonly partition: number;
  readonly name: string;
  readonly ctx: LogContext;
  readonly segments: LogSegments;
  readonly leaderEpochCache: LeaderEpochCache;
  protected _config: LogConfig;
  protected _topicId: string | undefined;
  protected _logStartOffset: number;
  protected _logEndOffset: number;
  protected _highWatermark: number;
  protected readonly tail: TailCache;
  protected readonly flusher: LogFlusher;
  /** Producers, their open transactions and the snapshot files (idempotence and transactions). */
  readonly producerState: ProducerStateManager;
  protected _closed = false;

  protected constructor(readonly dir: string, opts: PartitionLogOptions, ctx: LogContext) {
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
    this.producerState = new ProducerStateManager(dir, this.name, opts.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS, ctx.logger);
    const hadCleanShutdown = opts.hadCleanShutdown ?? false;
    loadProducerState(this.producerState, {
      segments: this.segments,
      logStartOffset: this._logStartOffset,
      logEndOffset: this._logEndOffset,
      hadCleanShutdown,
      recoveredProducerBatches: loaded.recoveredProducerBatches,
      nowMs: ctx.clock.now(),
    });
    this.producerState.onHighWatermarkUpdated(this._highWatermark);
    this.tail = new TailCache(opts.tailCacheBytes ?? DEFAULT_TAIL_CACHE_BYTES);
    this._topicId = resolveTopicId(dir, opts.topicId);
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
   * The last stable offset: below it every transaction is decided and its marker replicated
   * (read_committed consumers read up to here): the first unstable offset, capped by the high
   * watermark.
   */
  get lastStableOffset(): number {
    const first = this.producerState.firstUnstableOffset();
    return first >= 0 && first < this._highWatermark ? first : this._highWatermark;
  }

  /** Aborted transactions overlapping [startOffset, upperBoundOffset) (Fetch v4+, read_committed). */
  abortedTransactions(startOffset: number, upperBoundOffset: number): AbortedTxn[] {
    return collectAbortedTransactions(this.segments, startOffset, upperBoundOffset);
  }

  /** The producers this partition remembers (DescribeProducers). */
  activeProducers(): ProducerSummary[] {
    return producerSummaries(this.producerState);
  }

  /** Whether the producer has an open transaction on this partition (KIP-890 verification fast path). */
  hasOngoingTransaction(producerId: number): boolean {
    return this.producerState.hasOngoingTransaction(producerId);
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

  protected ensureOpen(): void {
    if (this._closed) throw new LogClosedError(this.name);
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
    if (startOffset < this._logStartOffset || startOffset > this._logEndOffset) {
      throw new OffsetOutOfRangeError(startOffset, this._logStartOffset, this._logEndOffset, this.name);
    }
    const r = startOffset === this._logEndOffset ? { records: EMPTY_BUFFER, firstOffset: -1, nextOffset: startOffset } : readLog(this.segments, this.tail, startOffset, maxBytes, opts);
    return {
      records: r.records,
      firstOffset: r.firstOffset,
      nextOffset: r.nextOffset,
      logStartOffset: this._logStartOffset,
      logEndOffset: this._logEndOffset,
      highWatermark: this._highWatermark,
      lastStableOffset: this.lastStableOffset,
    };
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

  toString(): string {
    return `PartitionLog(${this.name}, start=${this._logStartOffset}, end=${this._logEndOffset}, hw=${this._highWatermark}, segments=${this.segments.count})`;
  }
}
