import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LogDirError } from '../../src/engine/log/errors.js';
import { LogManager, type LogManagerOptions } from '../../src/engine/log/log-manager.js';
import { batch, batchBases, cleanupTmpDirs, config, MemoryLogger, recordOffsets, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

function manager(dirs: string[], logger = new MemoryLogger(), extra: Partial<LogManagerOptions> = {}): LogManager {
  return LogManager.open({ config: { logDirs: dirs, defaultLogConfig: config() }, logger, ...extra });
}

describe('LogManager', () => {
  test('creates partition dirs across log dirs, reopens them after a clean shutdown', async () => {
    const d1 = tmpDir();
    const d2 = tmpDir();
    const m = manager([d1, d2]);
    expect(m.hadCleanShutdown()).toBe(false);
    for (let p = 0; p < 4; p++) {
      const log = m.getOrCreateLog('orders', p, { topicId: Buffer.alloc(16, p + 1) });
      log.append(batch(p + 1), { leaderEpoch: 3 });
      log.updateHighWatermark(log.logEndOffset);
    }
    expect(fs.readdirSync(d1).filter((n) => n.startsWith('orders')).length).toBe(2);
    expect(fs.readdirSync(d2).filter((n) => n.startsWith('orders')).length).toBe(2);
    await m.close();
    for (const d of [d1, d2]) {
      expect(JSON.parse(fs.readFileSync(path.join(d, '.kafka_cleanshutdown'), 'utf8'))).toEqual({ version: 0, brokerEpoch: -1 });
      const rp = fs.readFileSync(path.join(d, 'recovery-point-offset-checkpoint'), 'utf8').split('\n');
      expect(rp[0]).toBe('0');
      expect(rp[1]).toBe('2');
      expect(rp.slice(2, 4).every((l) => /^orders \d \d$/.test(l))).toBe(true);
      expect(fs.existsSync(path.join(d, 'log-start-offset-checkpoint'))).toBe(true);
      expect(fs.existsSync(path.join(d, 'replication-offset-checkpoint'))).toBe(true);
    }
    const m2 = manager([d1, d2]);
    expect(m2.hadCleanShutdown()).toBe(true);
    expect(fs.existsSync(path.join(d1, '.kafka_cleanshutdown'))).toBe(false);
    for (let p = 0; p < 4; p++) {
      const log = m2.getLog('orders', p)!;
      expect(log.logEndOffset).toBe(p + 1);
      expect(log.highWatermark).toBe(p + 1);
      expect(log.topicId).toBe(Buffer.alloc(16, p + 1).toString('base64url'));
      expect(log.leaderEpochCache.latestEpoch()).toBe(3);
      const leaderEpochFile = fs.readFileSync(path.join(log.dir, 'leader-epoch-checkpoint'), 'utf8');
      expect(leaderEpochFile).toBe('0\n1\n3 0\n');
    }
    await m2.close();
  });

  test('a clean start reads no segment data', async () => {
    const d = tmpDir();
    const m = manager([d]);
    const log = m.getOrCreateLog('t', 0, { config: config({ segmentBytes: batch(1).length * 2 }) });
    for (let i = 0; i < 10; i++) log.append(batch(1), { leaderEpoch: 0 });
    await m.close();
    // Scribble over the data of every closed segment: a clean start must not notice.
    const dir = path.join(d, 't-0');
    const closed = fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort().slice(0, -1);
    for (const n of closed) fs.writeFileSync(path.join(dir, n), Buffer.alloc(fs.statSync(path.join(dir, n)).size, 0xee));
    const logger = new MemoryLogger();
    const m2 = manager([d], logger);
    expect(m2.getLog('t', 0)!.logEndOffset).toBe(10);
    expect(logger.warnings()).toEqual([]);
    await m2.close();
  });

  test('an unclean stop recovers from the recovery point and resumes', async () => {
    const d = tmpDir();
    const m = manager([d]);
    const log = m.getOrCreateLog('t', 0);
    for (let i = 0; i < 5; i++) log.append(batch(2), { leaderEpoch: 1 });
    log.flush();
    m.checkpointRecoveryPoints();
    for (let i = 0; i < 5; i++) log.append(batch(2), { leaderEpoch: 2 });
    m.crashForTesting();
    const logger = new MemoryLogger();
    const m2 = manager([d], logger);
    expect(m2.hadCleanShutdown()).toBe(false);
    const again = m2.getLog('t', 0)!;
    expect(again.logEndOffset).toBe(20);
    expect(again.recoveryPoint).toBe(10);
    expect(again.leaderEpochCache.epochEntries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
    ]);
    expect(recordOffsets(again.read(18, 1000).records)).toEqual([18, 19]);
    expect(again.append(batch(1), { leaderEpoch: 2 }).baseOffset).toBe(20);
    await m2.close();
  });

  test('garbage in the middle of a segment truncates at the first bad batch with a clear log line', async () => {
    const d = tmpDir();
    const m = manager([d]);
    const b = batch(2);
    const log = m.getOrCreateLog('t', 0, { config: config({ segmentBytes: b.length * 10 }) });
    for (let i = 0; i < 25; i++) log.append(batch(2), { leaderEpoch: 0 });
    m.crashForTesting();
    // corrupt batch 4 of the first segment (offsets 8-9)
    const file = path.join(d, 't-0', '00000000000000000000.log');
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('garbage!garbage!garbage!'), 0, 24, b.length * 4 + 30);
    fs.closeSync(fd);
    const logger = new MemoryLogger();
    const m2 = manager([d], logger);
    const again = m2.getLog('t', 0)!;
    expect(again.logEndOffset).toBe(8);
    expect(again.segments.count).toBe(1);
    const warning = logger.warnings().join('\n');
    expect(warning).toContain('00000000000000000000.log');
    expect(warning).toContain(`byte position ${b.length * 4}`);
    expect(warning).toContain('CRC mismatch');
    expect(warning).toMatch(/removed 2 later segment/);
    expect(batchBases(again.read(0, 1 << 20).records)).toEqual([0, 2, 4, 6]);
    await m2.close();
  });

  test('a log dir that cannot be created or written is a clear error naming it', () => {
    const d = tmpDir();
    const file = path.join(d, 'plain-file');
    fs.writeFileSync(file, 'x');
    const bad = path.join(file, 'logs');
    expect(() => manager([d, bad])).toThrow(LogDirError);
    expect(() => manager([bad])).toThrow(`Log directory ${bad} is not usable`);
  });

  test('deleteLog renames the dir -delete and removes it; the partition can be recreated', async () => {
    const d = tmpDir();
    const m = manager([d]);
    m.getOrCreateLog('gone', 0).append(batch(3), { leaderEpoch: 0 });
    expect(m.deleteLog('gone', 0)).toBe(true);
    expect(m.getLog('gone', 0)).toBeUndefined();
    expect(fs.existsSync(path.join(d, 'gone-0'))).toBe(false);
    const fresh = m.getOrCreateLog('gone', 0);
    expect(fresh.logEndOffset).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(d).filter((n) => n.endsWith('-delete'))).toEqual([]);
    expect(m.deleteLog('never', 0)).toBe(false);
    await m.close();
  });

  test('refuses illegal topic names and duplicate partition dirs', async () => {
    const d1 = tmpDir();
    const d2 = tmpDir();
    const m = manager([d1]);
    expect(() => m.getOrCreateLog('../x', 0)).toThrow(/Illegal topic/);
    m.getOrCreateLog('dup', 0);
    await m.close();
    fs.mkdirSync(path.join(d2, 'dup-0'));
    expect(() => manager([d1, d2])).toThrow(/Duplicate log directories for dup-0/);
  });

  test('malformed checkpoint files are reported and ignored', async () => {
    const d = tmpDir();
    const m = manager([d]);
    m.getOrCreateLog('t', 0).append(batch(2), { leaderEpoch: 0 });
    await m.close();
    fs.writeFileSync(path.join(d, 'recovery-point-offset-checkpoint'), 'nonsense');
    const logger = new MemoryLogger();
    const m2 = manager([d], logger);
    expect(logger.warnings().join()).toMatch(/Malformed checkpoint file .*recovery-point-offset-checkpoint/);
    expect(m2.getLog('t', 0)!.logEndOffset).toBe(2);
    await m2.close();
  });
});

describe('LogManager periodic checkpoints', () => {
  test('high watermarks are checkpointed off the event loop, and close() writes the final values after them', async () => {
    const d = tmpDir();
    const m = LogManager.open({ config: { logDirs: [d], defaultLogConfig: config(), highWatermarkCheckpointIntervalMs: 20 }, logger: new MemoryLogger() });
    m.startup();
    const log = m.getOrCreateLog('hw', 0, { topicId: Buffer.alloc(16, 9) });
    log.append(batch(3), { leaderEpoch: 0 });
    log.updateHighWatermark(log.logEndOffset);
    const file = path.join(d, 'replication-offset-checkpoint');
    const deadline = Date.now() + 5000;
    while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('hw 0 3')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\nhw 0 3\n');
    log.append(batch(2), { leaderEpoch: 0 });
    log.updateHighWatermark(log.logEndOffset);
    await m.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('0\n1\nhw 0 5\n');
    expect(fs.readdirSync(d).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
