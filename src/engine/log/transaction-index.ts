/**
 * A segment's aborted transaction index, `<base>.txnindex` (Kafka's TransactionIndex): one entry per
 * transaction whose ABORT marker is in the segment, in marker order. read_committed fetches ask
 * which aborted transactions overlap the range they return (Fetch v4+ AbortedTransactions), and the
 * consumer drops those producers' records from each transaction's first offset to its marker.
 *
 * File format (Kafka's, big-endian), 34 bytes per entry, no header:
 *
 *   version          int16   0
 *   producerId       int64
 *   firstOffset      int64   first offset of the transaction on this partition
 *   lastOffset       int64   offset of the ABORT marker
 *   lastStableOffset int64   the partition's LSO once this transaction completed
 *
 * The file is created on the first entry (most segments never get one). Entries are kept in memory
 * once read (aborted transactions are few and small); appends are positional writes, fsync'ed
 * with the segment.
 */
import fs from 'node:fs';
import { readInt64, writeInt64 } from '../records/batch-header.js';
import { readFully, unlinkIfExists, writeFully } from './log-files.js';

export const TXN_INDEX_ENTRY_SIZE = 34;
const TXN_INDEX_VERSION = 0;

export interface AbortedTxnEntry {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export function encodeAbortedTxn(e: AbortedTxnEntry, buf = Buffer.alloc(TXN_INDEX_ENTRY_SIZE), at = 0): Buffer {
  buf.writeInt16BE(TXN_INDEX_VERSION, at);
  writeInt64(buf, at + 2, e.producerId);
  writeInt64(buf, at + 10, e.firstOffset);
  writeInt64(buf, at + 18, e.lastOffset);
  writeInt64(buf, at + 26, e.lastStableOffset);
  return buf;
}

/** Entries of a .txnindex file's bytes; a torn trailing entry is ignored, an unknown version refused. */
export function decodeAbortedTxns(data: Buffer, file = 'txnindex'): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (let at = 0; at + TXN_INDEX_ENTRY_SIZE <= data.length; at += TXN_INDEX_ENTRY_SIZE) {
    const version = data.readInt16BE(at);
    if (version !== TXN_INDEX_VERSION) throw new Error(`${file}: entry ${at / TXN_INDEX_ENTRY_SIZE} has unknown version ${version}`);
    out.push({ producerId: readInt64(data, at + 2), firstOffset: readInt64(data, at + 10), lastOffset: readInt64(data, at + 18), lastStableOffset: readInt64(data, at + 26) });
  }
  return out;
}

export interface TxnIndexSearch {
  aborted: AbortedTxnEntry[];
  /** An entry's LSO reached the upper bound: later segments cannot hold a relevant transaction. */
  complete: boolean;
}

export class TransactionIndex {
  private entries: AbortedTxnEntry[] | undefined;
  private fd: number | undefined;
  private dirty = false;
  /** Set when recovery reset the index: the producer-state rebuild writes its entries again. */
  rebuilding = false;

  constructor(private _file: string) {}

  get file(): string {
    return this._file;
  }

  private load(): AbortedTxnEntry[] {
    if (this.entries) return this.entries;
    let data: Buffer;
    try {
      data = fs.readFileSync(this._file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      data = Buffer.alloc(0);
    }
    this.entries = decodeAbortedTxns(data, this._file);
    return this.entries;
  }

  all(): readonly AbortedTxnEntry[] {
    return this.load();
  }

  get isEmpty(): boolean {
    return this.load().length === 0;
  }

  append(e: AbortedTxnEntry): void {
    const entries = this.load();
    const last = entries[entries.length - 1];
    if (last && e.lastOffset <= last.lastOffset) {
      throw new Error(`${this._file}: aborted transaction ending at ${e.lastOffset} is not after the last one (${last.lastOffset})`);
    }
    if (this.fd === undefined) this.fd = fs.openSync(this._file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    writeFully(this.fd, encodeAbortedTxn(e), entries.length * TXN_INDEX_ENTRY_SIZE);
    entries.push(e);
    this.dirty = true;
  }

  /** Aborted transactions overlapping [fetchOffset, upperBoundOffset) (Kafka's collectAbortedTxns). */
  collect(fetchOffset: number, upperBoundOffset: number): TxnIndexSearch {
    const aborted: AbortedTxnEntry[] = [];
    for (const e of this.load()) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) aborted.push(e);
      if (e.lastStableOffset >= upperBoundOffset) return { aborted, complete: true };
    }
    return { aborted, complete: false };
  }

  /** Drop every entry whose marker is at or after `offset`. */
  truncateTo(offset: number): void {
    const entries = this.load();
    const keep = entries.findIndex((e) => e.lastOffset >= offset);
    if (keep < 0) return;
    entries.length = keep;
    this.rewriteSize();
  }

  /** Empty the index (recovery rebuilds it). */
  reset(): void {
    this.entries = [];
    this.rewriteSize();
  }

  private rewriteSize(): void {
    const size = this.entries!.length * TXN_INDEX_ENTRY_SIZE;
    if (this.fd !== undefined) fs.ftruncateSync(this.fd, size);
    else if (size === 0) unlinkIfExists(this._file);
    else fs.truncateSync(this._file, size);
    this.dirty = true;
  }

  flush(): void {
    if (!this.dirty || this.fd === undefined) return;
    fs.fsyncSync(this.fd);
    this.dirty = false;
  }

  /** For fsync off the event loop: the fd when there is something to sync. */
  fdForAsyncSync(): number | undefined {
    if (!this.dirty || this.fd === undefined) return undefined;
    this.dirty = false;
    return this.fd;
  }

  renameTo(file: string): void {
    try {
      fs.renameSync(this._file, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this._file = file;
  }

  closeFd(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  deleteFile(): void {
    this.closeFd();
    unlinkIfExists(this._file);
    this.entries = [];
  }

  /** Raw bytes (dump-log). */
  static readFile(file: string): AbortedTxnEntry[] {
    return decodeAbortedTxns(readFileOrEmpty(file), file);
  }
}

function readFileOrEmpty(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    return readFully(fd, 0, fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}
