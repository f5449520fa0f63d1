/**
 * Producer state snapshot files, `<20-digit offset>.snapshot` beside the segments (Kafka's format,
 * the ProducerSnapshot message, version 1): the producer state as of that offset, so opening a log
 * replays only the batches after it. Written at each segment roll (named by the new segment's
 * base offset) and at a clean close (named by the log end offset).
 *
 * Layout (big-endian):
 *
 *   version        int16    1
 *   crc            uint32   CRC-32C of every byte after this field
 *   entries        int32    count, then per producer 46 bytes:
 *     producerId             int64
 *     epoch                  int16
 *     lastSequence           int32
 *     lastOffset             int64   last offset of its last data batch (-1: only markers)
 *     offsetDelta            int32   lastOffset - first offset of that batch
 *     timestamp              int64   its last write's timestamp
 *     coordinatorEpoch       int32
 *     currentTxnFirstOffset  int64   -1 when no transaction is open
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { readInt64, writeInt64 } from '../../records/batch-header.js';
import { offsetFileName, SNAPSHOT_SUFFIX } from '../log-files.js';

export const PRODUCER_SNAPSHOT_VERSION = 1;
const CRC_OFFSET = 2;
const ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 46;

export interface SnapshotEntry {
  producerId: number;
  epoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

export class CorruptSnapshotError extends Error {
  constructor(file: string, reason: string) {
    super(`Producer state snapshot ${file} is corrupt: ${reason}`);
    this.name = 'CorruptSnapshotError';
  }
}

export function snapshotFilePath(dir: string, offset: number): string {
  return path.join(dir, offsetFileName(offset) + SNAPSHOT_SUFFIX);
}

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const m = /^(\d{20})\.snapshot$/.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

export function encodeSnapshot(entries: readonly SnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, ENTRIES_OFFSET);
  let at = ENTRIES_OFFSET + 4;
  for (const e of entries) {
    writeInt64(buf, at, e.producerId);
    buf.writeInt16BE(e.epoch, at + 8);
    buf.writeInt32BE(e.lastSequence, at + 10);
    writeInt64(buf, at + 14, e.lastOffset);
    buf.writeInt32BE(e.offsetDelta, at + 22);
    writeInt64(buf, at + 26, e.timestamp);
    buf.writeInt32BE(e.coordinatorEpoch, at + 34);
    writeInt64(buf, at + 38, e.currentTxnFirstOffset);
    at += ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(ENTRIES_OFFSET)), CRC_OFFSET);
  return buf;
}

export function decodeSnapshot(buf: Buffer, file = 'snapshot'): SnapshotEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new CorruptSnapshotError(file, `${buf.length} bytes is too short`);
  const version = buf.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(file, `unknown version ${version}`);
  const crc = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf.subarray(ENTRIES_OFFSET));
  if (crc !== computed) throw new CorruptSnapshotError(file, `CRC ${crc} does not match the computed ${computed}`);
  const count = buf.readInt32BE(ENTRIES_OFFSET);
  if (count < 0 || buf.length !== ENTRIES_OFFSET + 4 + count * ENTRY_SIZE) throw new CorruptSnapshotError(file, `${count} entries do not fill ${buf.length} bytes`);
  const out: SnapshotEntry[] = [];
  for (let i = 0, at = ENTRIES_OFFSET + 4; i < count; i++, at += ENTRY_SIZE) {
    out.push({
      producerId: readInt64(buf, at),
      epoch: buf.readInt16BE(at + 8),
      lastSequence: buf.readInt32BE(at + 10),
      lastOffset: readInt64(buf, at + 14),
      offsetDelta: buf.readInt32BE(at + 22),
      timestamp: readInt64(buf, at + 26),
      coordinatorEpoch: buf.readInt32BE(at + 34),
      currentTxnFirstOffset: readInt64(buf, at + 38),
    });
  }
  return out;
}

export function readSnapshotFile(file: string): SnapshotEntry[] {
  return decodeSnapshot(fs.readFileSync(file), file);
}
