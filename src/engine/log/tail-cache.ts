/**
 * The most recently appended batches of the active segment, kept in memory so consumers reading
 * at the tail (the common case) are served without touching the file.
 *
 * Holds a contiguous run of batches ending at the log end offset, bounded in bytes. Batches are
 * referenced, not copied, when they are the bulk of their underlying allocation (the log owns the
 * buffers handed to append); a small slice of a large request buffer is copied so the cache never
 * pins much more memory than it counts. Cleared on roll and truncation, so it never disagrees with
 * the files (compaction and retention only touch closed segments).
 */
import { readInt64 } from '../records/batch-header.js';

export interface CachedRead {
  records: Buffer;
  firstOffset: number;
  nextOffset: number;
}

export class TailCache {
  private bufs: Buffer[] = [];
  private bases: number[] = [];
  private lasts: number[] = [];
  private head = 0;
  private bytes = 0;

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
  }

  /** Add the batches of one append (offsets assigned). Must follow the previous append directly. */
  add(records: Buffer): void {
    if (this.maxBytes <= 0) return;
    if (records.length > this.maxBytes) {
      this.clear();
      return;
    }
    const owned = records.buffer.byteLength <= records.length * 2 ? records : Buffer.from(records);
    const first = owned.readInt32BE(8) + 12;
    if (first === owned.length) {
      // one batch: the common produce
      const base = readInt64(owned, 0);
      this.bufs.push(owned);
      this.bases.push(base);
      this.lasts.push(base + owned.readInt32BE(23));
      this.bytes += owned.length;
      this.evict();
      return;
    }
    let p = 0;
    while (p < owned.length) {
      const size = owned.readInt32BE(p + 8) + 12;
      const base = readInt64(owned, p);
      this.bufs.push(owned.subarray(p, p + size));
      this.bases.push(base);
      this.lasts.push(base + owned.readInt32BE(p + 23));
      p += size;
    }
    this.bytes += owned.length;
    this.evict();
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
    const picked: Buffer[] = [];
    let total = 0;
    let nextOffset = startOffset;
    for (let i = lo; i < this.bufs.length && total < maxBytes; i++) {
      const b = this.bufs[i]!;
      if (this.lasts[i]! >= maxOffset) break;
      if (total + b.length > maxBytes && !(total === 0 && minOneBatch)) break;
      picked.push(b);
      total += b.length;
      nextOffset = this.lasts[i]! + 1;
    }
    if (picked.length === 0) return { records: Buffer.alloc(0), firstOffset: -1, nextOffset: startOffset };
    return {
      records: picked.length === 1 ? picked[0]! : Buffer.concat(picked, total),
      firstOffset: this.bases[lo]!,
      nextOffset,
    };
  }
}
