/**
 * Compaction with transactions: aborted records go (and never shadow committed values), markers
 * stay until delete.retention.ms after their transaction's data is gone, a producer's last batch
 * survives, and nothing at or beyond the first unstable offset is cleaned.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { buildBatch, decodeBatches, type DecodedBatch } from '../../src/engine/records/record-batch.js';
import { isControl } from '../../src/engine/records/batch-header.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import type { PartitionLog } from '../../src/engine/log/partition-log.js';
import { cleanupTmpDirs, config, FakeClock, keyed, MemoryLogger, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const HOUR = 3_600_000;

function setup() {
  const clock = new FakeClock(1_700_000_000_000);
  const m = LogManager.open({
    config: { logDirs: [tmpDir()], defaultLogConfig: config({ cleanupPolicy: ['compact'], fileDeleteDelayMs: 0, segmentBytes: 400, deleteRetentionMs: HOUR }) },
    clock,
    logger: new MemoryLogger(),
  });
  return { m, log: m.getOrCreateLog('c', 0), clock };
}

const txn = (pid: number, seq: number, recs: { key: string; value: string }[], ts: number) =>
  buildBatch({ producerId: pid, producerEpoch: 0, baseSequence: seq, transactional: true, records: recs.map((r) => ({ ...r, timestamp: ts })) });

function all(log: PartitionLog): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  for (let o = log.logStartOffset; o < log.logEndOffset; ) {
    const r = log.read(o, 1 << 20);
    if (r.records.length === 0) break;
    out.push(...decodeBatches(r.records));
    o = r.nextOffset;
  }
  return out;
}
const values = (log: PartitionLog) => all(log).filter((b) => !isControl(b.header.attributes)).flatMap((b) => b.records.map((r) => `${r.key}=${r.value}`));
const markers = (log: PartitionLog) => all(log).filter((b) => isControl(b.header.attributes)).map((b) => `${b.header.producerId}@${b.header.baseOffset}`);

function filler(log: PartitionLog, clock: FakeClock, n: number): void {
  for (let i = 0; i < n; i++) log.append(keyed([{ key: `f${i % 3}`, value: `x${i}`, ts: clock.t }]), { leaderEpoch: 0 });
}

describe('compaction with transactions', () => {
  test('aborted records are removed, markers outlive their data by delete.retention.ms', async () => {
    const { m, log, clock } = setup();
    const mark = (pid: number, commit: boolean) => log.appendMarker({ producerId: pid, producerEpoch: 0, commit, coordinatorEpoch: 0, leaderEpoch: 0, nowMs: clock.t });
    log.append(txn(1, 0, [{ key: 'k1', value: 'committed' }], clock.t), { leaderEpoch: 0 }); // 0
    log.append(txn(2, 0, [{ key: 'k1', value: 'aborted' }, { key: 'k2', value: 'aborted' }], clock.t), { leaderEpoch: 0 }); // 1-2
    mark(1, true); // 3
    mark(2, false); // 4
    log.append(txn(2, 2, [{ key: 'k3', value: 'later' }], clock.t), { leaderEpoch: 0 }); // 5: producer 2's last data batch
    mark(2, true); // 6
    filler(log, clock, 30);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.abortedTransactions(0, 7)).toEqual([{ producerId: 2, firstOffset: 1 }]);

    await m.cleaner.clean(log);
    expect(values(log).filter((v) => v.startsWith('k'))).toEqual(['k1=committed', 'k3=later']);
    // the abort's data was seen in this clean: its marker and index entry stay
    expect(markers(log)).toEqual(['1@3', '2@4', '2@6']);
    expect(log.abortedTransactions(0, 7)).toEqual([{ producerId: 2, firstOffset: 1 }]);

    // next clean: the aborted data is gone, the marker gets its delete horizon
    clock.t += 1000;
    await m.cleaner.clean(log);
    expect(markers(log)).toEqual(['1@3', '2@4', '2@6']);
    clock.t += HOUR + 1000;
    await m.cleaner.clean(log);
    expect(markers(log)).toEqual(['1@3', '2@6']);
    expect(values(log).filter((v) => v.startsWith('k'))).toEqual(['k1=committed', 'k3=later']);
    await m.close();
  });

  test('a producer\'s last batch survives as an empty header, even an aborted one', async () => {
    const { m, log, clock } = setup();
    log.append(txn(5, 0, [{ key: 'a', value: '1' }], clock.t), { leaderEpoch: 0 });
    log.appendMarker({ producerId: 5, producerEpoch: 0, commit: false, coordinatorEpoch: 0, leaderEpoch: 0, nowMs: clock.t });
    filler(log, clock, 30);
    log.updateHighWatermark(log.logEndOffset);
    await m.cleaner.clean(log);
    const p5 = all(log).filter((b) => b.header.producerId === 5);
    expect(p5.map((b) => [b.header.baseOffset, b.header.recordsCount, isControl(b.header.attributes)])).toEqual([
      [0, 0, false],
      [1, 1, true],
    ]);
    await m.close();
  });

  test('nothing at or beyond the first unstable offset is cleaned', async () => {
    const { m, log, clock } = setup();
    filler(log, clock, 10);
    const open = log.append(txn(9, 0, [{ key: 'f0', value: 'pending' }], clock.t), { leaderEpoch: 0 }).baseOffset;
    filler(log, clock, 30);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.lastStableOffset).toBe(open);
    const st = m.cleaner.cleanableState(log);
    expect(st.firstUncleanableOffset).toBeLessThanOrEqual(open);
    const r = await m.cleaner.clean(log);
    expect(r.endOffset).toBeLessThanOrEqual(open);
    expect(values(log)).toContain('f0=pending');
    // every record at or after the open transaction is still there
    const after = all(log).flatMap((b) => b.records.map((x) => x.offset)).filter((o) => o >= open);
    expect(after.length).toBe(log.logEndOffset - open);
    await m.close();
  });
});
