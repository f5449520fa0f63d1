/**
 * One partition's records out of a Fetch response: decode the batches, drop what lies before the
 * fetch offset (a compressed batch starts where it starts), skip control batches, and under
 * read_committed drop batches of aborted transactions, as Kafka's consumer does with the
 * response's abortedTransactions list, and stop at the last stable offset: what lies beyond it
 * belongs to transactions still open (a broker limits read_committed fetches to it; this holds
 * the line should one not).
 */
import { isControl, isTransactional } from '../records/batch-header.js';
import { decodeBatches, type RecordHeader } from '../records/record-batch.js';

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: TimestampTypeName;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  leaderEpoch: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

export interface PartitionRecords {
  records: ConsumerRecord[];
  /** Where the next fetch starts: past every whole batch seen, control and aborted ones included. */
  nextOffset: number;
  /** Bytes of key and value, for throughput figures. */
  bytes: number;
  /** Whole batches in the data; 0 with data present means a batch larger than the fetch limit. */
  batches: number;
}

const LOG_APPEND_TIME_BIT = 0x08;
/** ControlRecordType.ABORT: the key of an abort marker is (version int16, type int16 = 0). */
const ABORT = 0;

export function recordsFromFetch(
  topic: string,
  partition: number,
  data: Buffer | null,
  fetchOffset: number,
  readCommitted: boolean,
  abortedTransactions: readonly AbortedTransaction[] | null,
  lastStableOffset = -1,
): PartitionRecords {
  const records: ConsumerRecord[] = [];
  let nextOffset = fetchOffset;
  let bytes = 0;
  if (!data || data.length === 0) return { records, nextOffset, bytes, batches: 0 };
  const aborted = readCommitted && abortedTransactions ? [...abortedTransactions].sort((a, b) => a.firstOffset - b.firstOffset) : [];
  const abortedProducers = new Set<number>();
  const batches = decodeBatches(data);
  for (const batch of batches) {
    const h = batch.header;
    const lastOffset = h.baseOffset + h.lastOffsetDelta;
    if (lastOffset < fetchOffset) continue;
    if (readCommitted && lastStableOffset >= 0 && h.baseOffset >= lastStableOffset) break;
    nextOffset = Math.max(nextOffset, lastOffset + 1);
    const control = isControl(h.attributes);
    if (readCommitted && h.producerId >= 0) {
      while (aborted.length > 0 && aborted[0]!.firstOffset <= lastOffset) abortedProducers.add(aborted.shift()!.producerId);
      if (control) {
        const key = batch.records[0]?.key;
        if (key && key.length >= 4 && key.readInt16BE(2) === ABORT) abortedProducers.delete(h.producerId);
        continue;
      }
      if (isTransactional(h.attributes) && abortedProducers.has(h.producerId)) continue;
    }
    if (control) continue;
    const timestampType: TimestampTypeName = (h.attributes & LOG_APPEND_TIME_BIT) !== 0 ? 'LogAppendTime' : 'CreateTime';
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue;
      bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
      records.push({
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType,
        key: r.key,
        value: r.value,
        headers: r.headers,
        leaderEpoch: h.partitionLeaderEpoch,
      });
    }
  }
  return { records, nextOffset, bytes, batches: batches.length };
}
