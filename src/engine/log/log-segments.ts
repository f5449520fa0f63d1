/**
 * The ordered segments of one partition log (Kafka's LogSegments): a sorted array with binary
 * search by base offset. Mutations replace the array (copy-on-write), so a caller iterating a
 * snapshot — the cleaner between two chunks of work — never sees it change under it.
 */
import type { LogSegment } from './log-segment.js';

export class LogSegments {
  private list: readonly LogSegment[] = [];

  get all(): readonly LogSegment[] {
    return this.list;
  }

  get count(): number {
    return this.list.length;
  }

  get first(): LogSegment | undefined {
    return this.list[0];
  }

  get last(): LogSegment | undefined {
    return this.list[this.list.length - 1];
  }

  add(segment: LogSegment): void {
    const i = this.insertionPoint(segment.baseOffset);
    const next = this.list.slice();
    if (next[i]?.baseOffset === segment.baseOffset) next[i] = segment;
    else next.splice(i, 0, segment);
    this.list = next;
  }

  remove(segment: LogSegment): void {
    this.list = this.list.filter((s) => s !== segment);
  }

  removeAll(segments: readonly LogSegment[]): void {
    const gone = new Set(segments);
    this.list = this.list.filter((s) => !gone.has(s));
  }

  clear(): void {
    this.list = [];
  }

  contains(segment: LogSegment): boolean {
    return this.list.includes(segment);
  }

  /** Index of the first segment with baseOffset >= offset. */
  private insertionPoint(offset: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.baseOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the segment that would hold `offset` (greatest base <= offset), or -1. */
  floorIndex(offset: number): number {
    const i = this.insertionPoint(offset);
    if (i < this.list.length && this.list[i]!.baseOffset === offset) return i;
    return i - 1;
  }

  floor(offset: number): LogSegment | undefined {
    const i = this.floorIndex(offset);
    return i >= 0 ? this.list[i] : undefined;
  }

  /** The segment after `segment`, if any. */
  next(segment: LogSegment): LogSegment | undefined {
    const i = this.list.indexOf(segment);
    return i >= 0 ? this.list[i + 1] : undefined;
  }

  /** Segments that may hold offsets in [from, to): from the floor of `from` up to base < to. */
  range(from: number, to: number): LogSegment[] {
    const start = Math.max(0, this.floorIndex(from));
    const out: LogSegment[] = [];
    for (let i = start; i < this.list.length && this.list[i]!.baseOffset < to; i++) out.push(this.list[i]!);
    return out;
  }

  sizeInBytes(): number {
    let n = 0;
    for (const s of this.list) n += s.size;
    return n;
  }
}
