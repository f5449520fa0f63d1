/**
 * Opening a partition directory (Kafka's LogLoader):
 *
 * 1. Remove leftovers: `.deleted` segments (deletion was pending), `.cleaned` files (a clean that
 *    never finished) and any `.swap` at or above the lowest `.cleaned` offset, stray `.tmp` files,
 *    and index files whose `.log` is gone.
 * 2. Complete interrupted swaps: a `.swap` segment is the finished output of the cleaner; the
 *    segments it replaces (base offsets within its range) are removed and it takes their place.
 * 3. Open every segment. After a clean shutdown nothing else is read except the active segment's
 *    last index entry and the batch headers after it (to find the log end offset).
 * 4. After an unclean stop, scan every segment from the one holding the recovery point: validate
 *    each batch (size, magic, CRC, increasing offsets), rebuild both indexes and the leader-epoch
 *    entries, truncate at the first invalid batch and drop every later segment, with a log line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LogConfig } from './log-config.js';
import type { LogContext } from './log-context.js';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LEADER_EPOCH_CHECKPOINT_FILE,
  LOG_SUFFIX,
  offsetFromFileName,
  segmentFilePath,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  TMP_SUFFIX,
  TXN_INDEX_SUFFIX,
  unlinkIfExists,
} from './log-files.js';
import { readInt64 } from '../records/batch-header.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { LogSegment, SegmentSettings } from './log-segment.js';
import { LogSegments } from './log-segments.js';

const SEGMENT_SUFFIXES = [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX];

export interface LoadParams {
  dir: string;
  name: string;
  config: LogConfig;
  recoveryPoint: number;
  /** From log-start-offset-checkpoint; undefined when absent. */
  logStartOffset?: number;
  hadCleanShutdown: boolean;
  ctx: LogContext;
}

export interface LoadedLog {
  segments: LogSegments;
  logEndOffset: number;
  logStartOffset: number;
  recoveryPoint: number;
  epochCache: LeaderEpochCache;
  /**
   * Recovery rescanned batches with a producer id (idempotent, transactional or markers): the
   * producer state must be replayed through the recovered segments. False when none were rescanned.
   */
  recoveredProducerBatches: boolean;
}

export const segmentSettings = (c: LogConfig): SegmentSettings => ({
  indexIntervalBytes: c.indexIntervalBytes,
  maxIndexSize: c.segmentIndexBytes,
});

export function rollJitter(c: LogConfig): number {
  return c.segmentJitterMs > 0 ? Math.floor(Math.random() * Math.min(c.segmentJitterMs, c.segmentMs)) : 0;
}

export function openSegment(p: Pick<LoadParams, 'dir' | 'config' | 'ctx'>, baseOffset: number, opts: { fresh?: boolean; suffix?: string } = {}): LogSegment {
  const seg = LogSegment.open(p.dir, baseOffset, segmentSettings(p.config), {
    created: p.ctx.clock.now(),
    rollJitterMs: rollJitter(p.config),
    ...opts,
  });
  seg.onIndexRebuild = (s, reason) => p.ctx.logger.warn(`${reason}; rebuilding the indexes of ${s.logFile}`);
  return seg;
}

export function loadLog(p: LoadParams): LoadedLog {
  const { dir, ctx } = p;
  const names = fs.readdirSync(dir);
  const swaps = removeTempFiles(dir, names);
  for (const base of swaps) completeSwap(p, base);

  const segments = new LogSegments();
  const present = new Set(fs.readdirSync(dir));
  for (const name of present) {
    if (!name.endsWith(LOG_SUFFIX)) continue;
    const base = offsetFromFileName(name);
    if (base < 0 || name !== path.basename(segmentFilePath(dir, base, LOG_SUFFIX))) continue;
    segments.add(openSegment(p, base));
  }
  for (const name of present) {
    // index files whose segment is gone
    for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
      if (name.endsWith(suffix) && !present.has(name.slice(0, -suffix.length) + LOG_SUFFIX)) unlinkIfExists(path.join(dir, name));
    }
  }

  const epochCache = LeaderEpochCache.load(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE));
  let recoveryPoint = p.recoveryPoint;
  // Segments that will not be scanned get their missing or torn index files rebuilt now.
  const firstScanned = p.hadCleanShutdown ? Infinity : Math.max(0, segments.floorIndex(recoveryPoint));
  segments.all.forEach((seg, i) => {
    if (i >= firstScanned) return;
    const problem = seg.indexFilesProblem();
    if (!problem) return;
    ctx.logger.warn(`${p.name}: ${problem}; rebuilding the indexes of ${seg.logFile}`);
    seg.rebuildIndexes();
    if (seg !== segments.last) seg.onBecomeInactive();
  });
  const recoveredProducerBatches = !p.hadCleanShutdown && segments.count > 0 && recoverSegments(p, segments, recoveryPoint, epochCache);

  const checkpointStart = p.logStartOffset ?? 0;
  let logEndOffset: number;
  if (segments.count === 0) {
    segments.add(openSegment(p, checkpointStart, { fresh: true }));
    logEndOffset = checkpointStart;
  } else {
    logEndOffset = segments.last!.readNextOffset();
  }
  let logStartOffset = Math.max(checkpointStart, segments.first!.baseOffset);
  if (logStartOffset > logEndOffset) {
    // Everything the checkpoint still counts was lost (or deleted): start empty at the checkpoint.
    ctx.logger.warn(`${p.name}: log start offset ${logStartOffset} is beyond the recovered log end offset ${logEndOffset}; starting empty at ${logStartOffset}`);
    for (const s of segments.all) s.deleteFiles();
    segments.clear();
    segments.add(openSegment(p, logStartOffset, { fresh: true }));
    logEndOffset = logStartOffset;
    epochCache.clear();
  }
  logStartOffset = Math.min(logStartOffset, logEndOffset);
  epochCache.truncateFromEnd(logEndOffset);
  epochCache.truncateFromStart(logStartOffset);
  recoveryPoint = p.hadCleanShutdown ? logEndOffset : Math.min(recoveryPoint, logEndOffset);
  segments.last!.makeActive();
  return { segments, logEndOffset, logStartOffset, recoveryPoint, epochCache, recoveredProducerBatches };
}

/** Step 1; returns the base offsets of valid `.swap` segments. */
function removeTempFiles(dir: string, names: string[]): number[] {
  let minCleaned = Infinity;
  const swaps: number[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(TMP_SUFFIX)) unlinkIfExists(file);
    else if (name.endsWith(CLEANED_SUFFIX)) {
      minCleaned = Math.min(minCleaned, offsetFromFileName(name));
      unlinkIfExists(file);
    } else if (name.endsWith(LOG_SUFFIX + SWAP_SUFFIX)) swaps.push(offsetFromFileName(name));
  }
  const valid: number[] = [];
  for (const base of swaps) {
    if (base >= minCleaned) {
      for (const s of SEGMENT_SUFFIXES) unlinkIfExists(segmentFilePath(dir, base, s, SWAP_SUFFIX));
    } else valid.push(base);
  }
  for (const name of names) {
    if ([INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX].some((x) => name.endsWith(x + SWAP_SUFFIX)) && !valid.includes(offsetFromFileName(name))) {
      unlinkIfExists(path.join(dir, name));
    }
  }
  return valid.sort((a, b) => a - b);
}

/** Step 2: the swap segment replaces every live segment whose base offset is inside its range. */
function completeSwap(p: LoadParams, base: number): void {
  const swap = openSegment(p, base, { suffix: SWAP_SUFFIX });
  swap.recover();
  const next = swap.readNextOffset();
  for (const name of fs.readdirSync(p.dir)) {
    if (!name.endsWith(LOG_SUFFIX)) continue;
    const b = offsetFromFileName(name);
    if (b >= base && b < next) {
      for (const s of SEGMENT_SUFFIXES) unlinkIfExists(segmentFilePath(p.dir, b, s));
    }
  }
  swap.changeFileSuffix('');
  swap.close();
  p.ctx.logger.info(`${p.name}: completed the interrupted replacement of segments [${base}, ${next}) by their cleaned copy`);
}

/** Step 4. */
/** Step 4; returns whether a recovered batch carried a producer id. */
function recoverSegments(p: LoadParams, segments: LogSegments, recoveryPoint: number, epochCache: LeaderEpochCache): boolean {
  const all = segments.all;
  let producerBatches = false;
  const recovered: LogSegment[] = [];
  let i = Math.max(0, segments.floorIndex(recoveryPoint));
  for (; i < all.length; i++) {
    const seg = all[i]!;
    recovered.push(seg);
    // Its aborted-transaction entries are written again by the producer-state rebuild that follows.
    seg.txnIndex.reset();
    seg.txnIndex.rebuilding = true;
    const result = seg.recover({
      onBatch: (b) => {
        if (!producerBatches && readInt64(b.buf, b.pos + 43) >= 0) producerBatches = true;
        const epoch = b.buf.readInt32BE(b.pos + 12);
        if (epoch >= 0 && epoch > epochCache.latestEpoch()) epochCache.assign(epoch, b.baseOffset);
      },
    });
    if (result.problem) {
      const later = all.slice(i + 1);
      const lost = result.truncatedBytes;
      p.ctx.logger.warn(
        `${p.name}: found an invalid batch in ${seg.logFile} at byte position ${result.problem.position} (${result.problem.reason}); ` +
          `truncated ${lost} byte(s) from there` +
          (later.length ? ` and removed ${later.length} later segment(s)` : '') +
          `; the log now ends at offset ${seg.readNextOffset()}`,
      );
      for (const s of later) {
        s.deleteFiles();
        segments.remove(s);
      }
      break;
    }
  }
  // Closed segments get their rebuilt indexes written now (the active one when it is flushed).
  for (const seg of recovered) if (seg !== segments.last) seg.onBecomeInactive();
  return producerBatches;
}
