/**
 * Magic-2 record batches as whole objects: build one from records, decode one (or a buffer of them)
 * into records. The produce/fetch hot path moves batches as opaque slices (batch-header.ts); this
 * is for whatever must look inside: record-level validation, the log cleaner, transaction markers,
 * tools and tests.
 *
 * Record layout inside the (possibly compressed) payload, from Kafka's implementation docs:
 *   length varint, attributes int8, timestampDelta varlong, offsetDelta varint,
 *   key (varint length, -1 = null), value (likewise), headerCount varint,
 *   headers: key (varint length + UTF-8), value (varint length, -1 = null).
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES_OFFSET,
  BATCH_OVERHEAD,
  CRC_OFFSET,
  CURRENT_MAGIC,
  CompressionCodec,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  TimestampType,
  batchSizeAt,
  readBatchHeader,
  writeInt64,
  type BatchHeader,
} from './batch-header.js';
import { compress, decompress } from './compression.js';
import { CorruptRecordError, UnsupportedMagicError } from './errors.js';
import { Cursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  /** Absolute: baseOffset + offsetDelta. */
  offset: number;
  /** Absolute: baseTimestamp + timestampDelta, or the batch's maxTimestamp under LogAppendTime. */
  timestamp: number;
  /** Views into the batch (or its decompressed payload), not copies. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface RecordInput {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
  /** Defaults to the time buildBatch is called. */
  timestamp?: number;
  /** Defaults to the record's index; set it to build gapped batches like the log cleaner leaves. */
  offsetDelta?: number;
}

export interface BuildBatchOptions {
  baseOffset?: number;
  records: RecordInput[];
  compression?: CompressionCodec;
  compressionLevel?: number;
  /** -1 (the default) for non-idempotent producers, as are producerEpoch and baseSequence. */
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampType;
  /** The broker time written as maxTimestamp under LogAppendTime; defaults to now. */
  logAppendTime?: number;
  /** Only for batches with no records (Kafka writes -1, NO_TIMESTAMP). */
  emptyBatchTimestamp?: number;
}

export interface DecodedBatch {
  header: BatchHeader;
  records: KafkaRecord[];
  /** Bytes the batch occupies in the input, i.e. batchLength + 12. */
  size: number;
}

export interface DecodeOptions {
  /** Skip the CRC when the caller has just validated it (e.g. validateBatches). Default true. */
  verifyCrc?: boolean;
  /** Decompression-bomb guard for compressed batches. */
  maxDecompressedSize?: number;
}

const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
const CODEC_MASK = 0x07;
const MAX_CODEC = CompressionCodec.Zstd;
/** Smallest possible record: seven one-byte fields (length, attributes, 2 deltas, 2 lengths, headers). */
const MIN_RECORD_SIZE = 7;
const MIN_HEADER_SIZE = 2;

const toBytes = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

const sizeOfNullable = (b: Buffer | null): number => (b === null ? 1 : sizeOfVarint(b.length) + b.length);

function writeNullable(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

interface PreparedRecord {
  bodySize: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: Buffer; value: Buffer | null }[];
}

export function buildBatch(opts: BuildBatchOptions): Buffer {
  const now = Date.now();
  const codec = opts.compression ?? CompressionCodec.None;
  const inputs = opts.records;
  const baseTimestamp = inputs.length > 0 ? (inputs[0]!.timestamp ?? now) : (opts.emptyBatchTimestamp ?? -1);
  let maxTimestamp = inputs.length > 0 ? -Infinity : baseTimestamp;
  let lastOffsetDelta = 0;

  // Pass 1: normalise and size every record so the payload is written into one exact allocation.
  const prepared: PreparedRecord[] = new Array(inputs.length);
  let payloadSize = 0;
  for (let i = 0; i < inputs.length; i++) {
    const r = inputs[i]!;
    const timestamp = r.timestamp ?? now;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const offsetDelta = r.offsetDelta ?? i;
    if (offsetDelta > lastOffsetDelta) lastOffsetDelta = offsetDelta;
    const key = toBytes(r.key);
    const value = toBytes(r.value);
    const headers = (r.headers ?? []).map((h) => ({ key: Buffer.from(h.key, 'utf8'), value: toBytes(h.value) }));
    const timestampDelta = timestamp - baseTimestamp;
    let bodySize =
      1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfNullable(key) + sizeOfNullable(value);
    bodySize += sizeOfVarint(headers.length);
    for (const h of headers) bodySize += sizeOfNullable(h.key) + sizeOfNullable(h.value);
    prepared[i] = { bodySize, timestampDelta, offsetDelta, key, value, headers };
    payloadSize += sizeOfVarint(bodySize) + bodySize;
  }
  if (opts.timestampType === TimestampType.LogAppendTime) maxTimestamp = opts.logAppendTime ?? now;

  // Pass 2: uncompressed payloads go straight into the batch; compressed ones via a scratch buffer.
  const direct = codec === CompressionCodec.None;
  let payload: Buffer = Buffer.allocUnsafe(direct ? BATCH_OVERHEAD + payloadSize : payloadSize);
  let pos = direct ? BATCH_OVERHEAD : 0;
  for (const p of prepared) {
    pos = writeVarint(payload, pos, p.bodySize);
    payload[pos++] = 0; // record attributes: unused
    pos = writeVarlong(payload, pos, p.timestampDelta);
    pos = writeVarint(payload, pos, p.offsetDelta);
    pos = writeNullable(payload, pos, p.key);
    pos = writeNullable(payload, pos, p.value);
    pos = writeVarint(payload, pos, p.headers.length);
    for (const h of p.headers) {
      pos = writeNullable(payload, pos, h.key);
      pos = writeNullable(payload, pos, h.value);
    }
  }

  let batch: Buffer;
  if (direct) {
    batch = payload;
  } else {
    payload = compress(codec, payload, opts.compressionLevel);
    batch = Buffer.allocUnsafe(BATCH_OVERHEAD + payload.length);
    payload.copy(batch, BATCH_OVERHEAD);
  }

  const attributes =
    codec |
    (opts.timestampType === TimestampType.LogAppendTime ? TIMESTAMP_TYPE_BIT : 0) |
    (opts.transactional ? TRANSACTIONAL_BIT : 0) |
    (opts.isControl ? CONTROL_BIT : 0);
  writeInt64(batch, 0, opts.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeInt32BE(opts.partitionLeaderEpoch ?? -1, 12);
  batch.writeInt8(CURRENT_MAGIC, MAGIC_OFFSET);
  batch.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  batch.writeInt32BE(lastOffsetDelta, 23);
  writeInt64(batch, 27, baseTimestamp);
  writeInt64(batch, 35, maxTimestamp);
  writeInt64(batch, 43, opts.producerId ?? -1);
  batch.writeInt16BE(opts.producerEpoch ?? -1, 51);
  batch.writeInt32BE(opts.baseSequence ?? -1, 53);
  batch.writeInt32BE(inputs.length, 57);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

/**
 * Check the framing of the batch at `pos` and return its size. Magic is looked at before the
 * length because legacy message sets put their magic byte at the same position.
 */
function checkFraming(buf: Buffer, pos: number, verifyCrc: boolean): number {
  const available = buf.length - pos;
  if (pos < 0 || available < MAGIC_OFFSET + 1) throw new CorruptRecordError('truncated batch header', pos);
  const magic = buf.readInt8(pos + MAGIC_OFFSET);
  if (magic === 0 || magic === 1) throw new UnsupportedMagicError(magic, pos);
  if (magic !== CURRENT_MAGIC) throw new CorruptRecordError(`invalid magic ${magic}`, pos);
  if (available < BATCH_OVERHEAD) throw new CorruptRecordError('truncated batch header', pos);
  const size = batchSizeAt(buf, pos);
  if (size < BATCH_OVERHEAD) throw new CorruptRecordError(`batch length ${size - LOG_OVERHEAD} below the header size`, pos);
  if (size > available) throw new CorruptRecordError(`batch of ${size} bytes truncated to ${available}`, pos);
  if (verifyCrc) {
    const stored = buf.readUInt32BE(pos + CRC_OFFSET);
    const actual = crc32c(buf.subarray(pos + ATTRIBUTES_OFFSET, pos + size));
    if (stored !== actual) {
      throw new CorruptRecordError(`CRC mismatch: stored ${hex(stored)}, computed ${hex(actual)}`, pos);
    }
  }
  return size;
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

export function decodeBatch(buf: Buffer, pos = 0, opts: DecodeOptions = {}): DecodedBatch {
  const size = checkFraming(buf, pos, opts.verifyCrc ?? true);
  const header = readBatchHeader(buf, pos);
  const codec = header.attributes & CODEC_MASK;
  if (codec > MAX_CODEC) throw new CorruptRecordError(`unknown compression codec ${codec}`, pos + ATTRIBUTES_OFFSET);
  const count = header.recordsCount;
  if (count < 0) throw new CorruptRecordError(`negative record count ${count}`, pos + 57);

  let cursor: Cursor;
  if (codec === CompressionCodec.None) {
    cursor = new Cursor(buf, pos + BATCH_OVERHEAD, pos + size);
  } else {
    const payload = decompress(codec as CompressionCodec, buf.subarray(pos + BATCH_OVERHEAD, pos + size), {
      maxOutputLength: opts.maxDecompressedSize,
    });
    cursor = new Cursor(payload);
  }
  // Guards the loop below against a huge count on a tiny payload before any allocation.
  if (count > cursor.remaining / MIN_RECORD_SIZE) {
    throw new CorruptRecordError(`${count} records cannot fit in ${cursor.remaining} bytes`, pos + 57);
  }

  const logAppendTime = (header.attributes & TIMESTAMP_TYPE_BIT) !== 0;
  const records: KafkaRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    records[i] = decodeRecord(cursor, header, logAppendTime);
  }
  if (cursor.remaining !== 0) {
    throw new CorruptRecordError(`${cursor.remaining} bytes left after the batch's ${count} records`, pos);
  }
  return { header, records, size };
}

function decodeRecord(c: Cursor, header: BatchHeader, logAppendTime: boolean): KafkaRecord {
  const at = c.pos;
  const length = c.varint();
  if (length < MIN_RECORD_SIZE - 1 || length > c.remaining) {
    throw new CorruptRecordError(`invalid record length ${length}`, at);
  }
  const end = c.pos + length;
  c.pos++; // attributes: unused by magic 2
  const timestampDelta = c.varlong();
  const offsetDelta = c.varint();
  const key = c.nullableBytes();
  const value = c.nullableBytes();
  const headerCount = c.varint();
  if (headerCount < 0 || headerCount > (end - c.pos) / MIN_HEADER_SIZE) {
    throw new CorruptRecordError(`invalid header count ${headerCount}`, at);
  }
  const headers: RecordHeader[] = new Array(headerCount);
  for (let h = 0; h < headerCount; h++) {
    const keyAt = c.pos;
    const keyLength = c.varint();
    if (keyLength < 0) throw new CorruptRecordError(`negative header key length ${keyLength}`, keyAt);
    headers[h] = { key: c.string(keyLength), value: c.nullableBytes() };
  }
  if (c.pos !== end) {
    throw new CorruptRecordError(`record declared ${length} bytes but its fields took ${c.pos - end + length}`, at);
  }
  return {
    offset: header.baseOffset + offsetDelta,
    timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

/**
 * Decode every whole batch in `buf`. A trailing partial batch is ignored: fetch responses are cut
 * at max bytes and may end mid-batch. A batch whose size field is itself nonsense is not "partial"
 * and is reported as corrupt.
 */
export function decodeBatches(buf: Buffer, opts: DecodeOptions = {}): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < 0) break;
    if (size >= BATCH_OVERHEAD && pos + size > buf.length) break;
    const batch = decodeBatch(buf, pos, opts);
    out.push(batch);
    pos += batch.size;
  }
  return out;
}

/** Records of every whole batch in `buf`, flattened; control batches included. */
export function decodeRecords(buf: Buffer, opts: DecodeOptions = {}): KafkaRecord[] {
  const out: KafkaRecord[] = [];
  for (const b of decodeBatches(buf, opts)) for (const r of b.records) out.push(r);
  return out;
}
