/**
 * One compaction of one log (Kafka's Cleaner.doClean), for closed segments only:
 *
 * 1. Offset map: read the dirty segments [firstDirty, firstUncleanable) and record each key's
 *    latest offset, as many whole segments as the map's memory allows (the first one partly if it
 *    alone does not fit); the clean then covers offsets below `endOffset`.
 * 2. Rewrite every segment below `endOffset`, in groups that fit in one segment: a record survives
 *    if it is the latest for its key (or beyond the map's range), and a tombstone only until its
 *    batch's delete horizon (set to now + delete.retention.ms the first time a clean keeps it).
 *    Batches keep their offsets; a batch losing all its records disappears, unless it is the last
 *    data batch of a producer the partition still remembers (then an empty header stays, so the
 *    producer's sequence survives). Transactions (cleaned-transactions.ts): batches of aborted
 *    transactions are removed (and their keys never enter the offset map), markers stay until
 *    delete.retention.ms after the clean that found their transaction's data gone. The cleanable
 *    range never goes beyond the first unstable offset (log-cleaner.ts).
 * 3. Each group's output is written as `<base>.log.cleaned` (+ indexes), fsync'ed, renamed
 *    `.swap`, and swapped in for the group's segments, which are renamed `.deleted`. A crash at any
 *    point is recovered by the log loader (`.cleaned` dropped, `.swap` completed).
 *
 * Work yields to the event loop every `yieldEveryBytes`, so appends and fetches are never held up
 * for more than a few milliseconds, and the swap re-checks that the group's segments are still in
 * the log unchanged (retention, truncation or deletion may have happened in between).
 */
import { batchAttributes, isControl, isTransactional, readBatchHeader, readInt64 } from '../../records/batch-header.js';
import { parseControlKey } from '../../records/control.js';
import { decodeBatch, type KafkaRecord } from '../../records/record-batch.js';
import { CLEANED_SUFFIX, fsyncDir, SWAP_SUFFIX } from '../log-files.js';
import { openSegment } from '../log-loader.js';
import type { LogSegment } from '../log-segment.js';
import type { PartitionLog } from '../partition-log.js';
import { buildEmptyBatch, buildRetainedBatch, hasDeleteHorizon } from './batch-writer.js';
import { OffsetMap } from './offset-map.js';
import { CleanedTransactions } from './cleaned-transactions.js';
import type { AbortedTxnEntry, TransactionIndex } from '../transaction-index.js';

/** Aborted transactions with data in [from, to), from every segment's index. */
function abortedIn(log: PartitionLog, from: number, to: number): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (const seg of log.segments.all) for (const e of seg.txnIndex.all()) if (e.lastOffset >= from && e.firstOffset < to) out.push(e);
  return out;
}

function transactionsOf(log: PartitionLog, from: number, to: number, cleanedIndex?: TransactionIndex): CleanedTransactions {
  return new CleanedTransactions(abortedIn(log, from, to), cleanedIndex);
}

const controlTypeOf = (record: KafkaRecord | undefined): number | undefined => (record ? parseControlKey(record.key).type : undefined);

export interface CleanParams {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  nowMs: number;
  dedupeBufferSize: number;
  loadFactor: number;
  yieldEveryBytes?: number;
  shouldAbort: () => boolean;
}

export interface CleanResult {
  /** Offsets below this are now clean (the next clean's first dirty offset). */
  endOffset: number;
  segmentsCleaned: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  /** Latest delete horizon of tombstones still in the log (-1 if none were kept). */
  latestDeleteHorizonMs: number;
  mapEntries: number;
  aborted: boolean;
}

const INT32_MAX = 0x7fffffff;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

class Yielder {
  private since = 0;
  constructor(private readonly every: number, private readonly abort: () => boolean) {}
  /** Count bytes of work; true when the clean must stop. */
  async work(bytes: number): Promise<boolean> {
    this.since += bytes;
    if (this.since < this.every) return false;
    this.since = 0;
    await tick();
    return this.abort();
  }
}

export async function cleanLog(log: PartitionLog, p: CleanParams): Promise<CleanResult> {
  const result: CleanResult = {
    endOffset: p.firstDirtyOffset,
    segmentsCleaned: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRead: 0,
    recordsRetained: 0,
    latestDeleteHorizonMs: -1,
    mapEntries: 0,
    aborted: false,
  };
  const y = new Yielder(p.yieldEveryBytes ?? 1024 * 1024, p.shouldAbort);
  const active = log.activeSegment;
  // With nothing dirty the clean still rewrites the clean segments (expired tombstones).
  const dirty = log.segments.range(p.firstDirtyOffset, p.firstUncleanableOffset).filter((s) => s !== active && s.baseOffset < p.firstUncleanableOffset);

  // 1. offset map
  const span = (s: LogSegment): number => (log.segments.next(s)?.baseOffset ?? log.logEndOffset) - Math.max(s.baseOffset, p.firstDirtyOffset);
  const expected = dirty.reduce((n, s) => n + span(s), 0);
  const map = new OffsetMap(p.dedupeBufferSize, p.loadFactor, expected);
  let endOffset = dirty.length ? p.firstUncleanableOffset : p.firstDirtyOffset;
  const mapTxns = transactionsOf(log, p.firstDirtyOffset, p.firstUncleanableOffset);
  outer: for (const seg of dirty) {
    if (map.size > 0 && map.size + span(seg) > map.maxEntries) {
      endOffset = seg.baseOffset;
      break;
    }
    const r = seg.batchReader('full');
    for (let b = r.next(); b; b = r.next()) {
      if (b.lastOffset < p.firstDirtyOffset) continue;
      if (b.baseOffset >= p.firstUncleanableOffset) break outer;
      result.bytesRead += b.size;
      const attributes = batchAttributes(b.buf, b.pos);
      if (isControl(attributes)) {
        mapTxns.onControlBatchRead(readInt64(b.buf, b.pos + 43), b.lastOffset, controlTypeOf(decodeBatch(b.buf, b.pos, { verifyCrc: false }).records[0]));
      } else if (!mapTxns.onBatchRead(readInt64(b.buf, b.pos + 43), isTransactional(attributes), b.lastOffset)) {
        const records = decodeBatch(b.buf, b.pos, { verifyCrc: false }).records;
        if (map.size + records.length > map.maxEntries) {
          endOffset = b.baseOffset;
          break outer;
        }
        for (const rec of records) if (rec.key && rec.offset >= p.firstDirtyOffset && rec.offset < p.firstUncleanableOffset) map.put(rec.key, rec.offset);
      }
      if ((await y.work(b.size)) || seg.isClosed) return { ...result, aborted: true };
    }
    if (r.problem) throw new Error(`${log.name}: cannot clean ${seg.logFile}: ${r.problem.reason} at byte ${r.problem.position}`);
  }
  endOffset = Math.min(endOffset, p.firstUncleanableOffset);
  result.mapEntries = map.size;
  if (endOffset <= log.logStartOffset) return result;

  // the last data batch of every producer the partition remembers survives, even emptied
  const lastBatchOfProducer = new Map<number, number>();
  for (const [pid, e] of log.producerState.producers) if (e.lastDataOffset >= 0) lastBatchOfProducer.set(pid, e.lastDataOffset);

  // 2-3. rewrite in groups
  const toClean = log.segments.all.filter((s) => s !== log.activeSegment && s.baseOffset < endOffset);
  for (const group of groupSegments(log, toClean)) {
    const ok = await cleanGroup(log, group, map, endOffset, lastBatchOfProducer, p, result, y);
    if (!ok) return { ...result, aborted: true };
    result.segmentsCleaned += group.length;
  }
  result.endOffset = endOffset;
  return result;
}

/** Consecutive segments whose total size fits in segment.bytes and offsets in int32 of the first. */
function groupSegments(log: PartitionLog, segs: LogSegment[]): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segs.length) {
    const group = [segs[i]!];
    let size = segs[i]!.size;
    i++;
    while (i < segs.length) {
      const s = segs[i]!;
      const end = log.segments.next(s)?.baseOffset ?? log.logEndOffset;
      if (size + s.size > log.config.segmentBytes || end - 1 - group[0]!.baseOffset > INT32_MAX) break;
      group.push(s);
      size += s.size;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

async function cleanGroup(
  log: PartitionLog,
  group: LogSegment[],
  map: OffsetMap,
  endOffset: number,
  lastBatchOfProducer: Map<number, number>,
  p: CleanParams,
  result: CleanResult,
  y: Yielder,
): Promise<boolean> {
  const sizes = group.map((s) => s.size);
  const cleaned = openSegment({ dir: log.dir, config: log.config, ctx: log.ctx }, group[0]!.baseOffset, { fresh: true, suffix: CLEANED_SUFFIX });
  cleaned.makeActive();
  const abandon = (): false => {
    cleaned.deleteFiles();
    return false;
  };
  const now = p.nowMs;
  const groupEnd = log.segments.next(group[group.length - 1]!)?.baseOffset ?? log.logEndOffset;
  const txns = transactionsOf(log, group[0]!.baseOffset, groupEnd, cleaned.txnIndex);
  const keep = (rec: KafkaRecord, horizon: number | undefined): boolean => {
    if (rec.offset >= endOffset) return true;
    if (!rec.key) return false; // keyless records have no place in a compacted log
    if (map.get(rec.key) > rec.offset) return false;
    if (rec.value === null) return horizon === undefined || now < horizon;
    return true;
  };
  for (const seg of group) {
    const r = seg.batchReader('full');
    for (let b = r.next(); b; b = r.next()) {
      const bytes = b.buf.subarray(b.pos, b.pos + b.size);
      result.bytesRead += b.size;
      let out: Buffer | undefined = bytes;
      const h = readBatchHeader(bytes, 0);
      const lastOffset = h.baseOffset + h.lastOffsetDelta;
      const lastOfProducer = h.producerId >= 0 && lastBatchOfProducer.get(h.producerId) === lastOffset;
      if (isControl(h.attributes)) {
        const records = decodeBatch(bytes, 0, { verifyCrc: false }).records;
        const removable = txns.onControlBatchRead(h.producerId, lastOffset, controlTypeOf(records[0]));
        const horizon = hasDeleteHorizon(h.attributes) ? h.baseTimestamp : undefined;
        if (removable && ((horizon !== undefined && horizon <= now) || records.length === 0)) out = undefined;
        else if (removable && horizon === undefined && records.length > 0) {
          // the transaction's data is gone: the marker stays delete.retention.ms more
          const newHorizon = now + log.config.deleteRetentionMs;
          out = buildRetainedBatch(h, records, newHorizon);
          result.latestDeleteHorizonMs = Math.max(result.latestDeleteHorizonMs, newHorizon);
        } else if (horizon !== undefined) result.latestDeleteHorizonMs = Math.max(result.latestDeleteHorizonMs, horizon);
      } else if (txns.onBatchRead(h.producerId, isTransactional(h.attributes), lastOffset)) {
        // a batch of an aborted transaction
        out = lastOfProducer ? buildEmptyBatch(h) : undefined;
      } else {
        const records = decodeBatch(bytes, 0, { verifyCrc: false }).records;
        const horizon = hasDeleteHorizon(h.attributes) ? h.baseTimestamp : undefined;
        const retained = records.filter((rec) => keep(rec, horizon));
        const tombstones = retained.some((rec) => rec.value === null);
        const newHorizon = tombstones && horizon === undefined ? now + log.config.deleteRetentionMs : horizon;
        if (tombstones) result.latestDeleteHorizonMs = Math.max(result.latestDeleteHorizonMs, newHorizon!);
        result.recordsRead += records.length;
        result.recordsRetained += retained.length;
        if (retained.length === 0) {
          out = lastOfProducer ? buildEmptyBatch(h) : undefined;
        } else if (retained.length !== records.length || newHorizon !== horizon) {
          out = buildRetainedBatch(h, retained, newHorizon);
        }
      }
      if (out) {
        cleaned.append(out);
        result.bytesWritten += out.length;
      }
      // (a segment deleted meanwhile, e.g. by retention, ends this clean; the next one starts over)
      if ((await y.work(b.size)) || seg.isClosed) return abandon();
    }
    if (r.problem) {
      log.ctx.logger.error(`${log.name}: cannot clean ${seg.logFile}: ${r.problem.reason} at byte ${r.problem.position}`);
      return abandon();
    }
  }
  cleaned.onBecomeInactive();
  await cleaned.flushAsync();
  // The swap: the group must still be in the log, closed and unchanged.
  const intact = () =>
    !log.isClosed && group.every((s, i) => log.segments.contains(s) && s !== log.activeSegment && s.size === sizes[i] && !s.isClosed);
  if (p.shouldAbort() || !intact()) return abandon();
  cleaned.changeFileSuffix(SWAP_SUFFIX);
  fsyncDir(log.dir);
  log.replaceSegments(cleaned, group);
  fsyncDir(log.dir);
  return true;
}
