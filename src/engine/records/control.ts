/**
 * Control records: the single record of a control batch (attributes bit 5). Transaction markers
 * are the ones consumers care about; their key tells COMMIT from ABORT, which is what
 * read_committed consumers use to drop aborted data.
 *
 *   key:   version int16 (0), type int16
 *   value (COMMIT/ABORT): version int16 (0), coordinatorEpoch int32
 */
import { isControl } from './batch-header.js';
import { CorruptRecordError } from './errors.js';
import { buildBatch, type DecodedBatch } from './record-batch.js';

/** Kafka's ControlRecordType ids; the KRaft ones only appear in metadata logs. */
export const enum ControlRecordType {
  Abort = 0,
  Commit = 1,
  LeaderChange = 2,
  SnapshotHeader = 3,
  SnapshotFooter = 4,
  KRaftVersion = 5,
  KRaftVoters = 6,
}

export interface ControlRecordKey {
  version: number;
  type: number;
}

export interface EndTxnMarker {
  version: number;
  coordinatorEpoch: number;
}

/** Parse a control record key. Newer key versions keep type at the same place, so they parse too. */
export function parseControlKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < 4) throw new CorruptRecordError(`control record key of ${key?.length ?? 'null'} bytes`);
  return { version: key.readInt16BE(0), type: key.readInt16BE(2) };
}

export function parseEndTxnMarker(value: Buffer | null): EndTxnMarker {
  if (value === null || value.length < 6) {
    throw new CorruptRecordError(`transaction marker value of ${value?.length ?? 'null'} bytes`);
  }
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) };
}

/** The control type of a decoded batch, or null for a data batch. */
export function controlTypeOf(batch: DecodedBatch): number | null {
  if (!isControl(batch.header.attributes)) return null;
  const record = batch.records[0];
  if (record === undefined) throw new CorruptRecordError('control batch without a control record');
  return parseControlKey(record.key).type;
}

export interface ControlBatchOptions {
  baseOffset?: number;
  producerId: number;
  producerEpoch: number;
  type: ControlRecordType.Abort | ControlRecordType.Commit;
  coordinatorEpoch: number;
  timestamp?: number;
  partitionLeaderEpoch?: number;
}

/** A transaction marker batch as the transaction coordinator has partition leaders write it. */
export function buildControlBatch(opts: ControlBatchOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(opts.type, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(opts.coordinatorEpoch, 2);
  return buildBatch({
    baseOffset: opts.baseOffset,
    records: [{ key, value, timestamp: opts.timestamp }],
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    transactional: true,
    isControl: true,
    partitionLeaderEpoch: opts.partitionLeaderEpoch,
  });
}
