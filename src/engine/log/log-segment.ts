/**
 * One segment of a partition log: `<base>.log` holding record batches back to back exactly as on
 * the wire (offsets assigned), with its sparse `<base>.index` and `<base>.timeindex`, and
 * `<base>.txnindex` once a transaction whose ABORT marker is in the segment aborts.
 *
 * Writes are synchronous positional `fs.writeSync` calls on the segment's fd. Appending to the page
 * cache costs about as much as a memcpy, a synchronous write keeps ordering trivial (the data is in
 * the file before the append returns, so a read right after sees it, and offsets, indexes and the
 * log end offset can never disagree), and it avoids a promise per produce. Durability is a separate
 * decision taken by the log (flush.messages / flush.ms / roll / shutdown), as in Kafka.
 */
import fs from 'node:fs';
import { BATCH_OVERHEAD, readInt64 } from '../records/batch-header.js';
import { FileBatch, FileBatchReader, ScanProblem } from './file-batches.js';
import { readBatches, type SegmentRead } from './segment-read.js';
import { IndexCorruptError } from './log-index.js';
import { checkIndexesAgainstLog, indexFilesProblem, scanSegment } from './segment-recovery.js';
import { INDEX_SUFFIX, LOG_SUFFIX, readFully, segmentFilePath, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX, unlinkIfExists, writeFully } from './log-files.js';
import { TransactionIndex } from './transaction-index.js';
import { OffsetIndex } from './offset-index.js';
import { NO_TIMESTAMP, TimeIndex, TimestampOffset } from './time-index.js';

const INT32_MAX = 0x7fffffff;
export { EMPTY_BUFFER, type SegmentRead } from './segment-read.js';

export interface SegmentSettings {
  indexIntervalBytes: number;
  maxIndexSize: number;
}

export interface RecoveryResult {
  validBytes: number;
  truncatedBytes: number;
  problem?: ScanProblem;
}

export class LogSegment {
  private fd: number;
  private _size: number;
  private _offsetIndex: OffsetIndex;
  private _timeIndex: TimeIndex;
  /** Aborted transactions whose ABORT marker is in this segment (read lazily, file created on first entry). */
  readonly txnIndex: TransactionIndex;
  private indexesLoaded: boolean;
  private maxTsSoFar: TimestampOffset | undefined;
  private bytesSinceLastIndexEntry = 0;
  private rollingBasedTimestamp: number | undefined;
  private pendingSyncs = 0;
  private closeWhenIdle = false;
  private closed = false;
  /** Receiving appends (index files preallocated and kept open). */
  private active = false;
  /** Invoked when a lazily loaded index turns out to be corrupt (before it is rebuilt). */
  onIndexRebuild: ((segment: LogSegment, reason: string) => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private suffix: string,
    private settings: SegmentSettings,
    readonly created: number,
    readonly rollJitterMs: number,
    fd: number,
    size: number,
    fresh: boolean,
  ) {
    this.fd = fd;
    this._size = size;
    this._offsetIndex = new OffsetIndex(segmentFilePath(dir, baseOffset, INDEX_SUFFIX, suffix), baseOffset, settings.maxIndexSize);
    this._timeIndex = new TimeIndex(segmentFilePath(dir, baseOffset, TIME_INDEX_SUFFIX, suffix), baseOffset, settings.maxIndexSize);
    this.txnIndex = new TransactionIndex(segmentFilePath(dir, baseOffset, TXN_INDEX_SUFFIX, suffix));
    if (fresh) unlinkIfExists(this.txnIndex.file);
    this.indexesLoaded = fresh;
    if (fresh) this.maxTsSoFar = { timestamp: NO_TIMESTAMP, offset: baseOffset };
  }

  /** Open (or create) the segment files. `fresh` truncates any existing files (new segment). */
  static open(
    dir: string,
    baseOffset: number,
    settings: SegmentSettings,
    opts: { created: number; rollJitterMs?: number; suffix?: string; fresh?: boolean },
  ): LogSegment {
    const suffix = opts.suffix ?? '';
    const file = segmentFilePath(dir, baseOffset, LOG_SUFFIX, suffix);
    const flags = fs.constants.O_RDWR | fs.constants.O_CREAT | (opts.fresh ? fs.constants.O_TRUNC : 0);
    const fd = fs.openSync(file, flags, 0o644);
    const size = opts.fresh ? 0 : fs.fstatSync(fd).size;
    const seg = new LogSegment(dir, baseOffset, suffix, settings, opts.created, opts.rollJitterMs ?? 0, fd, size, !!opts.fresh);
    if (opts.fresh) {
      seg._offsetIndex.reset();
      seg._timeIndex.reset();
    }
    return seg;
  }

  get size(): number {
    return this._size;
  }

  get logFile(): string {
    return segmentFilePath(this.dir, this.baseOffset, LOG_SUFFIX, this.suffix);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  updateSettings(settings: Partial<SegmentSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  /** The offset index, loaded (and if needed rebuilt) on first use. */
  get offsetIndex(): OffsetIndex {
    this.loadIndexes();
    return this._offsetIndex;
  }

  get timeIndex(): TimeIndex {
    this.loadIndexes();
    return this._timeIndex;
  }

  private loadIndexes(): void {
    if (this.indexesLoaded) return;
    this.indexesLoaded = true;
    try {
      this._offsetIndex.load();
      this._timeIndex.load();
      checkIndexesAgainstLog(this._offsetIndex, this._timeIndex, this._size, this.settings.indexIntervalBytes);
    } catch (e) {
      if (!(e instanceof IndexCorruptError)) throw e;
      this.onIndexRebuild?.(this, e.message);
      this.rebuildIndexes();
    }
  }

  /**
   * Cheap metadata check at load (two stats, no reads): why the index files must be rebuilt
   * (missing, or not a whole number of entries), or undefined when they look fine.
   */
  indexFilesProblem(): string | undefined {
    return indexFilesProblem(this._offsetIndex, this._timeIndex);
  }

  /** Rebuild both indexes from the log without truncating it (a bad batch just ends the index). */
  rebuildIndexes(): void {
    this.recover({ truncate: false });
  }

  get maxTimestampSoFar(): number {
    return this.maxTimestampAndOffset().timestamp;
  }

  /** Largest batch max timestamp in the segment and the last offset of that batch. */
  maxTimestampAndOffset(): TimestampOffset {
    if (!this.maxTsSoFar) this.maxTsSoFar = this.timeIndex.lastEntry();
    return this.maxTsSoFar;
  }

  /** Timestamp retention.ms compares against: the max timestamp, else the file's mtime. */
  largestTimestamp(): number {
    const ts = this.maxTimestampSoFar;
    return ts >= 0 ? ts : this.lastModified();
  }

  lastModified(): number {
    return fs.fstatSync(this.fd).mtimeMs;
  }

  setLastModified(ms: number): void {
    fs.futimesSync(this.fd, ms / 1000, ms / 1000);
  }

  /**
   * Append whole batches (offsets already assigned, increasing, and convertible to int32 relative
   * offsets). Maintains the indexes per batch, as Kafka 3.9's LogSegment.append.
   */
  append(records: Buffer): void {
    if (records.length === 0) return;
    const start = this._size;
    writeFully(this.fd, records, start);
    this._size += records.length;
    this.indexBatches(records, start);
  }

  private indexBatches(records: Buffer, filePos: number): void {
    const oi = this.offsetIndex;
    const ti = this._timeIndex;
    const interval = this.settings.indexIntervalBytes;
    let maxTs = this.maxTimestampAndOffset();
    let p = 0;
    while (p < records.length) {
      const size = records.readInt32BE(p + 8) + 12;
      const lastOffset = readInt64(records, p) + records.readInt32BE(p + 23);
      const batchMaxTs = readInt64(records, p + 35);
      if (this.rollingBasedTimestamp === undefined && filePos + p === 0) this.rollingBasedTimestamp = batchMaxTs;
      if (batchMaxTs > maxTs.timestamp) maxTs = this.maxTsSoFar = { timestamp: batchMaxTs, offset: lastOffset };
      if (this.bytesSinceLastIndexEntry > interval && !oi.isFull() && !ti.isFull()) {
        oi.append(lastOffset, filePos + p);
        ti.maybeAppend(maxTs.timestamp, maxTs.offset);
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += size;
      p += size;
    }
  }

  /** Should an append of `size` bytes with these offsets/timestamps go to a new segment? */
  shouldRoll(p: { size: number; maxTimestamp: number; lastOffset: number; now: number | { now(): number }; segmentBytes: number; segmentMs: number }): boolean {
    const sz = this._size;
    if (sz === 0) return false;
    if (sz > p.segmentBytes - p.size) return true;
    if (this.offsetIndex.isFull() || this._timeIndex.isFull()) return true;
    if (p.lastOffset - this.baseOffset > INT32_MAX) return true;
    return this.timeWaitedForRoll(p.now, p.maxTimestamp) > p.segmentMs - this.rollJitterMs;
  }

  private timeWaitedForRoll(now: number | { now(): number }, messageTimestamp: number): number {
    if (this.rollingBasedTimestamp === undefined && this._size > 0) {
      const h = readFully(this.fd, 0, BATCH_OVERHEAD);
      if (h.length === BATCH_OVERHEAD) this.rollingBasedTimestamp = readInt64(h, 35);
    }
    const ts = this.rollingBasedTimestamp ?? -1;
    if (ts >= 0) return messageTimestamp - ts;
    return (typeof now === 'number' ? now : now.now()) - this.created;
  }

  /** Header scan from the index position: the first batch whose last offset >= `offset`. */
  translateOffset(offset: number, startingPosition = 0): FileBatch | undefined {
    const from = Math.max(startingPosition, this.offsetIndex.lookup(offset).position);
    const r = new FileBatchReader(this.fd, from, this._size, 'headers');
    for (let b = r.next(); b; b = r.next()) if (b.lastOffset >= offset) return b;
    return undefined;
  }

  /**
   * Read whole batches starting with the one containing `startOffset`, up to `maxBytes` (the first
   * batch even if larger when `minOneBatch`), excluding batches whose last offset is
   * >= `maxOffset`. Undefined when no batch of this segment reaches `startOffset`. `allocate`
   * supplies the memory of large results (see ReadOptions).
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean, allocate?: (size: number) => Buffer): SegmentRead | undefined {
    const pos = this.offsetIndex.lookup(startOffset).position;
    if (pos >= this._size) return undefined;
    return readBatches(this.fd, pos, this._size, { startOffset, maxBytes, maxOffset, minOneBatch, allocate });
  }

  /** Raw bytes of the file. */
  readBytes(position: number, length: number): Buffer {
    return readFully(this.fd, position, Math.max(0, Math.min(length, this._size - position)));
  }

  batchReader(mode: 'headers' | 'full', startPosition = 0, opts?: { checkCrc?: boolean; chunkSize?: number }): FileBatchReader {
    return new FileBatchReader(this.fd, startPosition, this._size, mode, opts);
  }

  /** Offset after the last batch (the base offset when empty): last index entry + header scan. */
  readNextOffset(): number {
    const r = new FileBatchReader(this.fd, this.offsetIndex.lastPosition, this._size, 'headers');
    let next = this.baseOffset;
    for (let b = r.next(); b; b = r.next()) next = b.lastOffset + 1;
    return next;
  }

  /** First batch at or after the time-index hint whose max timestamp >= ts and last offset >= startingOffset. */
  findBatchByTimestamp(ts: number, startingOffset: number): FileBatch | undefined {
    const hint = this.timeIndex.lookup(ts);
    const pos = this.offsetIndex.lookup(Math.max(hint.offset, startingOffset)).position;
    const r = new FileBatchReader(this.fd, pos, this._size, 'headers');
    for (let b = r.next(); b; b = r.next()) {
      if (b.lastOffset >= startingOffset && readInt64(b.buf, b.pos + 35) >= ts) return b;
    }
    return undefined;
  }

  /**
   * Validate every batch (framing, magic, CRC, increasing offsets), rebuild both indexes, and
   * unless `truncate` is false cut the file at the first invalid byte.
   */
  recover(opts: { truncate?: boolean; onBatch?: (b: FileBatch) => void } = {}): RecoveryResult {
    this._offsetIndex.reset();
    this._timeIndex.reset();
    this.indexesLoaded = true;
    const scan = scanSegment(this.fd, this._size, this.baseOffset, this._offsetIndex, this._timeIndex, this.settings.indexIntervalBytes, opts.onBatch);
    this.maxTsSoFar = scan.maxTs;
    this.bytesSinceLastIndexEntry = scan.validBytes - scan.lastIndexEntry;
    this.rollingBasedTimestamp = scan.firstBatchMaxTs;
    let truncatedBytes = 0;
    if (scan.problem && opts.truncate !== false) {
      truncatedBytes = this._size - scan.validBytes;
      fs.ftruncateSync(this.fd, scan.validBytes);
      this._size = scan.validBytes;
    }
    this._timeIndex.maybeAppend(scan.maxTs.timestamp, scan.maxTs.offset, true);
    return { validBytes: scan.validBytes, truncatedBytes, problem: scan.problem };
  }

  /** Remove every batch whose last offset >= `offset` (the batch containing it too). Returns bytes removed. */
  truncateTo(offset: number): number {
    const b = this.translateOffset(offset);
    if (!b) return 0;
    const removed = this._size - b.position;
    this.offsetIndex.truncateTo(offset);
    this._offsetIndex.truncateToPosition(b.position);
    this._timeIndex.truncateTo(offset);
    this._timeIndex.truncateTo(b.baseOffset);
    fs.ftruncateSync(this.fd, b.position);
    this.txnIndex.truncateTo(offset);
    this._size = b.position;
    this.bytesSinceLastIndexEntry = b.position - this._offsetIndex.lastPosition;
    if (b.position === 0) this.rollingBasedTimestamp = undefined;
    // The time index's last entry covers up to the last offset-index position; scan the rest.
    let maxTs = this._timeIndex.lastEntry();
    const r = new FileBatchReader(this.fd, this._offsetIndex.lastPosition, this._size, 'headers');
    for (let b = r.next(); b; b = r.next()) {
      const ts = readInt64(b.buf, b.pos + 35);
      if (ts > maxTs.timestamp) maxTs = { timestamp: ts, offset: b.lastOffset };
    }
    this.maxTsSoFar = maxTs;
    return removed;
  }

  /** This segment will receive appends: preallocate its index files, as Kafka's active segment. */
  makeActive(): void {
    this.active = true;
    this.offsetIndex.makeWritable();
    this._timeIndex.makeWritable();
  }

  /** Rolled away from: record the max timestamp in the time index and trim both index files. */
  onBecomeInactive(): void {
    this.active = false;
    const m = this.maxTimestampAndOffset();
    this._timeIndex.maybeAppend(m.timestamp, m.offset, true);
    this._offsetIndex.trimToValidSize();
    this._timeIndex.trimToValidSize();
  }

  /** fsync the log and both indexes. */
  flush(): void {
    if (this.closed) return;
    fs.fsyncSync(this.fd);
    this.txnIndex.flush();
    if (this.indexesLoaded) {
      this._offsetIndex.flush();
      this._timeIndex.flush();
      if (!this.active) this.closeIndexFds();
    }
  }

  private closeIndexFds(): void {
    if (this.closed || this.pendingSyncs > 0) return;
    this._offsetIndex.closeFd();
    this._timeIndex.closeFd();
    this.txnIndex.closeFd();
  }

  /** fsync without blocking the event loop (segment roll). */
  async flushAsync(): Promise<void> {
    if (this.closed) return;
    const fds = [this.fd];
    const txnFd = this.txnIndex.fdForAsyncSync();
    if (txnFd !== undefined) fds.push(txnFd);
    if (this.indexesLoaded) {
      for (const idx of [this._offsetIndex, this._timeIndex]) fds.push(idx.fdForAsyncSync());
    }
    this.pendingSyncs++;
    try {
      await Promise.all(fds.map((fd) => new Promise<void>((res, rej) => fs.fsync(fd, (e) => (e ? rej(e) : res())))));
    } finally {
      this.pendingSyncs--;
      if (this.pendingSyncs === 0) {
        if (this.closeWhenIdle) this.releaseFds();
        else if (!this.active) this.closeIndexFds();
      }
    }
  }

  /** Rename all files from the current suffix to `suffix` ('' for the live names). */
  changeFileSuffix(suffix: string): void {
    const rename = (from: string, to: string): void => {
      try {
        fs.renameSync(from, to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    };
    rename(this.logFile, segmentFilePath(this.dir, this.baseOffset, LOG_SUFFIX, suffix));
    this._offsetIndex.renameTo(segmentFilePath(this.dir, this.baseOffset, INDEX_SUFFIX, suffix));
    this._timeIndex.renameTo(segmentFilePath(this.dir, this.baseOffset, TIME_INDEX_SUFFIX, suffix));
    this.txnIndex.renameTo(segmentFilePath(this.dir, this.baseOffset, TXN_INDEX_SUFFIX, suffix));
    this.suffix = suffix;
  }

  /** Trim the indexes (writing the final time index entry) and release the files. */
  close(): void {
    if (this.closed) return;
    if (this.indexesLoaded) {
      const m = this.maxTimestampAndOffset();
      this._timeIndex.maybeAppend(m.timestamp, m.offset, true);
      this._offsetIndex.close();
      this._timeIndex.close();
    }
    this.closeFds();
  }

  /** Release file handles without writing anything (simulated crash). */
  closeFds(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pendingSyncs > 0) this.closeWhenIdle = true;
    else this.releaseFds();
  }

  private releaseFds(): void {
    fs.closeSync(this.fd);
    this._offsetIndex.closeFd();
    this._timeIndex.closeFd();
    this.txnIndex.closeFd();
  }

  /** Close and remove the files. */
  deleteFiles(): void {
    this.closeFds();
    unlinkIfExists(this.logFile);
    unlinkIfExists(this._offsetIndex.file);
    unlinkIfExists(this._timeIndex.file);
    unlinkIfExists(this.txnIndex.file);
  }

  toString(): string {
    return `LogSegment(baseOffset=${this.baseOffset}, size=${this._size})`;
  }
}
