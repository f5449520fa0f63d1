/**
 * The .checkpoint file: written through .part + fsync + rename, read back whole or by byte range,
 * accepted in chunks (a snapshot fetched from a leader) only when valid, and every kind of damage
 * reported as CorruptSnapshotError. Also the retention rule (which snapshots and log may go).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { metadataRecord } from '../../src/engine/controller/metadata-serde.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';
import { CorruptSnapshotError, decodeSnapshot, encodeSnapshotBatches, validateSnapshot } from '../../src/engine/metadata/snapshot-format.js';
import { parseSnapshotPath, snapshotFileName } from '../../src/engine/metadata/snapshot-id.js';
import { oldestSnapshotToKeep } from '../../src/engine/metadata/snapshot-retention.js';
import { FileSnapshotStore } from '../../src/engine/metadata/snapshot-store.js';
import type { SnapshotStore } from '../../src/engine/raft/snapshot-store.js';
import { CRC_OFFSET } from '../../src/engine/records/batch-header.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-snap-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const topicRecords = (n: number) =>
  Array.from({ length: n }, (_, i) => metadataRecord(RecordType.Topic, { name: `topic-${i}`, topicId: Buffer.alloc(16, i % 256).toString('base64url') }));
const snapshotBytes = (n: number, batchBytes?: number): Buffer =>
  Buffer.concat([...encodeSnapshotBatches({ endOffset: 100, epoch: 3 }, 1_700_000_000_000, topicRecords(n), batchBytes)]);

describe('snapshot file names', () => {
  it("are Kafka's <20-digit end offset>-<10-digit epoch>.checkpoint", () => {
    expect(snapshotFileName({ endOffset: 100, epoch: 1 })).toBe('00000000000000000100-0000000001.checkpoint');
    expect(parseSnapshotPath('00000000000000000100-0000000001.checkpoint')).toEqual({ id: { endOffset: 100, epoch: 1 }, kind: 'complete' });
    expect(parseSnapshotPath('00000000000000000100-0000000001-abc.checkpoint.part')?.kind).toBe('partial');
    expect(parseSnapshotPath('00000000000000000100-0000000001.checkpoint.deleted')?.kind).toBe('deleted');
    expect(parseSnapshotPath('00000000000000000100.log')).toBeUndefined();
  });
});

describe('snapshot format', () => {
  it('opens with a SnapshotHeader control batch at offset 0, ends with a SnapshotFooter, offsets without gaps, epoch on every batch', () => {
    const bytes = snapshotBytes(50, 400);
    const decoded = decodeSnapshot(bytes);
    expect(decoded.header).toEqual({ version: 0, lastContainedLogTimestamp: 1_700_000_000_000 });
    expect(decoded.epoch).toBe(3);
    expect(decoded.records.map((r) => r.data.name)).toEqual(topicRecords(50).map((r) => r.data.name));
    // header key: version 0, type 3 (SNAPSHOT_HEADER); the first batch is a control batch
    expect(bytes.readInt16BE(21) & 0x20).toBe(0x20);
  });

  it('reports a flipped byte, a truncated tail, extra bytes, a missing footer and a missing header as corrupt', () => {
    const good = snapshotBytes(20, 300);
    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)]! ^= 0xff;
    const badCrc = Buffer.from(good);
    badCrc.writeUInt32BE((badCrc.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET);
    const batches = [...encodeSnapshotBatches({ endOffset: 1, epoch: 0 }, 0, topicRecords(3), 100)];
    for (const bad of [flipped, badCrc, good.subarray(0, good.length - 7), Buffer.concat([good, Buffer.alloc(5)]), Buffer.concat(batches.slice(0, -1)), Buffer.concat(batches.slice(1)), Buffer.alloc(0)]) {
      expect(() => decodeSnapshot(bad)).toThrow(CorruptSnapshotError);
      expect(() => validateSnapshot(bad)).toThrow(CorruptSnapshotError);
    }
  });
});

describe('FileSnapshotStore', () => {
  it('writes atomically, lists, reads byte ranges and deletes; an interrupted write leaves nothing readable', () => {
    const dir = tempDir();
    const store = new FileSnapshotStore(dir);
    const bytes = snapshotBytes(30);
    store.write({ endOffset: 100, epoch: 3 }, bytes);
    expect(fs.readdirSync(dir)).toEqual(['00000000000000000100-0000000003.checkpoint']);
    expect(store.latest()).toEqual({ endOffset: 100, epoch: 3 });
    expect(store.size({ endOffset: 100, epoch: 3 })).toBe(bytes.length);
    expect(store.read({ endOffset: 100, epoch: 3 }, 10, 25)).toEqual(bytes.subarray(10, 35));
    expect(store.read({ endOffset: 100, epoch: 3 }, bytes.length - 3, 100)).toEqual(bytes.subarray(bytes.length - 3));
    expect(store.read({ endOffset: 100, epoch: 3 }, bytes.length, 100).length).toBe(0);

    // a crash mid-write leaves a .part file; reopening removes it and it never counts as a snapshot
    const w = store.beginWrite({ endOffset: 200, epoch: 3 });
    w.append(bytes.subarray(0, 40));
    const reopened = new FileSnapshotStore(dir);
    expect(reopened.list()).toEqual([{ endOffset: 100, epoch: 3 }]);
    expect(fs.readdirSync(dir).some((n) => n.endsWith('.part'))).toBe(false);

    reopened.delete({ endOffset: 100, epoch: 3 });
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(new FileSnapshotStore(dir).list()).toEqual([]);
  });

  it("is a SnapshotStore for the Raft layer (latest, size, read a range, write whole)", () => {
    const dir = tempDir();
    const raftView: SnapshotStore = new FileSnapshotStore(dir);
    const id = { endOffset: 7, epoch: 2 };
    const bytes = snapshotBytes(10);
    raftView.write(id, new Uint8Array(bytes));
    expect(raftView.latest()).toEqual(id);
    expect(raftView.size(id)).toBe(bytes.length);
    expect(Buffer.from(raftView.read(id, 5, 10))).toEqual(bytes.subarray(5, 15));
    expect(() => raftView.write({ endOffset: 9, epoch: 2 }, bytes.subarray(0, 50))).toThrow(CorruptSnapshotError);
  });

  it('accepts a snapshot fetched in chunks only when it validates', () => {
    const dir = tempDir();
    const leader = new FileSnapshotStore(path.join(dir, 'leader'));
    const follower = new FileSnapshotStore(path.join(dir, 'follower'));
    const id = { endOffset: 100, epoch: 3 };
    leader.write(id, snapshotBytes(500));
    const size = leader.size(id)!;
    const w = follower.beginWrite(id);
    while (w.size < size) w.append(leader.read(id, w.size, 1000));
    expect(w.freeze()).toEqual(id);
    expect(follower.readAll(id)).toEqual(leader.readAll(id));

    const bad = follower.beginWrite({ endOffset: 200, epoch: 3 });
    bad.append(leader.read(id, 0, size - 10));
    expect(() => bad.freeze()).toThrow(CorruptSnapshotError);
    expect(follower.list()).toEqual([id]);
    expect(fs.readdirSync(path.join(dir, 'follower'))).toEqual([snapshotFileName(id)]);
  });
});

describe('snapshot retention (Kafka maybeClean)', () => {
  const snap = (endOffset: number, sizeInBytes: number, ts = 0) => ({ id: { endOffset, epoch: 0 }, sizeInBytes, lastContainedLogTimestamp: ts });
  const policy = { retentionBytes: 1000, retentionMs: -1 };

  it('never cleans with a single snapshot, and keeps the latest', () => {
    expect(oldestSnapshotToKeep([snap(100, 5000)], 5000, 0, policy, 0)).toBeUndefined();
    expect(oldestSnapshotToKeep([snap(100, 500), snap(200, 500), snap(300, 500)], 5000, 0, policy, 0)).toEqual({ endOffset: 300, epoch: 0 });
  });

  it('deletes the oldest snapshots while log + snapshots exceed metadata.max.retention.bytes', () => {
    expect(oldestSnapshotToKeep([snap(100, 300), snap(200, 300), snap(300, 300)], 300, 0, policy, 0)).toEqual({ endOffset: 200, epoch: 0 });
    expect(oldestSnapshotToKeep([snap(100, 300), snap(200, 300)], 100, 0, policy, 0)).toBeUndefined();
  });

  it('deletes snapshots older than metadata.max.retention.ms, and never past the log start', () => {
    const byTime = { retentionBytes: -1, retentionMs: 1000 };
    expect(oldestSnapshotToKeep([snap(100, 1, 0), snap(200, 1, 500), snap(300, 1, 5000)], 0, 0, byTime, 5200)).toEqual({ endOffset: 300, epoch: 0 });
    expect(oldestSnapshotToKeep([snap(100, 1, 0), snap(200, 1, 500), snap(300, 1, 5000)], 0, 300, byTime, 5200)).toBeUndefined();
  });
});
