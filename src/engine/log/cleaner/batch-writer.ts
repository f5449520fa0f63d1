/**
 * Re-encoding a batch with some of its records removed, the way Kafka's cleaner does
 * (MemoryRecords.buildRetainedRecordsInto): the batch keeps its base offset, its last offset
 * delta (so the offsets it spans, and the producer's last sequence, do not move), producer id,
 * epoch, base sequence, leader epoch, compression and flags; surviving records keep their offset
 * deltas. When the batch carries a delete horizon (attribute bit 6, KIP-534) the base timestamp
 * holds it and record timestamp deltas are relative to it.
 *
 * Lives here rather than in records/record-batch.ts because buildBatch cannot keep a last offset
 * delta beyond its last record or set the base timestamp; it reuses that module's varint and
 * compression helpers.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BATCH_OVERHEAD,
  type BatchHeader,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  writeInt64,
} from '../../records/batch-header.js';
import { compress } from '../../records/compression.js';
import type { KafkaRecord } from '../../records/record-batch.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../records/varint.js';

export const DELETE_HORIZON_BIT = 0x40;
const TIMESTAMP_TYPE_BIT = 0x08;
const CODEC_MASK = 0x07;

export const hasDeleteHorizon = (attributes: number): boolean => (attributes & DELETE_HORIZON_BIT) !== 0;

const nullableSize = (b: Buffer | null): number => (b === null ? 1 : sizeOfVarint(b.length) + b.length);
function writeNullable(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

function writeHeader(batch: Buffer, h: BatchHeader, attributes: number, baseTimestamp: number, maxTimestamp: number, count: number): Buffer {
  writeInt64(batch, 0, h.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(h.partitionLeaderEpoch, 12);
  batch.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(h.lastOffsetDelta, 23);
  writeInt64(batch, 27, baseTimestamp);
  writeInt64(batch, 35, maxTimestamp);
  writeInt64(batch, 43, h.producerId);
  batch.writeInt16BE(h.producerEpoch, 51);
  batch.writeInt32BE(h.baseSequence, 53);
  batch.writeInt32BE(count, 57);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

/** The batch `original` with only `records` (a non-empty subset of its records, in order). */
export function buildRetainedBatch(original: BatchHeader, records: readonly KafkaRecord[], deleteHorizonMs?: number): Buffer {
  const logAppendTime = (original.attributes & TIMESTAMP_TYPE_BIT) !== 0;
  let attributes = original.attributes & ~DELETE_HORIZON_BIT;
  if (deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_BIT;
  const baseTimestamp = deleteHorizonMs ?? records[0]!.timestamp;
  let maxTimestamp = logAppendTime ? original.maxTimestamp : -1;

  const prepared = records.map((r) => {
    const headers = r.headers.map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: h.value }));
    const tsDelta = r.timestamp - baseTimestamp;
    const offsetDelta = r.offset - original.baseOffset;
    let body = 1 + sizeOfVarlong(tsDelta) + sizeOfVarint(offsetDelta) + nullableSize(r.key) + nullableSize(r.value) + sizeOfVarint(headers.length);
    for (const h of headers) body += nullableSize(h.key) + nullableSize(h.value);
    if (!logAppendTime && r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    return { r, headers, tsDelta, offsetDelta, body };
  });
  const payloadSize = prepared.reduce((n, p) => n + sizeOfVarint(p.body) + p.body, 0);
  let payload: Buffer = Buffer.allocUnsafe(payloadSize);
  let pos = 0;
  for (const p of prepared) {
    pos = writeVarint(payload, pos, p.body);
    payload[pos++] = 0;
    pos = writeVarlong(payload, pos, p.tsDelta);
    pos = writeVarint(payload, pos, p.offsetDelta);
    pos = writeNullable(payload, pos, p.r.key);
    pos = writeNullable(payload, pos, p.r.value);
    pos = writeVarint(payload, pos, p.headers.length);
    for (const h of p.headers) {
      pos = writeNullable(payload, pos, h.key);
      pos = writeNullable(payload, pos, h.value);
    }
  }
  payload = compress(original.attributes & CODEC_MASK, payload);
  const batch = Buffer.allocUnsafe(BATCH_OVERHEAD + payload.length);
  payload.copy(batch, BATCH_OVERHEAD);
  return writeHeader(batch, original, attributes, baseTimestamp, maxTimestamp, records.length);
}

/**
 * A header-only batch standing for `original` once all its records are gone, kept so the
 * producer's last sequence survives compaction (Kafka's writeEmptyHeader).
 */
export function buildEmptyBatch(original: BatchHeader): Buffer {
  const attributes = original.attributes & ~CODEC_MASK & ~DELETE_HORIZON_BIT;
  return writeHeader(Buffer.alloc(BATCH_OVERHEAD), original, attributes, original.maxTimestamp, original.maxTimestamp, 0);
}
