/**
 * The fetch path's read of one segment file: from a position the offset index gave (at most about
 * index.interval.bytes before the wanted batch), find the batch holding the start offset and take
 * whole batches up to the byte limit. Usually a single pread: the first chunk read covers the
 * index gap plus maxBytes, and the result is a view of it.
 */
import { BATCH_OVERHEAD, readInt64 } from '../records/batch-header.js';
import { readFully } from './log-files.js';

export const EMPTY_BUFFER = Buffer.alloc(0);

/**
 * Small reads (the common fetch of a few KiB at the tail or a random offset) go through one
 * reusable scratch buffer and copy out just the batches returned: cheaper than allocating an
 * unpooled ArrayBuffer per read. Safe because reads are synchronous.
 */
const SCRATCH_LIMIT = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_LIMIT);

function readChunk(fd: number, pos: number, len: number): Buffer {
  return len <= SCRATCH_LIMIT ? readFully(fd, pos, len, scratch.subarray(0, len)) : readFully(fd, pos, len);
}

export interface SegmentRead {
  records: Buffer;
  /** Base offset of the first batch returned (-1 when no batch fitted). */
  firstOffset: number;
  /** Offset after the last batch returned. */
  nextOffset: number;
  /** File position of the first batch (for tests and diagnostics). */
  position: number;
}

export interface ReadLimits {
  startOffset: number;
  maxBytes: number;
  /** Exclusive: batches whose last offset is >= maxOffset are left out. */
  maxOffset: number;
  minOneBatch: boolean;
  /** Extra bytes read beyond maxBytes to cover the gap between the index entry and the batch. */
  slack: number;
}

/** Undefined when no batch from `pos` on reaches startOffset. */
export function readBatches(fd: number, pos: number, end: number, l: ReadLimits): SegmentRead | undefined {
  const chunkLen = Math.max(l.maxBytes, BATCH_OVERHEAD) + l.slack;
  let chunk = readChunk(fd, pos, Math.min(end - pos, chunkLen));
  let chunkStart = pos;
  // The first 27 bytes of the batch at `at` (offset, length, lastOffsetDelta) must be in `chunk`.
  const header = (at: number): boolean => {
    if (at + 27 <= chunkStart + chunk.length) return true;
    if (at + 27 > end) return false;
    chunk = readChunk(fd, at, Math.min(end - at, chunkLen));
    chunkStart = at;
    return true;
  };
  // Locate the batch holding startOffset.
  let firstOffset: number;
  for (;;) {
    if (!header(pos)) return undefined;
    const p = pos - chunkStart;
    const base = readInt64(chunk, p);
    if (base + chunk.readInt32BE(p + 23) >= l.startOffset) {
      firstOffset = base;
      break;
    }
    pos += chunk.readInt32BE(p + 8) + 12;
    if (pos >= end) return undefined;
  }
  // Take whole batches within the limits.
  const firstPos = pos;
  let total = 0;
  let nextOffset = l.startOffset;
  while (pos < end && (total < l.maxBytes || (total === 0 && l.minOneBatch))) {
    if (!header(pos)) break;
    const p = pos - chunkStart;
    const size = chunk.readInt32BE(p + 8) + 12;
    const last = readInt64(chunk, p) + chunk.readInt32BE(p + 23);
    if (last >= l.maxOffset) break;
    if (total + size > l.maxBytes && !(total === 0 && l.minOneBatch)) break;
    if (pos + size > end) break;
    total += size;
    pos += size;
    nextOffset = last + 1;
  }
  if (total === 0) return { records: EMPTY_BUFFER, firstOffset: -1, nextOffset: l.startOffset, position: firstPos };
  let records: Buffer;
  if (firstPos >= chunkStart && firstPos + total <= chunkStart + chunk.length) {
    records = chunk.subarray(firstPos - chunkStart, firstPos - chunkStart + total);
    if (chunk.buffer === scratch.buffer) records = Buffer.from(records);
  } else {
    records = readFully(fd, firstPos, total);
  }
  return { records, firstOffset, nextOffset, position: firstPos };
}
