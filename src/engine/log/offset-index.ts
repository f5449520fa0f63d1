/**
 * `.index`: sparse map from offset to file position within one segment.
 *
 *   entry (8 bytes, big-endian): int32 relativeOffset (offset - segment base offset), int32 position
 *
 * An entry (batch last offset -> batch start position) is added when more than
 * `index.interval.bytes` have been appended since the previous one; entries strictly increase in
 * both fields. A lookup returns the greatest entry <= the target; the segment then scans batch
 * headers forward from that position (at most ~index.interval.bytes plus one batch).
 */
import { IndexCorruptError, LogIndex } from './log-index.js';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends LogIndex {
  constructor(file: string, baseOffset: number, maxIndexSize: number) {
    super(file, baseOffset, maxIndexSize, OFFSET_INDEX_ENTRY_SIZE);
  }

  private relAt = (slot: number): number => this.buf.readInt32BE(slot * 8);
  private posAt = (slot: number): number => this.buf.readInt32BE(slot * 8 + 4);

  entry(slot: number): OffsetPosition {
    return { offset: this.baseOffset + this.relAt(slot), position: this.posAt(slot) };
  }

  /** Offset of the last entry, or the base offset when empty. */
  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.baseOffset + this.relAt(this.count - 1);
  }

  get lastPosition(): number {
    return this.count === 0 ? 0 : this.posAt(this.count - 1);
  }

  append(offset: number, position: number): void {
    if (this.isFull()) throw new Error(`Attempt to append to a full index ${this.file}`);
    if (this.count > 0 && offset <= this.lastOffset) {
      throw new Error(`Attempt to append offset ${offset} to position ${this.count} no larger than the last offset ${this.lastOffset} in ${this.file}`);
    }
    const rel = offset - this.baseOffset;
    if (rel < 0 || rel > 0x7fffffff) throw new RangeError(`Offset ${offset} cannot be indexed relative to ${this.baseOffset}`);
    this.ensureCapacity();
    this.buf.writeInt32BE(rel, this.count * 8);
    this.buf.writeInt32BE(position, this.count * 8 + 4);
    this.appended();
  }

  /** Greatest entry with offset <= target, or (baseOffset, 0). */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.floorSlot(targetOffset - this.baseOffset, this.relAt);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Remove every entry with offset >= `offset`. */
  truncateTo(offset: number): void {
    const slot = this.floorSlot(offset - this.baseOffset, this.relAt);
    const keep = slot < 0 ? 0 : this.baseOffset + this.relAt(slot) === offset ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  /** Remove entries pointing at or beyond byte `position` of the segment. */
  truncateToPosition(position: number): void {
    let n = this.count;
    while (n > 0 && this.posAt(n - 1) >= position) n--;
    this.truncateToEntries(n);
  }

  protected sanityCheck(): void {
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < this.count; i++) {
      const rel = this.relAt(i);
      const pos = this.posAt(i);
      if (rel <= prevRel || pos <= prevPos || rel < 0) {
        throw new IndexCorruptError(this.file, `entry ${i} (${rel}, ${pos}) does not follow (${prevRel}, ${prevPos})`);
      }
      prevRel = rel;
      prevPos = pos;
    }
  }
}
