/**
 * The background cleaner (Kafka's LogCleaner + LogCleanerManager, one cleaner thread): picks the
 * compacted log with the highest dirty ratio above its min.cleanable.dirty.ratio (or one whose
 * max.compaction.lag.ms has passed, or, when nothing is dirty, one holding tombstones whose delete
 * horizon has passed), cleans it with cleaner.ts, and records the first dirty offset per log in
 * cleaner-offset-checkpoint. Sleeps log.cleaner.backoff.ms when there is nothing to do.
 */
import { readInt64 } from '../../records/batch-header.js';
import { hasCompactPolicy, LONG_MAX } from '../log-config.js';
import type { Clock, LogLogger } from '../log-context.js';
import type { PartitionLog } from '../partition-log.js';
import { cleanLog, type CleanResult } from './cleaner.js';

export interface CleanerHost {
  allLogs(): PartitionLog[];
  readonly logger: LogLogger;
  readonly clock: Clock;
  checkpointCleanerOffsets(): void;
}

export interface CleanerOptions {
  dedupeBufferSize: number;
  loadFactor: number;
  /** Work between two yields to the event loop (default 1 MiB). */
  yieldEveryBytes?: number;
}

export interface CleanableState {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  cleanableBytes: number;
  ratio: number;
  needCompactionNow: boolean;
}

export class LogCleaner {
  private readonly dirty = new WeakMap<PartitionLog, number>();
  private readonly horizons = new WeakMap<PartitionLog, number>();
  private loop: Promise<void> | undefined;
  private current: Promise<unknown> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly host: CleanerHost,
    private readonly opts: CleanerOptions,
  ) {}

  setFirstDirtyOffset(log: PartitionLog, offset: number): void {
    this.dirty.set(log, offset);
  }

  /** Checkpointed first dirty offset (undefined for logs never cleaned). */
  firstDirtyOffset(log: PartitionLog): number | undefined {
    return hasCompactPolicy(log.config) ? this.dirty.get(log) : undefined;
  }

  forget(log: PartitionLog): void {
    this.dirty.delete(log);
    this.horizons.delete(log);
  }

  /** Where a clean of `log` would start and stop, and how dirty it is. */
  cleanableState(log: PartitionLog, nowMs = this.host.clock.now()): CleanableState {
    const c = log.config;
    let firstDirty = this.dirty.get(log) ?? log.logStartOffset;
    if (firstDirty < log.logStartOffset || firstDirty > log.logEndOffset) firstDirty = log.logStartOffset;
    let firstUncleanable = Math.min(log.lastStableOffset, log.activeSegment.baseOffset);
    const segs = log.segments.all;
    if (c.minCompactionLagMs > 0) {
      for (const s of log.segments.range(firstDirty, firstUncleanable)) {
        if (s.largestTimestamp() > nowMs - c.minCompactionLagMs) {
          firstUncleanable = Math.min(firstUncleanable, s.baseOffset);
          break;
        }
      }
    }
    firstUncleanable = Math.max(firstUncleanable, firstDirty);
    let cleanBytes = 0;
    let cleanableBytes = 0;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const end = segs[i + 1]?.baseOffset ?? log.logEndOffset;
      if (s === log.activeSegment) break;
      if (end <= firstDirty) cleanBytes += s.size;
      else if (s.baseOffset < firstUncleanable) cleanableBytes += s.size;
    }
    let needCompactionNow = false;
    if (c.maxCompactionLagMs < LONG_MAX && cleanableBytes > 0) {
      const first = log.segments.floor(firstDirty);
      const h = first?.readBytes(0, 61);
      if (h && h.length === 61 && nowMs - readInt64(h, 35) > c.maxCompactionLagMs) needCompactionNow = true;
    }
    const total = cleanBytes + cleanableBytes;
    return { firstDirtyOffset: firstDirty, firstUncleanableOffset: firstUncleanable, cleanBytes, cleanableBytes, ratio: total ? cleanableBytes / total : 0, needCompactionNow };
  }

  /** The log the cleaner would work on next, if any. */
  private grabFilthiestLog(nowMs: number): PartitionLog | undefined {
    let best: PartitionLog | undefined;
    let bestRatio = -1;
    const compacted = this.host.allLogs().filter((l) => !l.isClosed && hasCompactPolicy(l.config));
    for (const log of compacted) {
      const st = this.cleanableState(log, nowMs);
      if (st.cleanableBytes === 0) continue;
      if (!(st.needCompactionNow || st.ratio > log.config.minCleanableDirtyRatio || (log.config.minCleanableDirtyRatio === 0 && st.ratio > 0))) continue;
      const rank = st.needCompactionNow ? Infinity : st.ratio;
      if (rank > bestRatio) {
        best = log;
        bestRatio = rank;
      }
    }
    if (best) return best;
    // Nothing dirty: remove tombstones whose delete horizon has passed.
    return compacted.find((l) => (this.horizons.get(l) ?? Infinity) <= nowMs);
  }

  /** One round: clean the filthiest log. Undefined when there was nothing to clean. */
  async cleanOnce(nowMs = this.host.clock.now()): Promise<CleanResult | undefined> {
    const log = this.grabFilthiestLog(nowMs);
    return log ? this.clean(log, nowMs) : undefined;
  }

  /** Clean `log` now regardless of its dirty ratio (tests, tools). */
  async clean(log: PartitionLog, nowMs = this.host.clock.now()): Promise<CleanResult> {
    while (this.current) await this.current.catch(() => {});
    const run = this.doClean(log, nowMs);
    this.current = run;
    try {
      return await run;
    } finally {
      this.current = undefined;
    }
  }

  private async doClean(log: PartitionLog, nowMs: number): Promise<CleanResult> {
    const st = this.cleanableState(log, nowMs);
    const started = Date.now();
    const result = await cleanLog(log, {
      firstDirtyOffset: st.firstDirtyOffset,
      firstUncleanableOffset: st.firstUncleanableOffset,
      nowMs,
      dedupeBufferSize: this.opts.dedupeBufferSize,
      loadFactor: this.opts.loadFactor,
      yieldEveryBytes: this.opts.yieldEveryBytes,
      shouldAbort: () => this.stopping || log.isClosed,
    });
    if (result.aborted) {
      this.host.logger.info(`${log.name}: cleaning aborted`);
      return result;
    }
    if (result.endOffset > st.firstDirtyOffset || result.segmentsCleaned > 0) {
      this.dirty.set(log, result.endOffset);
      if (result.latestDeleteHorizonMs >= 0) this.horizons.set(log, result.latestDeleteHorizonMs);
      else this.horizons.delete(log);
      this.host.checkpointCleanerOffsets();
      this.host.logger.info(
        `${log.name}: cleaned ${result.segmentsCleaned} segment(s) up to offset ${result.endOffset} in ${Date.now() - started} ms: ` +
          `${result.bytesRead} bytes read, ${result.bytesWritten} written, ${result.recordsRetained}/${result.recordsRead} records kept`,
      );
    }
    return result;
  }

  /** Run cleanOnce in a loop, sleeping `backoffMs` when idle, until stop(). */
  start(backoffMs: number): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = (async () => {
      while (!this.stopping) {
        let worked = false;
        try {
          worked = (await this.cleanOnce()) !== undefined;
        } catch (e) {
          this.host.logger.error(`Log cleaner error: ${(e as Error).stack ?? e}`);
        }
        if (!worked && !this.stopping) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.max(1, backoffMs));
            t.unref();
            this.wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          this.wake = undefined;
        }
      }
    })();
  }

  /** Stop the loop and wait for a clean in progress to abort. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.current?.catch(() => {});
    this.loop = undefined;
  }
}
