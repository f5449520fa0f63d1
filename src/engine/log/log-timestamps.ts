/**
 * ListOffsets lookups by time. The time index narrows the search to a batch (batch max
 * timestamps are in the headers); only that batch is decoded to find the record.
 */
import { decodeBatch } from '../records/record-batch.js';
import type { LogSegment } from './log-segment.js';
import type { TimestampAndOffset } from './partition-log-types.js';

/** The earliest record (in offset order) with timestamp >= ts at or above `logStartOffset`. */
export function offsetForTimestamp(segments: readonly LogSegment[], ts: number, logStartOffset: number): TimestampAndOffset | undefined {
  for (const seg of segments) {
    if (seg.largestTimestamp() < ts) continue;
    const b = seg.findBatchByTimestamp(ts, logStartOffset);
    if (!b) continue;
    const batch = seg.readBytes(b.position, b.size);
    const epoch = batch.readInt32BE(12);
    for (const r of decodeBatch(batch, 0, { verifyCrc: false }).records) {
      if (r.timestamp >= ts && r.offset >= logStartOffset) return { timestamp: r.timestamp, offset: r.offset, leaderEpoch: epoch };
    }
  }
  return undefined;
}

/** MAX_TIMESTAMP: the first record carrying the log's largest timestamp (Kafka 3.9, KIP-734). */
export function maxTimestampAndOffset(segments: readonly LogSegment[], logStartOffset: number): TimestampAndOffset | undefined {
  let best: LogSegment | undefined;
  for (const seg of segments) if (!best || seg.maxTimestampSoFar > best.maxTimestampSoFar) best = seg;
  if (!best || best.maxTimestampSoFar < 0) return undefined;
  const m = best.maxTimestampAndOffset();
  const b = best.findBatchByTimestamp(m.timestamp, Math.max(logStartOffset, best.baseOffset));
  if (!b) return undefined;
  const batch = best.readBytes(b.position, b.size);
  const decoded = decodeBatch(batch, 0, { verifyCrc: false });
  const h = decoded.header;
  const r = decoded.records.find((x) => x.timestamp === h.maxTimestamp);
  return { timestamp: h.maxTimestamp, offset: r ? r.offset : h.baseOffset + h.lastOffsetDelta, leaderEpoch: h.partitionLeaderEpoch };
}
