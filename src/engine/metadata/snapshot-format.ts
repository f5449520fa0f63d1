/**
 * The bytes of a metadata snapshot (`<endOffset>-<epoch>.checkpoint`), as Kafka's
 * RecordsSnapshotWriter writes them: record batches exactly like a log segment's, with offsets
 * starting at 0 in every snapshot and partitionLeaderEpoch = the snapshot's epoch:
 *
 *   control batch   SnapshotHeaderRecord (offset 0), version 0, lastContainedLogTimestamp
 *   data batches    metadata records, each value framed as in the log (metadata-serde: frame
 *                   version, record type, record version, data), key null; up to
 *                   MAX_SNAPSHOT_BATCH_BYTES per batch, uncompressed
 *   control batch   SnapshotFooterRecord, version 0 (the last record)
 *
 * A snapshot is valid when every batch is whole with a good CRC, the offsets run on without gaps,
 * it opens with the header and ends with the footer, and nothing follows the footer.
 */
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../controller/metadata-serde.js';
import { batchCrcValid, batchSizeAt, BATCH_OVERHEAD, CURRENT_MAGIC, isControl, MAGIC_OFFSET } from '../records/batch-header.js';
import { ControlRecordType, parseControlKey } from '../records/control.js';
import { buildBatch, decodeBatch, type DecodedBatch } from '../records/record-batch.js';
import { controlKey, decodeSnapshotFooter, decodeSnapshotHeader, encodeSnapshotFooter, encodeSnapshotHeader, type SnapshotHeader } from './snapshot-control-records.js';
import type { SnapshotId } from './snapshot-id.js';

/** Kafka's KafkaRaftClient.MAX_BATCH_SIZE_BYTES, the batch size its snapshot writer uses. */
export const MAX_SNAPSHOT_BATCH_BYTES = 8 * 1024 * 1024;

export class CorruptSnapshotError extends Error {
  override name = 'CorruptSnapshotError';
}

export interface SnapshotContents {
  header: SnapshotHeader;
  /** The epoch the batches carry (partitionLeaderEpoch). */
  epoch: number;
  records: MetadataRecord[];
}

/**
 * The snapshot's batches in order, built lazily so a writer can write each one (and yield to the
 * event loop) before the next is built.
 */
export function* encodeSnapshotBatches(
  id: SnapshotId,
  lastContainedLogTimestamp: number,
  records: Iterable<MetadataRecord>,
  maxBatchBytes = MAX_SNAPSHOT_BATCH_BYTES,
): Generator<Buffer> {
  const now = Date.now();
  let offset = 0;
  const control = (type: ControlRecordType, value: Buffer): Buffer =>
    buildBatch({ baseOffset: offset++, records: [{ key: controlKey(type), value, timestamp: now }], isControl: true, partitionLeaderEpoch: id.epoch });
  yield control(ControlRecordType.SnapshotHeader, encodeSnapshotHeader({ version: 0, lastContainedLogTimestamp }));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): Buffer => {
    const batch = buildBatch({ baseOffset: offset, records: pending.map((value) => ({ key: null, value, timestamp: now })), partitionLeaderEpoch: id.epoch });
    offset += pending.length;
    pending = [];
    pendingBytes = 0;
    return batch;
  };
  for (const record of records) {
    const value = encodeMetadataRecord(record);
    // a record costs its value plus at most ~20 bytes of varint framing
    if (pending.length > 0 && pendingBytes + value.length + 20 > maxBatchBytes - BATCH_OVERHEAD) yield flush();
    pending.push(value);
    pendingBytes += value.length + 20;
  }
  if (pending.length > 0) yield flush();
  yield control(ControlRecordType.SnapshotFooter, encodeSnapshotFooter());
}

/** Every batch whole, CRC-checked, of magic 2; returns their positions and sizes. */
function frameBatches(buf: Buffer): { pos: number; size: number }[] {
  const out: { pos: number; size: number }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const size = batchSizeAt(buf, pos);
    if (size < BATCH_OVERHEAD || pos + size > buf.length) throw new CorruptSnapshotError(`truncated or malformed batch at byte ${pos} of ${buf.length}`);
    if (buf.readInt8(pos + MAGIC_OFFSET) !== CURRENT_MAGIC) throw new CorruptSnapshotError(`batch at byte ${pos} has magic ${buf.readInt8(pos + MAGIC_OFFSET)}`);
    if (!batchCrcValid(buf, pos)) throw new CorruptSnapshotError(`CRC mismatch in the batch at byte ${pos}`);
    out.push({ pos, size });
    pos += size;
  }
  if (out.length < 2) throw new CorruptSnapshotError(`${out.length} batches: a snapshot has at least a header and a footer`);
  return out;
}

function controlRecordOf(batch: DecodedBatch, expected: ControlRecordType, where: string): Buffer {
  const first = batch.records[0];
  if (!isControl(batch.header.attributes) || !first || parseControlKey(first.key).type !== expected || !first.value) {
    throw new CorruptSnapshotError(`the ${where} batch is not a ${expected === ControlRecordType.SnapshotHeader ? 'SnapshotHeader' : 'SnapshotFooter'} control batch`);
  }
  return first.value;
}

/**
 * Check a whole snapshot's structure without decoding its metadata records (a snapshot fetched from
 * a leader, before it is installed). Throws CorruptSnapshotError.
 */
export function validateSnapshot(buf: Buffer): SnapshotHeader {
  return walkSnapshot(buf, () => undefined).header;
}

/** Decode a whole snapshot: its header and every metadata record in order. Throws CorruptSnapshotError. */
export function decodeSnapshot(buf: Buffer): SnapshotContents {
  const records: MetadataRecord[] = [];
  const { header, epoch } = walkSnapshot(buf, (batch) => {
    for (const r of batch.records) {
      if (!r.value) throw new CorruptSnapshotError(`record at offset ${r.offset} has no value`);
      try {
        records.push(decodeMetadataRecord(r.value));
      } catch (e) {
        throw new CorruptSnapshotError(`record at offset ${r.offset}: ${(e as Error).message}`);
      }
    }
  });
  return { header, epoch, records };
}

function walkSnapshot(buf: Buffer, onData: (batch: DecodedBatch) => void): { header: SnapshotHeader; epoch: number } {
  const frames = frameBatches(buf);
  let nextOffset = 0;
  let header: SnapshotHeader | undefined;
  let epoch = -1;
  frames.forEach(({ pos }, i) => {
    try {
      visit(pos, i);
    } catch (e) {
      if (e instanceof CorruptSnapshotError) throw e;
      throw new CorruptSnapshotError(`batch at byte ${pos}: ${(e as Error).message}`);
    }
  });
  return { header: header!, epoch };

  function visit(pos: number, i: number): void {
    let batch: DecodedBatch;
    try {
      batch = decodeBatch(buf, pos, { verifyCrc: false });
    } catch (e) {
      throw new CorruptSnapshotError(`batch at byte ${pos}: ${(e as Error).message}`);
    }
    if (batch.header.baseOffset !== nextOffset) throw new CorruptSnapshotError(`batch at byte ${pos} starts at offset ${batch.header.baseOffset}, expected ${nextOffset}`);
    nextOffset = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
    if (i === 0) {
      header = decodeSnapshotHeader(controlRecordOf(batch, ControlRecordType.SnapshotHeader, 'first'));
      epoch = batch.header.partitionLeaderEpoch;
    } else if (i === frames.length - 1) {
      decodeSnapshotFooter(controlRecordOf(batch, ControlRecordType.SnapshotFooter, 'last'));
    } else if (!isControl(batch.header.attributes)) {
      onData(batch);
    }
    // other control batches (KRaftVersion, Voters in a kraft.version 1 snapshot) carry no metadata
  }
}
