/**
 * Producer state across restarts: Kafka's .snapshot files (format, CRC, retention), loading the
 * latest snapshot and replaying the log after it, and rebuilding the state and the aborted
 * transaction indexes after an unclean stop.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PartitionLog, type PartitionLogOptions } from '../../src/engine/log/partition-log.js';
import type { LogConfig } from '../../src/engine/log/log-config.js';
import { decodeSnapshot, encodeSnapshot, readSnapshotFile, type SnapshotEntry } from '../../src/engine/log/producer-state/producer-snapshot.js';
import { batch, cleanupTmpDirs, config, FakeClock, MemoryLogger, tmpDir } from './helpers.js';
import { codeOf, pbatch } from './producer-helpers.js';

afterAll(cleanupTmpDirs);

const E = { leaderEpoch: 0 };
const TS = 1_700_000_000_000;

function open(dir: string, opts: Partial<PartitionLogOptions> = {}, over: Partial<LogConfig> = {}): PartitionLog {
  return PartitionLog.open(dir, { topic: 't', partition: 0, config: config(over), context: { clock: new FakeClock(TS), logger: new MemoryLogger() }, ...opts });
}
const snapshots = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.snapshot')).sort();
const txnIndexes = (dir: string) => fs.readdirSync(dir).filter((n) => n.endsWith('.txnindex')).sort();

/** A workload over three segments: idempotent and transactional producers, commits and aborts, one open transaction. */
function workload(log: PartitionLog): void {
  const marker = (pid: number, commit: boolean, coordinatorEpoch = 0) =>
    log.appendMarker({ producerId: pid, producerEpoch: 0, commit, coordinatorEpoch, leaderEpoch: 0, nowMs: TS + 50 });
  log.append(pbatch({ pid: 1, seq: 0, count: 3 }), E); // 0-2
  log.append(pbatch({ pid: 2, seq: 0, txn: true }), E); // 3
  log.roll();
  log.append(pbatch({ pid: 1, seq: 3, count: 2 }), E); // 4-5
  log.append(pbatch({ pid: 3, seq: 0, txn: true, count: 2 }), E); // 6-7
  marker(2, false, 4); // 8
  log.append(batch(2), E); // 9-10
  log.roll();
  marker(3, true, 2); // 11
  log.append(pbatch({ pid: 2, seq: 1, txn: true }), E); // 12
  log.append(pbatch({ pid: 4, seq: 0, txn: true }), E); // 13
  marker(4, false); // 14
  log.updateHighWatermark(log.logEndOffset);
}

function stateOf(log: PartitionLog) {
  return {
    producers: log.activeProducers().sort((a, b) => a.producerId - b.producerId),
    aborted: log.abortedTransactions(0, log.logEndOffset),
    lso: log.lastStableOffset,
    open: [1, 2, 3, 4].filter((p) => log.hasOngoingTransaction(p)),
  };
}

describe('snapshot files', () => {
  test('Kafka\'s format: version 1, CRC-32C over the entries, 46 bytes per producer', () => {
    const entries: SnapshotEntry[] = [
      { producerId: 2 ** 40 + 7, epoch: 3, lastSequence: 99, lastOffset: 1234, offsetDelta: 4, timestamp: TS, coordinatorEpoch: 2, currentTxnFirstOffset: -1 },
      { producerId: 5, epoch: 0, lastSequence: -1, lastOffset: -1, offsetDelta: 0, timestamp: TS + 1, coordinatorEpoch: 0, currentTxnFirstOffset: 77 },
    ];
    const buf = encodeSnapshot(entries);
    expect(buf.length).toBe(2 + 4 + 4 + 2 * 46);
    expect(buf.readInt16BE(0)).toBe(1);
    expect(decodeSnapshot(buf)).toEqual(entries);
    buf[20] ^= 1;
    expect(() => decodeSnapshot(buf)).toThrow(/CRC/);
  });

  test('written at every roll and at a clean close; the state survives a reopen', () => {
    const dir = tmpDir();
    const log = open(dir);
    workload(log);
    const before = stateOf(log);
    expect(before.open).toEqual([2]);
    expect(before.lso).toBe(12);
    expect(before.aborted).toEqual([{ producerId: 2, firstOffset: 3 }, { producerId: 4, firstOffset: 13 }]);
    log.close();
    expect(snapshots(dir)).toEqual(['00000000000000000004.snapshot', '00000000000000000011.snapshot', '00000000000000000015.snapshot']);
    const last = readSnapshotFile(path.join(dir, '00000000000000000015.snapshot'));
    expect(last.find((e) => e.producerId === 1)).toEqual({ producerId: 1, epoch: 0, lastSequence: 4, lastOffset: 5, offsetDelta: 1, timestamp: TS + 1, coordinatorEpoch: -1, currentTxnFirstOffset: -1 });
    expect(last.find((e) => e.producerId === 2)).toMatchObject({ coordinatorEpoch: 4, currentTxnFirstOffset: 12 });

    const again = open(dir, { highWatermark: 15, hadCleanShutdown: true });
    expect(stateOf(again)).toEqual(before);
    // the last batch is still recognised as a retry; sequences continue
    expect(again.append(pbatch({ pid: 1, seq: 3, count: 2 }), E)).toMatchObject({ duplicate: true, baseOffset: 4, lastOffset: 5 });
    expect(codeOf(() => again.append(pbatch({ pid: 1, seq: 6 }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    again.append(pbatch({ pid: 1, seq: 5 }), E);
    again.close();
  });

  test('a corrupt snapshot is deleted and the state rebuilt from an older one and the log', () => {
    const dir = tmpDir();
    const log = open(dir);
    workload(log);
    const before = stateOf(log);
    log.close();
    const f = path.join(dir, '00000000000000000015.snapshot');
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(f, bytes);
    const logger = new MemoryLogger();
    const again = open(dir, { highWatermark: 15, hadCleanShutdown: true, context: { clock: new FakeClock(TS), logger } });
    expect(logger.warnings().join('\n')).toMatch(/00000000000000000015\.snapshot is corrupt: CRC/);
    expect(stateOf(again)).toEqual(before);
    again.close();
  });
});

describe('recovery', () => {
  test('after an unclean stop the state and the transaction indexes are rebuilt from the log', () => {
    const dir = tmpDir();
    const log = open(dir);
    workload(log);
    const before = stateOf(log);
    const indexBytes = Object.fromEntries(txnIndexes(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]));
    log.closeUncleanly();
    // lose what an unflushed crash could lose: every snapshot and transaction index
    for (const n of [...snapshots(dir), ...txnIndexes(dir)]) fs.unlinkSync(path.join(dir, n));
    const again = open(dir, { highWatermark: 15, recoveryPoint: 0 });
    expect(stateOf(again)).toEqual(before);
    expect(Object.fromEntries(txnIndexes(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]))).toEqual(indexBytes);
    again.closeUncleanly();

    // from the recovery point only: earlier segments keep their index, later ones are rebuilt
    fs.unlinkSync(path.join(dir, '00000000000000000011.txnindex'));
    const third = open(dir, { highWatermark: 15, recoveryPoint: 11 });
    expect(stateOf(third)).toEqual(before);
    expect(Object.fromEntries(txnIndexes(dir).map((n) => [n, fs.readFileSync(path.join(dir, n))]))).toEqual(indexBytes);
    third.close();
  });

  test('a torn tail loses the marker: its transaction is open again and its index entry gone', () => {
    const dir = tmpDir();
    const log = open(dir);
    workload(log);
    log.closeUncleanly();
    const seg = path.join(dir, '00000000000000000011.log');
    fs.truncateSync(seg, fs.statSync(seg).size - 5); // the abort marker of producer 4 is torn
    const again = open(dir, { highWatermark: 15, recoveryPoint: 11 });
    expect(again.logEndOffset).toBe(14);
    expect(again.hasOngoingTransaction(4)).toBe(true);
    expect(again.abortedTransactions(0, 14)).toEqual([{ producerId: 2, firstOffset: 3 }]);
    expect(again.lastStableOffset).toBe(12);
    again.close();
  });

  test('retention deletes the snapshots of deleted segments; stray snapshots go at load', () => {
    const dir = tmpDir();
    const log = open(dir, {}, { fileDeleteDelayMs: 0 });
    workload(log);
    log.close();
    const again = open(dir, { highWatermark: 15, hadCleanShutdown: true }, { fileDeleteDelayMs: 0 });
    again.append(pbatch({ pid: 1, seq: 5 }), E);
    again.roll();
    again.updateHighWatermark(again.logEndOffset);
    expect(snapshots(again.dir)).toEqual(['00000000000000000004.snapshot', '00000000000000000011.snapshot', '00000000000000000015.snapshot', '00000000000000000016.snapshot']);
    again.deleteRecordsBefore(11);
    expect(snapshots(dir)).toEqual(['00000000000000000011.snapshot', '00000000000000000015.snapshot', '00000000000000000016.snapshot']);
    again.close();
    // 15 is neither a segment base nor the latest: removed at the next open
    open(dir, { highWatermark: 16, hadCleanShutdown: true, logStartOffset: 11 }, { fileDeleteDelayMs: 0 }).close();
    expect(snapshots(dir)).toEqual(['00000000000000000011.snapshot', '00000000000000000016.snapshot']);
  });

  test('a cleanly shut down log without any snapshot (written before producer state existed) is not scanned', () => {
    const dir = tmpDir();
    const log = open(dir);
    for (let i = 0; i < 5; i++) log.append(batch(3), E);
    log.close();
    for (const n of snapshots(dir)) fs.unlinkSync(path.join(dir, n));
    const again = open(dir, { hadCleanShutdown: true });
    expect(again.activeProducers()).toEqual([]);
    expect(again.producerState.mapEndOffset).toBe(15);
    again.close();
  });
});
