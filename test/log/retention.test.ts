import fs from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { OffsetOutOfRangeError } from '../../src/engine/log/errors.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import type { LogConfig } from '../../src/engine/log/log-config.js';
import { batch, cleanupTmpDirs, config, FakeClock, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const B = batch(2).length;

/** 4 segments of 2 batches (offsets 0-3, 4-7, 8-11, active 12-15); batch i has timestamps 1000*i(+1). */
function filled(over: Partial<LogConfig>, clock = new FakeClock(100_000)): PartitionLog {
  const log = PartitionLog.open(tmpDir(), { topic: 't', partition: 0, config: config({ segmentBytes: B * 2, ...over }), context: { clock } });
  for (let i = 0; i < 8; i++) log.append(batch(2, { ts: 1000 * i }), { leaderEpoch: 0 });
  log.updateHighWatermark(log.logEndOffset);
  return log;
}

describe('retention', () => {
  test('retention.ms deletes whole segments whose largest timestamp is too old', () => {
    const log = filled({ retentionMs: 3500, fileDeleteDelayMs: 0 });
    // segments' largest timestamps: 1001, 3001, 5001, 7001; at 6000 only the first is older than 3500
    expect(log.deleteOldSegments(6000)).toBe(1);
    expect(log.segments.all.map((s) => s.baseOffset)).toEqual([4, 8, 12]);
    expect(log.logStartOffset).toBe(4);
    expect(() => log.read(3, 100)).toThrow(OffsetOutOfRangeError);
    expect(log.deleteOldSegments(9000)).toBe(2);
    expect(log.logStartOffset).toBe(12);
    log.close();
  });

  test('the active segment goes too when everything expired (a new empty one is rolled)', () => {
    const log = filled({ retentionMs: 10, fileDeleteDelayMs: 0 });
    expect(log.deleteOldSegments(1_000_000)).toBe(4);
    expect(log.segments.all.map((s) => [s.baseOffset, s.size])).toEqual([[16, 0]]);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([16, 16]);
    expect(log.append(batch(1), { leaderEpoch: 0 }).baseOffset).toBe(16);
    expect(log.deleteOldSegments(1_000_000)).toBe(0); // never an empty active segment; and this one is new
    log.close();
  });

  test('nothing at or above the high watermark is deleted', () => {
    const log = filled({ retentionMs: 10, fileDeleteDelayMs: 0 });
    log.updateHighWatermark(6);
    expect(log.deleteOldSegments(1_000_000)).toBe(1);
    expect(log.logStartOffset).toBe(4);
    log.close();
  });

  test('retention.bytes deletes the oldest segments while the log stays over the limit', () => {
    const log = filled({ retentionBytes: B * 5, fileDeleteDelayMs: 0, retentionMs: -1 });
    // 8 batches; deleting segments of 2 until <= 5 batches remain... only while size - seg >= limit
    expect(log.deleteOldSegments()).toBe(1);
    expect(log.size).toBe(B * 6);
    log.close();
  });

  test('retention does not apply to compact-only logs', () => {
    const log = filled({ retentionMs: 10, cleanupPolicy: ['compact'], fileDeleteDelayMs: 0 });
    expect(log.deleteOldSegments(1_000_000)).toBe(0);
    log.close();
  });

  test('deleted segments are renamed .deleted and removed after file.delete.delay.ms', async () => {
    const log = filled({ retentionMs: 3500, fileDeleteDelayMs: 30 });
    log.deleteOldSegments(6000);
    const names = fs.readdirSync(log.dir);
    expect(names).toContain('00000000000000000000.log.deleted');
    expect(names).toContain('00000000000000000000.index.deleted');
    expect(names).not.toContain('00000000000000000000.log');
    await new Promise((r) => setTimeout(r, 100));
    expect(fs.readdirSync(log.dir).filter((n) => n.endsWith('.deleted'))).toEqual([]);
    log.close();
  });

  test('the log manager runs retention on its schedule, and leftover .deleted files go at start', async () => {
    const d = tmpDir();
    const clock = new FakeClock(1_000_000);
    const m = LogManager.open({
      config: { logDirs: [d], retentionCheckIntervalMs: 20, defaultLogConfig: config({ segmentBytes: B * 2, retentionMs: 100, fileDeleteDelayMs: 60_000 }) },
      clock,
      logger: { info() {}, warn() {}, error() {} },
    });
    const log = m.getOrCreateLog('t', 0);
    for (let i = 0; i < 6; i++) log.append(batch(2, { ts: 1000 }), { leaderEpoch: 0 });
    log.updateHighWatermark(log.logEndOffset);
    m.startup();
    await new Promise((r) => setTimeout(r, 100));
    expect(log.logStartOffset).toBe(12);
    expect(fs.readdirSync(log.dir).some((n) => n.endsWith('.deleted'))).toBe(true);
    expect(fs.readFileSync(`${d}/log-start-offset-checkpoint`, 'utf8')).toBe('0\n1\nt 0 12\n');
    await m.close();
    const m2 = LogManager.open({ config: { logDirs: [d] }, logger: { info() {}, warn() {}, error() {} } });
    expect(fs.readdirSync(log.dir).some((n) => n.endsWith('.deleted'))).toBe(false);
    expect(m2.getLog('t', 0)!.logStartOffset).toBe(12);
    await m2.close();
  });
});
