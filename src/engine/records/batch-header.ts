/**
 * The fixed 61-byte header of a magic-2 record batch, read and patched in place.
 *
 * This is all the broker's hot path ever looks at: batches travel as Buffer slices from the produce
 * request to the log and from the log to the fetch response, and only these header fields are read
 * (or, for the base offset, partition leader epoch and LogAppendTime, written) without touching the
 * records.
 *
 * Layout (big-endian), from Kafka's implementation docs:
 *
 *   offset  size  field
 *        0     8  baseOffset
 *        8     4  batchLength            bytes after this field (total size = batchLength + 12)
 *       12     4  partitionLeaderEpoch
 *       16     1  magic                  2 for this format
 *       17     4  crc                    CRC-32C of everything from `attributes` to the batch end
 *       21     2  attributes             bits 0-2 codec, 3 timestamp type, 4 transactional, 5 control
 *       23     4  lastOffsetDelta
 *       27     8  baseTimestamp
 *       35     8  maxTimestamp
 *       43     8  producerId
 *       51     2  producerEpoch
 *       53     4  baseSequence
 *       57     4  recordsCount
 *       61        records...
 *
 * Legacy message sets (magic 0 and 1) share the first 17 bytes' positions for offset, size and magic,
 * which is how they are recognised and refused.
 */
import { crc32c } from '@node-rs/crc32';

export const BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const CURRENT_MAGIC = 2;

export const enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

const CODEC_MASK = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;

export interface BatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 4294967296, pos + 4);
}

/** Size in bytes of the batch starting at `pos`, or -1 when fewer than 12 bytes remain. */
export function batchSizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < LOG_OVERHEAD) return -1;
  return buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
}

export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: buf.readInt32BE(pos + 12),
    magic: buf.readInt8(pos + 16),
    crc: buf.readUInt32BE(pos + 17),
    attributes: buf.readInt16BE(pos + 21),
    lastOffsetDelta: buf.readInt32BE(pos + 23),
    baseTimestamp: readInt64(buf, pos + 27),
    maxTimestamp: readInt64(buf, pos + 35),
    producerId: readInt64(buf, pos + 43),
    producerEpoch: buf.readInt16BE(pos + 51),
    baseSequence: buf.readInt32BE(pos + 53),
    recordsCount: buf.readInt32BE(pos + 57),
  };
}

export const batchBaseOffset = (buf: Buffer, pos = 0): number => readInt64(buf, pos);
export const batchLastOffset = (buf: Buffer, pos = 0): number => readInt64(buf, pos) + buf.readInt32BE(pos + 23);
export const batchMagic = (buf: Buffer, pos = 0): number => buf.readInt8(pos + MAGIC_OFFSET);
export const batchMaxTimestamp = (buf: Buffer, pos = 0): number => readInt64(buf, pos + 35);
export const batchRecordsCount = (buf: Buffer, pos = 0): number => buf.readInt32BE(pos + 57);
export const batchAttributes = (buf: Buffer, pos = 0): number => buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
export const compressionOf = (attributes: number): CompressionCodec => (attributes & CODEC_MASK) as CompressionCodec;
export const timestampTypeOf = (attributes: number): TimestampType =>
  attributes & TIMESTAMP_TYPE_BIT ? TimestampType.LogAppendTime : TimestampType.CreateTime;
export const isTransactional = (attributes: number): boolean => (attributes & TRANSACTIONAL_BIT) !== 0;
export const isControl = (attributes: number): boolean => (attributes & CONTROL_BIT) !== 0;

/** Assign offsets: the only write a produce makes to a batch it did not build. CRC is unaffected. */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeInt64(buf, pos, baseOffset);
}

/** Stamped by the leader on append; outside the CRC span, like the base offset. */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + 12);
}

/**
 * Switch a batch to LogAppendTime with the broker's clock (message.timestamp.type=LogAppendTime).
 * Attributes and maxTimestamp are inside the CRC span, so the CRC is recomputed.
 */
export function stampLogAppendTime(buf: Buffer, pos: number, nowMs: number): void {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_OFFSET);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, pos + ATTRIBUTES_OFFSET);
  writeInt64(buf, pos + 35, nowMs);
  const end = pos + batchSizeAt(buf, pos);
  buf.writeUInt32BE(crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, end)), pos + CRC_OFFSET);
}

/** CRC-32C of the batch at `pos` as stored in it, compared with the bytes it covers. */
export function batchCrcValid(buf: Buffer, pos = 0): boolean {
  const size = batchSizeAt(buf, pos);
  if (size < BATCH_OVERHEAD || pos + size > buf.length) return false;
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size)) === buf.readUInt32BE(pos + CRC_OFFSET);
}

export function computeBatchCrc(buf: Buffer, pos = 0): number {
  const size = batchSizeAt(buf, pos);
  return crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
}

export type BatchProblem =
  | { kind: 'ok' }
  | { kind: 'truncated'; at: number }
  | { kind: 'corrupt'; at: number; reason: string }
  | { kind: 'unsupported-magic'; at: number; magic: number };

/**
 * Walk the batches in `buf` checking framing, magic and (optionally) CRC without decoding records.
 * Used by produce validation and by log recovery; returns the first problem found.
 */
export function validateBatches(buf: Buffer, checkCrc = true, maxBatchSize = Infinity): BatchProblem {
  let pos = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < 0) return { kind: 'truncated', at: pos };
    if (buf.length - pos < 17) return { kind: 'truncated', at: pos };
    const magic = buf.readInt8(pos + MAGIC_OFFSET);
    if (magic !== CURRENT_MAGIC) {
      if (magic === 0 || magic === 1) return { kind: 'unsupported-magic', at: pos, magic };
      return { kind: 'corrupt', at: pos, reason: `magic ${magic}` };
    }
    if (size < BATCH_OVERHEAD) return { kind: 'corrupt', at: pos, reason: `batch length ${size - LOG_OVERHEAD}` };
    if (size > maxBatchSize) return { kind: 'corrupt', at: pos, reason: `batch size ${size} over ${maxBatchSize}` };
    if (pos + size > buf.length) return { kind: 'truncated', at: pos };
    if (checkCrc && !batchCrcValid(buf, pos)) return { kind: 'corrupt', at: pos, reason: 'CRC mismatch' };
    pos += size;
  }
  return { kind: 'ok' };
}
