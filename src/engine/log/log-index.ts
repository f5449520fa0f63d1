/**
 * Common machinery of the two sparse segment indexes (offset-index.ts, time-index.ts).
 *
 * Kafka memory-maps its index files; Node has no mmap, so an index here is an in-memory array of
 * fixed-size big-endian entries, byte-for-byte the file's content, plus the file:
 *
 * - An index of a segment that is being written (the active segment) has its file opened and
 *   preallocated to `segment.index.bytes` rounded down to whole entries (a sparse file: ftruncate),
 *   like Kafka. New entries live in memory and are written to the file on flush, roll and close —
 *   the index is never trusted after an unclean stop (the active segment and everything past the
 *   recovery point is re-scanned and its indexes rebuilt), so writing it eagerly buys nothing.
 * - On roll and close the file is trimmed to the valid entries (`trimToValidSize`).
 * - A closed segment's index is read into memory on first use only (lazy load), so a clean start
 *   touches no index contents; `IndexCorruptError` from the sanity check makes the segment rebuild
 *   it from the log.
 *
 * Preallocated-but-unused space reads as all-zero entries; trailing all-zero entries are ignored on
 * load (a real entry is never all-zero: the first batch of a segment, at position 0, is never
 * indexed, and timestamp 0 at the base offset carries no information).
 */
import fs from 'node:fs';
import { readFully, unlinkIfExists, writeFully } from './log-files.js';

export class IndexCorruptError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`Corrupt index ${file}: ${detail}`);
    this.name = 'IndexCorruptError';
  }
}

export abstract class LogIndex {
  protected buf: Buffer;
  protected count = 0;
  /** Entries [0, flushed) are known to be in the file. */
  private flushed = 0;
  private fd: number | undefined;
  /** The file may hold stale entries past `flushed` (after a truncation or reset). */
  private fileDirty = false;
  private writable = false;
  readonly maxEntries: number;

  protected constructor(
    public file: string,
    readonly baseOffset: number,
    maxIndexSize: number,
    readonly entrySize: number,
  ) {
    this.maxEntries = Math.max(1, Math.floor(maxIndexSize / entrySize));
    this.buf = Buffer.alloc(0);
  }

  get entries(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  /** Read the file into memory and check it. Missing file -> IndexCorruptError (caller rebuilds). */
  load(): void {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new IndexCorruptError(this.file, 'missing');
      throw e;
    }
    if (data.length % this.entrySize !== 0) {
      throw new IndexCorruptError(this.file, `size ${data.length} is not a multiple of the entry size ${this.entrySize}`);
    }
    let n = data.length / this.entrySize;
    while (n > 0 && isZero(data, (n - 1) * this.entrySize, this.entrySize)) n--;
    this.buf = data;
    this.count = n;
    this.flushed = n;
    this.sanityCheck();
  }

  /** Start empty (new segment, or rebuilding). The file is rewritten on the next flush. */
  reset(): void {
    this.count = 0;
    this.flushed = 0;
    this.fileDirty = true;
  }

  protected abstract sanityCheck(): void;

  protected ensureCapacity(): void {
    const need = (this.count + 1) * this.entrySize;
    if (need <= this.buf.length) return;
    const next = Buffer.alloc(Math.min(Math.max(need, this.buf.length * 2, 64 * this.entrySize), this.maxEntries * this.entrySize + this.entrySize));
    this.buf.copy(next, 0, 0, this.count * this.entrySize);
    this.buf = next;
  }

  protected appended(): void {
    this.count++;
  }

  /** Drop entries from `n` on. */
  protected truncateToEntries(n: number): void {
    if (n >= this.count) return;
    this.count = n;
    if (this.flushed > n) {
      this.flushed = n;
      this.fileDirty = true;
    }
  }

  /** Index binary search: the last slot whose key <= target, or -1. */
  protected floorSlot(target: number, keyAt: (slot: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    if (hi < 0 || keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Open the file for writing and preallocate it to maxEntries, as an active segment's index. */
  makeWritable(): void {
    this.openFd();
    this.writable = true;
    fs.ftruncateSync(this.fd!, this.flushed * this.entrySize);
    fs.ftruncateSync(this.fd!, this.maxEntries * this.entrySize);
    this.fileDirty = false;
  }

  get isWritable(): boolean {
    return this.writable;
  }

  private openFd(): void {
    if (this.fd === undefined) this.fd = fs.openSync(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  }

  /** Write entries not yet in the file (first cutting stale content after a truncation or reset). */
  writePending(): void {
    if (this.flushed === this.count && !this.fileDirty) return;
    this.openFd();
    if (this.fileDirty) {
      fs.ftruncateSync(this.fd!, this.flushed * this.entrySize);
      if (this.writable) fs.ftruncateSync(this.fd!, this.maxEntries * this.entrySize);
      this.fileDirty = false;
    }
    if (this.count > this.flushed) {
      writeFully(this.fd!, this.buf.subarray(this.flushed * this.entrySize, this.count * this.entrySize), this.flushed * this.entrySize);
    }
    this.flushed = this.count;
  }

  /** Write pending entries and fsync. */
  flush(): void {
    this.writePending();
    this.openFd();
    fs.fsyncSync(this.fd!);
  }

  /** Pending entries written; returns the fd to fsync asynchronously. */
  fdForAsyncSync(): number {
    this.writePending();
    this.openFd();
    return this.fd!;
  }

  /** Shrink the file to the valid entries (roll, close). */
  trimToValidSize(): void {
    this.writePending();
    this.openFd();
    fs.ftruncateSync(this.fd!, this.count * this.entrySize);
    this.writable = false;
  }

  /** Trim and release the file handle (the entries stay in memory for lookups). */
  close(): void {
    if (this.fd === undefined && !this.fileDirty && this.flushed === this.count) return;
    this.trimToValidSize();
    this.closeFd();
  }

  /** Release the file handle without writing anything (simulated crash, deletion). */
  closeFd(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Content of the index as it should be on disk, for the cleaner and tests. */
  rawEntries(): Buffer {
    return this.buf.subarray(0, this.count * this.entrySize);
  }

  renameTo(newFile: string): void {
    try {
      fs.renameSync(this.file, newFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.file = newFile;
  }

  deleteFile(): void {
    this.closeFd();
    unlinkIfExists(this.file);
  }

  /** Read just the last entry from the file (cheap metadata for a segment never loaded). */
  static readLastEntry(file: string, entrySize: number): Buffer | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return undefined;
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0 || size % entrySize !== 0) return undefined;
      const e = readFully(fd, size - entrySize, entrySize);
      return e.length === entrySize && !isZero(e, 0, entrySize) ? e : undefined;
    } finally {
      fs.closeSync(fd);
    }
  }
}

function isZero(buf: Buffer, pos: number, len: number): boolean {
  for (let i = pos; i < pos + len; i++) if (buf[i] !== 0) return false;
  return true;
}
