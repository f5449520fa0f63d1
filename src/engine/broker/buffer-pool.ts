/**
 * Recycled memory for the two large, short-lived buffers of the data path: produce frames that
 * arrive over several socket reads (assembled here, then written to the log) and fetch reads
 * (read from a segment, then written to the socket).
 *
 * Why: each is about a megabyte under load, and a fresh megabyte per request is an mmap, 256 page
 * faults and an munmap, and V8 counts it toward its external-memory limit, which forces a full
 * mark-compact for every ~64 MB allocated (several per second at 100 MB/s each way).
 *
 * The danger is reuse while something still reads the memory, which would serve or store another
 * request's bytes. So a buffer is handed back only by the one owner that knows the last reader is
 * done: the connection, once a produce request's handler has finished (the log copied the batch to
 * the file; the tail cache keeps copies, never pooled memory) or once the socket reported a fetch
 * response written. A buffer that is never released (a read discarded by the purgatory, a closed
 * connection) is simply garbage collected: the pool holds no reference to loaned buffers.
 */

/** Smaller buffers come from V8 or Node's own slab cheaply enough. */
export const POOL_MIN_BYTES = 64 * 1024;
/** Larger requests are rare and would tie up too much memory once returned. */
const POOL_MAX_CLASS_BYTES = 8 * 1024 * 1024;

const sizeClass = (size: number): number => 2 ** Math.ceil(Math.log2(size));

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** true while loaned out, false while in a free list; absent: not the pool's. */
  private readonly loaned = new WeakMap<ArrayBuffer, boolean>();
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes = 32 * 1024 * 1024) {}

  /** `size` bytes, uninitialised; recycled memory when a buffer of its size class is free. */
  acquire(size: number): Buffer {
    if (size < POOL_MIN_BYTES || size > POOL_MAX_CLASS_BYTES) return Buffer.allocUnsafeSlow(size);
    const cls = sizeClass(size);
    const list = this.free.get(cls);
    let ab = list?.pop();
    if (ab) this.freeBytes -= cls;
    else ab = new ArrayBuffer(cls);
    this.loaned.set(ab, true);
    return Buffer.from(ab, 0, size);
  }

  /** Is `buf` (or the buffer it is a view of) loaned out by this pool? */
  isLoaned(buf: Uint8Array): boolean {
    return this.loaned.get(buf.buffer as ArrayBuffer) === true;
  }

  /**
   * Hand back the memory `buf` views. Only its one owner may call this, once, after the last reader
   * of any view of it is done. Buffers the pool did not lend are ignored.
   */
  release(buf: Uint8Array): void {
    const ab = buf.buffer as ArrayBuffer;
    if (this.loaned.get(ab) !== true) return;
    this.loaned.set(ab, false);
    const cls = ab.byteLength;
    if (this.freeBytes + cls > this.maxFreeBytes) {
      this.loaned.delete(ab);
      return;
    }
    let list = this.free.get(cls);
    if (!list) this.free.set(cls, (list = []));
    list.push(ab);
    this.freeBytes += cls;
  }

  get freeBytesHeld(): number {
    return this.freeBytes;
  }
}

/** The broker's pool for produce frames and fetch reads. */
export const dataBuffers = new BufferPool();
