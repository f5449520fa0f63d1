/**
 * The most recently appended batches of the active segment, kept in memory so consumers reading
 * at the tail of a stream of small appends (the latency-sensitive case) are served without a file
 * read.
 *
 * Holds a contiguous run of batches ending at the log end offset, bounded in bytes. Cleared on roll
 * and truncation, so it never disagrees with the files (compaction and retention only touch closed
 * segments).
 *
 * Batches are referenced when the appender declares its buffer retainable (a request's own memory,
 * never changed again) and they are the bulk of it, so the cache pins little more than it counts.
 * Otherwise they are copied: the buffer may be pooled request memory, reused once the produce
 * request is done. Copies go into append-only pages, so a read of several consecutive batches is one
 * view of a page (no concatenation), and a page is never written where a view was handed out:
 * readers keep their bytes even after eviction. (A copy is not free: fresh pages cost page faults,
 * about as much as the file write itself for 16 KiB batches, which is why views are preferred.)
 *
 * Appends larger than LARGE_APPEND_BYTES (a big produce request) clear the cache instead: copying
 * them would cost as much as the file read they might save, and a consumer of such batches reads
 * ~1 MB per fetch from the page cache cheaply.
 */
import { readInt64 } from '../records/batch-header.js';

export interface CachedRead {
  records: Buffer;
  firstOffset: number;
  nextOffset: number;
}

const LARGE_APPEND_BYTES = 64 * 1024;
const PAGE_BYTES = 256 * 1024;

export class TailCache {
  private bufs: Buffer[] = [];
  private bases: number[] = [];
  private lasts: number[] = [];
  private head = 0;
  private bytes = 0;
  private page: Buffer | undefined;
  private pageFill = 0;

  constructor(private maxBytes: number) {}

  setMaxBytes(n: number): void {
    this.maxBytes = n;
    this.evict();
  }

  /** Offset of the first cached batch, or Infinity when empty. */
  get firstOffset(): number {
    return this.head < this.bases.length ? this.bases[this.head]! : Infinity;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }

  clear(): void {
    this.bufs = [];
    this.bases = [];
    this.lasts = [];
    this.head = 0;
    this.bytes = 0;
    this.page = undefined;
    this.pageFill = 0;
  }

  /**
   * Add the batches of one append (offsets assigned). Must follow the previous append directly.
   * `retainable`: the caller never changes `records` again, so views of it may be kept.
   */
  add(records: Buffer, retainable = false): void {
    if (this.maxBytes <= 0) return;
    if (records.length > Math.min(this.maxBytes, LARGE_APPEND_BYTES)) {
      this.clear();
      return;
    }
    const keep = retainable && records.buffer.byteLength <= records.length * 2;
    const copy = keep ? records : this.copyIn(records);
    let p = 0;
    while (p < copy.length) {
      const size = copy.readInt32BE(p + 8) + 12;
      const base = readInt64(copy, p);
      this.bufs.push(copy.subarray(p, p + size));
      this.bases.push(base);
      this.lasts.push(base + copy.readInt32BE(p + 23));
      p += size;
    }
    this.bytes += copy.length;
    this.evict();
  }

  /** A copy of `records` in the current page (a new page when it does not fit). */
  private copyIn(records: Buffer): Buffer {
    if (!this.page || this.pageFill + records.length > this.page.length) {
      this.page = Buffer.allocUnsafeSlow(Math.max(PAGE_BYTES, records.length));
      this.pageFill = 0;
    }
    const at = this.pageFill;
    records.copy(this.page, at);
    this.pageFill += records.length;
    return this.page.subarray(at, at + records.length);
  }

  private evict(): void {
    while (this.bytes > this.maxBytes && this.head < this.bufs.length) {
      this.bytes -= this.bufs[this.head]!.length;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.bufs.length) {
      this.bufs = this.bufs.slice(this.head);
      this.bases = this.bases.slice(this.head);
      this.lasts = this.lasts.slice(this.head);
      this.head = 0;
    }
    if (this.head >= this.bufs.length) this.clear();
  }

  /**
   * Serve a read when the cache covers `startOffset` (>= firstOffset). Same rules as a segment
   * read: whole batches, the first even when larger than maxBytes if minOneBatch, last offsets
   * below maxOffset.
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): CachedRead | undefined {
    if (startOffset < this.firstOffset) return undefined;
    // first batch with last offset >= startOffset
    let lo = this.head;
    let hi = this.lasts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lasts[mid]! < startOffset) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= this.lasts.length) return undefined;
    let end = lo;
    let total = 0;
    let nextOffset = startOffset;
    for (let i = lo; i < this.bufs.length && total < maxBytes; i++) {
      const b = this.bufs[i]!;
      if (this.lasts[i]! >= maxOffset) break;
      if (total + b.length > maxBytes && !(total === 0 && minOneBatch)) break;
      total += b.length;
      nextOffset = this.lasts[i]! + 1;
      end = i + 1;
    }
    if (end === lo) return { records: Buffer.alloc(0), firstOffset: -1, nextOffset: startOffset };
    return { records: this.joined(lo, end, total), firstOffset: this.bases[lo]!, nextOffset };
  }

  /** Batches lo..end-1: one view when they lie back to back in one page, else a copy. */
  private joined(lo: number, end: number, total: number): Buffer {
    const first = this.bufs[lo]!;
    const last = this.bufs[end - 1]!;
    if (first.buffer === last.buffer && last.byteOffset + last.length - first.byteOffset === total) {
      return Buffer.from(first.buffer, first.byteOffset, total);
    }
    return Buffer.concat(this.bufs.slice(lo, end), total);
  }
}
