/**
 * The fetch path's read of one segment file: from a position the offset index gave, find the batch
 * holding the start offset and take whole batches up to the byte limit.
 *
 * The index maps a batch's *last* offset to its start, so for a consumer reading sequentially the
 * lookup lands on the batch before the one wanted, which may be as large as a whole produce request
 * (~1 MB). Reading "index gap + maxBytes" in one go would therefore read that batch for nothing,
 * and often miss the end of the wanted one. Instead:
 *
 * 1. Locate: hop from header to header with small probe reads into a reused scratch buffer.
 * 2. Collect: large batches (a produce request each) are measured by further probes and then read
 *    with one pread of exactly the bytes served, straight into the buffer handed to the socket.
 *    Small batches are read as one chunk of up to maxBytes from the first wanted batch and walked
 *    in memory, so a fetch of thousands of tiny batches is still one pread.
 *
 * `segmentReadStats` counts bytes read against bytes served (the over-read the design bounds).
 */
import { BATCH_OVERHEAD, readInt64 } from '../records/batch-header.js';
import { readFully } from './log-files.js';

export const EMPTY_BUFFER = Buffer.alloc(0);

/** A probe reads one page: enough for a header, and for several small batches. */
const PROBE_BYTES = 4096;
/**
 * Reads up to this size go through one reusable scratch buffer and the result is copied out: cheaper
 * than allocating an unpooled ArrayBuffer per read (each one also counts toward V8's external-memory
 * GC trigger). Safe because reads are synchronous and nothing keeps a view of the scratch.
 */
const SCRATCH_BYTES = 64 * 1024;
const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
/** A first batch at least this large switches collection to probe-and-read-exactly. */
const LARGE_BATCH_BYTES = 16 * 1024;

/** Bytes read from segment files by fetches and bytes returned by them (diagnostics and tests). */
export const segmentReadStats = { reads: 0, bytesRead: 0, bytesServed: 0 };

function pread(fd: number, pos: number, len: number, into?: Buffer): Buffer {
  const b = readFully(fd, pos, len, into);
  segmentReadStats.reads++;
  segmentReadStats.bytesRead += b.length;
  return b;
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
  /** Memory for results too large for the scratch buffer (default: fresh). */
  allocate?: (size: number) => Buffer;
}

/**
 * Batch headers of one file through a scratch window: a header outside the window costs one probe
 * read at its position, growing while batches stay small (the window keeps running out mid-batch)
 * and back to a page after a hop over a large batch.
 */
class HeaderProbe {
  buf: Buffer = EMPTY_BUFFER;
  start = 0;
  private probeLen = PROBE_BYTES;

  constructor(
    private readonly fd: number,
    private readonly end: number,
  ) {}

  /** Index in `buf` of the first 27 bytes (offset, length, lastOffsetDelta) of the batch at `at`; -1 past the end. */
  at(at: number): number {
    if (at >= this.start && at + 27 <= this.start + this.buf.length) return at - this.start;
    if (at + 27 > this.end) return -1;
    const dense = this.buf.length > 0 && at < this.start + this.buf.length + PROBE_BYTES;
    this.probeLen = dense ? Math.min(this.probeLen * 2, SCRATCH_BYTES) : PROBE_BYTES;
    this.buf = pread(this.fd, at, Math.min(this.end - at, this.probeLen), scratch.subarray(0, this.probeLen));
    this.start = at;
    return this.buf.length >= 27 ? 0 : -1;
  }
}

/** Undefined when no batch from `pos` on reaches startOffset. */
export function readBatches(fd: number, pos: number, end: number, l: ReadLimits): SegmentRead | undefined {
  const probe = new HeaderProbe(fd, end);
  // 1. Locate the batch holding startOffset.
  let p: number;
  for (;;) {
    p = probe.at(pos);
    if (p < 0) return undefined;
    if (readInt64(probe.buf, p) + probe.buf.readInt32BE(p + 23) >= l.startOffset) break;
    pos += probe.buf.readInt32BE(p + 8) + 12;
    if (pos >= end) return undefined;
  }
  const firstPos = pos;
  const firstOffset = readInt64(probe.buf, p);
  const firstSize = probe.buf.readInt32BE(p + 8) + 12;
  const nothing = (): SegmentRead => ({ records: EMPTY_BUFFER, firstOffset: -1, nextOffset: l.startOffset, position: firstPos });

  // 2. Collect whole batches within the limits.
  if (firstSize >= LARGE_BATCH_BYTES || firstSize > l.maxBytes) {
    let total = 0;
    let nextOffset = l.startOffset;
    while (pos < end && (total < l.maxBytes || (total === 0 && l.minOneBatch))) {
      const h = probe.at(pos);
      if (h < 0) break;
      const size = probe.buf.readInt32BE(h + 8) + 12;
      const last = readInt64(probe.buf, h) + probe.buf.readInt32BE(h + 23);
      if (last >= l.maxOffset || pos + size > end) break;
      if (total + size > l.maxBytes && !(total === 0 && l.minOneBatch)) break;
      total += size;
      pos += size;
      nextOffset = last + 1;
    }
    if (total === 0) return nothing();
    const records = total <= SCRATCH_BYTES ? Buffer.from(pread(fd, firstPos, total, scratch.subarray(0, total))) : pread(fd, firstPos, total, l.allocate?.(total));
    segmentReadStats.bytesServed += total;
    return { records, firstOffset, nextOffset, position: firstPos };
  }

  // Small batches: one chunk from the first wanted batch covers everything that can be served.
  const chunkLen = Math.min(end - firstPos, Math.max(l.maxBytes, firstSize));
  const small = chunkLen <= SCRATCH_BYTES;
  const chunk = pread(fd, firstPos, chunkLen, small ? scratch.subarray(0, chunkLen) : l.allocate?.(chunkLen));
  let total = 0;
  let nextOffset = l.startOffset;
  while (total + 27 <= chunk.length && (total < l.maxBytes || (total === 0 && l.minOneBatch))) {
    const size = chunk.readInt32BE(total + 8) + 12;
    const last = readInt64(chunk, total) + chunk.readInt32BE(total + 23);
    if (last >= l.maxOffset || total + size > chunk.length) break;
    if (total + size > l.maxBytes && !(total === 0 && l.minOneBatch)) break;
    total += size;
    nextOffset = last + 1;
  }
  if (total === 0) return nothing();
  segmentReadStats.bytesServed += total;
  // A view of a fresh chunk much larger than the answer would pin the difference until the socket
  // is done; pooled memory is recycled after the write anyway.
  const copy = small || (!l.allocate && total < chunk.length / 2);
  return { records: copy ? Buffer.from(chunk.subarray(0, total)) : chunk.subarray(0, total), firstOffset, nextOffset, position: firstPos };
}
