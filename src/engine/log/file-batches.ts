/**
 * Walking the record batches of a segment file without decoding records.
 *
 * `FileBatchReader` reads the file in chunks and hands out one batch at a time as a view into the
 * chunk: in `headers` mode only the 61-byte header is guaranteed to be in memory (scans for an
 * offset, a timestamp, the next offset); in `full` mode the whole batch is (recovery, the cleaner,
 * dump-log). It stops at the first framing problem and reports it instead of throwing, so recovery
 * can truncate there.
 */
import {
  BATCH_OVERHEAD,
  batchCrcValid,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  readInt64,
} from '../records/batch-header.js';
import { readFully } from './log-files.js';

export interface FileBatch {
  /** Byte position of the batch in the file. */
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  /** Memory holding the batch header (and in full mode the whole batch) at `pos`. */
  buf: Buffer;
  pos: number;
}

export type ScanProblem = { position: number; reason: string; truncated: boolean };

const HEADER_CHUNK = 16 * 1024;
const FULL_CHUNK = 1024 * 1024;

export class FileBatchReader {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;
  private pos: number;
  /** Set when next() returned undefined because of bad data (not a clean end). */
  problem: ScanProblem | undefined;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
    private readonly mode: 'headers' | 'full',
    private readonly opts: { checkCrc?: boolean; chunkSize?: number } = {},
  ) {
    this.pos = start;
  }

  get position(): number {
    return this.pos;
  }

  /** Make bytes [at, at+len) available in the chunk; false when the file ends first. */
  private ensure(at: number, len: number): boolean {
    if (at + len > this.end) return false;
    if (at >= this.chunkStart && at + len <= this.chunkStart + this.chunk.length) return true;
    const want = Math.min(this.end - at, Math.max(len, this.opts.chunkSize ?? (this.mode === 'full' ? FULL_CHUNK : HEADER_CHUNK)));
    this.chunk = readFully(this.fd, at, want);
    this.chunkStart = at;
    return this.chunk.length >= len;
  }

  next(): FileBatch | undefined {
    if (this.problem || this.pos >= this.end) return undefined;
    const at = this.pos;
    const fail = (reason: string, truncated: boolean): undefined => {
      this.problem = { position: at, reason, truncated };
      return undefined;
    };
    if (!this.ensure(at, LOG_OVERHEAD)) return fail(`${this.end - at} trailing bytes are too few for a batch header`, true);
    let p = at - this.chunkStart;
    const size = this.chunk.readInt32BE(p + 8) + LOG_OVERHEAD;
    if (size < BATCH_OVERHEAD) return fail(`batch length ${size - LOG_OVERHEAD} is below the minimum ${BATCH_OVERHEAD - LOG_OVERHEAD}`, false);
    if (at + size > this.end) {
      // A batch running past the end of the file is a torn write, unless its header is garbage.
      if (!this.ensure(at, Math.min(BATCH_OVERHEAD, this.end - at))) return fail('unreadable', true);
      p = at - this.chunkStart;
      const magicKnown = this.end - at > MAGIC_OFFSET;
      if (magicKnown && this.chunk.readInt8(p + MAGIC_OFFSET) !== CURRENT_MAGIC) return fail(`magic ${this.chunk.readInt8(p + MAGIC_OFFSET)}`, false);
      return fail(`batch of ${size} bytes runs ${at + size - this.end} bytes past the end of the file`, true);
    }
    if (!this.ensure(at, this.mode === 'full' ? size : BATCH_OVERHEAD)) return fail('unreadable', true);
    p = at - this.chunkStart;
    const magic = this.chunk.readInt8(p + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) return fail(`magic ${magic} (only magic 2 batches are supported)`, false);
    const lastOffsetDelta = this.chunk.readInt32BE(p + 23);
    if (lastOffsetDelta < 0) return fail(`negative last offset delta ${lastOffsetDelta}`, false);
    if (this.mode === 'full' && this.opts.checkCrc !== false && !batchCrcValid(this.chunk.subarray(p, p + size))) {
      return fail('CRC mismatch', false);
    }
    const baseOffset = readInt64(this.chunk, p);
    this.pos = at + size;
    return { position: at, size, baseOffset, lastOffset: baseOffset + lastOffsetDelta, buf: this.chunk, pos: p };
  }

  /** Record a problem found by the caller (e.g. offsets going backwards) at the current batch. */
  reject(batch: FileBatch, reason: string): void {
    this.problem = { position: batch.position, reason, truncated: false };
    this.pos = batch.position;
  }
}
