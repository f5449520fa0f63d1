/**
 * `.timeindex`: sparse map from timestamp to offset within one segment.
 *
 *   entry (12 bytes, big-endian): int64 timestamp, int32 relativeOffset
 *
 * Written alongside each offset-index entry with the largest timestamp seen so far in the segment
 * and the (batch last) offset it was seen at, only when the timestamp grew; on roll/close a final
 * entry records the segment's max timestamp, so the last entry of a closed segment's time index is
 * its largest timestamp (used by retention.ms without reading the log). One slot is kept free for
 * that final entry, as in Kafka (`isFull` at maxEntries - 1).
 */
import { readInt64, writeInt64 } from '../records/batch-header.js';
import { IndexCorruptError, LogIndex } from './log-index.js';

export const TIME_INDEX_ENTRY_SIZE = 12;
export const NO_TIMESTAMP = -1;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends LogIndex {
  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, TIME_INDEX_ENTRY_SIZE);
  }

  private tsAt = (slot: number): number => readInt64(this.buf, slot * 12);
  private relAt = (slot: number): number => this.buf.readInt32BE(slot * 12 + 8);

  override isFull(): boolean {
    return this.count >= this.maxEntries - 1;
  }

  entry(slot: number): TimestampOffset {
    return { timestamp: this.tsAt(slot), offset: this.baseOffset + this.relAt(slot) };
  }

  /** Last entry, or (NO_TIMESTAMP, baseOffset) when empty. */
  lastEntry(): TimestampOffset {
    return this.count === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this.count - 1);
  }

  /** Append (timestamp, offset) if the timestamp is larger than the last entry's. */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    const n = this.count;
    if (!skipFullCheck && this.isFull()) throw new Error(`Attempt to append to a full time index ${this.file}`);
    if (n >= this.maxEntries) return; // final entry with no room: only possible after a config change
    if (n > 0 && offset < this.baseOffset + this.relAt(n - 1)) {
      throw new Error(`Attempt to append offset ${offset} to the time index ${this.file} behind its last offset ${this.baseOffset + this.relAt(n - 1)}`);
    }
    if (timestamp <= (n === 0 ? NO_TIMESTAMP : this.tsAt(n - 1))) return;
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`Offset ${offset} cannot be indexed relative to ${this.baseOffset}`);
    this.ensureCapacity();
    writeInt64(this.buf, this.count * 12, timestamp);
    this.buf.writeInt32BE(rel, this.count * 12 + 8);
    this.appended();
  }

  /** Greatest entry with timestamp <= target, or (NO_TIMESTAMP, baseOffset). */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.floorSlot(targetTimestamp, this.tsAt);
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(slot);
  }

  /** Remove every entry with offset >= `offset`. */
  truncateTo(offset: number): void {
    let n = this.count;
    while (n > 0 && this.baseOffset + this.relAt(n - 1) >= offset) n--;
    this.truncateToEntries(n);
  }

  protected sanityCheck(): void {
    let prevTs = -Infinity;
    let prevRel = -1;
    for (let i = 0; i < this.count; i++) {
      const ts = this.tsAt(i);
      const rel = this.relAt(i);
      if (ts < prevTs || rel < prevRel || rel < 0) {
        throw new IndexCorruptError(this.file, `entry ${i} (${ts}, ${rel}) does not follow (${prevTs}, ${prevRel})`);
      }
      prevTs = ts;
      prevRel = rel;
    }
  }
}
