/**
 * Validating a segment and its indexes: the full scan recovery runs after an unclean stop (and
 * when an index must be rebuilt), and the cheap checks deciding whether an index can be trusted.
 */
import { readInt64 } from '../records/batch-header.js';
import { type FileBatch, FileBatchReader, type ScanProblem } from './file-batches.js';
import { fileSizeOrMinus1 } from './log-files.js';
import { IndexCorruptError } from './log-index.js';
import type { OffsetIndex } from './offset-index.js';
import { NO_TIMESTAMP, type TimeIndex, type TimestampOffset } from './time-index.js';

const INT32_MAX = 0x7fffffff;

export interface SegmentScan {
  /** Bytes from the start of the file that hold valid batches. */
  validBytes: number;
  /** Position of the last offset-index entry written (0 if none). */
  lastIndexEntry: number;
  maxTs: TimestampOffset;
  /** Max timestamp of the first batch (segment.ms rolling), undefined when empty. */
  firstBatchMaxTs: number | undefined;
  problem?: ScanProblem;
}

/**
 * Read every batch of the file checking framing, magic, CRC and that offsets increase within
 * [baseOffset, baseOffset + 2^31), appending index entries (into the empty indexes given) exactly
 * as appends would have. Stops at the first invalid batch and reports it.
 */
export function scanSegment(
  fd: number,
  size: number,
  baseOffset: number,
  oi: OffsetIndex,
  ti: TimeIndex,
  indexIntervalBytes: number,
  onBatch?: (b: FileBatch) => void,
): SegmentScan {
  let maxTs: TimestampOffset = { timestamp: NO_TIMESTAMP, offset: baseOffset };
  let validBytes = 0;
  let lastIndexEntry = 0;
  let prevLast = baseOffset - 1;
  let firstBatchMaxTs: number | undefined;
  const r = new FileBatchReader(fd, 0, size, 'full');
  for (let b = r.next(); b; b = r.next()) {
    if (b.baseOffset <= prevLast || b.lastOffset - baseOffset > INT32_MAX) {
      r.reject(b, `offsets ${b.baseOffset}..${b.lastOffset} out of order after ${prevLast} (segment base ${baseOffset})`);
      break;
    }
    const batchMaxTs = readInt64(b.buf, b.pos + 35);
    if (batchMaxTs > maxTs.timestamp) maxTs = { timestamp: batchMaxTs, offset: b.lastOffset };
    if (validBytes - lastIndexEntry > indexIntervalBytes && !oi.isFull() && !ti.isFull()) {
      oi.append(b.lastOffset, validBytes);
      ti.maybeAppend(maxTs.timestamp, maxTs.offset);
      lastIndexEntry = validBytes;
    }
    if (validBytes === 0) firstBatchMaxTs = batchMaxTs;
    validBytes += b.size;
    prevLast = b.lastOffset;
    onBatch?.(b);
  }
  return { validBytes, lastIndexEntry, maxTs, firstBatchMaxTs, problem: r.problem };
}

/** Missing index files, or ones that are not a whole number of entries (two stats, no reads). */
export function indexFilesProblem(oi: OffsetIndex, ti: TimeIndex): string | undefined {
  for (const idx of [oi, ti]) {
    const size = fileSizeOrMinus1(idx.file);
    if (size < 0) return `${idx.file} is missing`;
    if (size % idx.entrySize !== 0) return `${idx.file} has ${size} bytes, not a multiple of ${idx.entrySize}`;
  }
  return undefined;
}

/**
 * Checks of freshly loaded indexes against the segment (their own entries were checked for
 * monotonicity on load): entries must point inside the log, and a segment much bigger than the
 * index interval cannot have an empty offset index.
 */
export function checkIndexesAgainstLog(oi: OffsetIndex, ti: TimeIndex, segmentSize: number, indexIntervalBytes: number): void {
  if (oi.entries > 0 && oi.lastPosition >= segmentSize) {
    throw new IndexCorruptError(oi.file, `last entry points at ${oi.lastPosition}, beyond the segment size ${segmentSize}`);
  }
  if (ti.entries > 0 && ti.lastEntry().offset - ti.baseOffset > INT32_MAX) {
    throw new IndexCorruptError(ti.file, 'last entry offset out of range');
  }
  if (oi.entries === 0 && segmentSize > 2 * Math.max(indexIntervalBytes, 4096) + 16 * 1024 * 1024) {
    throw new IndexCorruptError(oi.file, `empty for a segment of ${segmentSize} bytes`);
  }
}
