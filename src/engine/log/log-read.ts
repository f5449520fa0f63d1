/**
 * Where a read is served from: the tail cache when it holds the start offset, else the segment
 * holding it (or the next one with data). Like Kafka, one read returns data from a single segment.
 */
import { EMPTY_BUFFER } from './segment-read.js';
import type { LogSegments } from './log-segments.js';
import type { ReadOptions } from './partition-log-types.js';
import type { TailCache } from './tail-cache.js';

export interface LogRead {
  records: Buffer;
  firstOffset: number;
  nextOffset: number;
}

/** `startOffset` is within [logStartOffset, logEndOffset) (the caller checked). */
export function readLog(segments: LogSegments, tail: TailCache, startOffset: number, maxBytes: number, opts: ReadOptions): LogRead {
  const maxOffset = opts.maxOffset ?? Infinity;
  const minOne = opts.minOneBatch ?? true;
  if (startOffset >= maxOffset) return { records: EMPTY_BUFFER, firstOffset: -1, nextOffset: startOffset };
  if (startOffset >= tail.firstOffset) {
    const c = tail.read(startOffset, maxBytes, maxOffset, minOne);
    if (c) return c;
  }
  const all = segments.all;
  for (let i = Math.max(0, segments.floorIndex(startOffset)); i < all.length; i++) {
    const r = all[i]!.read(startOffset, maxBytes, maxOffset, minOne, opts.allocate);
    if (r) return r;
  }
  return { records: EMPTY_BUFFER, firstOffset: -1, nextOffset: startOffset };
}
