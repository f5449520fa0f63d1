/** The log manager forgets idle producers every producer.id.expiration.check.interval.ms. */
import { afterAll, expect, test, vi } from 'vitest';
import { LogManager } from '../../src/engine/log/log-manager.js';
import { logManagerConfigFromServerProps } from '../../src/engine/log/log-manager-config.js';
import { cleanupTmpDirs, config, FakeClock, MemoryLogger, tmpDir } from './helpers.js';
import { pbatch } from './producer-helpers.js';

afterAll(cleanupTmpDirs);

test('server properties carry producer.id.expiration.ms and its check interval', () => {
  const c = logManagerConfigFromServerProps({ 'log.dirs': '/tmp/x', 'producer.id.expiration.ms': '5000', 'producer.id.expiration.check.interval.ms': '250' });
  expect(c.producerIdExpirationMs).toBe(5000);
  expect(c.producerIdExpirationCheckIntervalMs).toBe(250);
  const d = logManagerConfigFromServerProps({ 'log.dirs': '/tmp/x' });
  expect([d.producerIdExpirationMs, d.producerIdExpirationCheckIntervalMs]).toEqual([86_400_000, 600_000]);
  expect(() => logManagerConfigFromServerProps({ 'log.dirs': '/tmp/x', 'producer.id.expiration.ms': '0' })).toThrow(/producer.id.expiration.ms/);
});

test('expired producers are removed on schedule, producers with an open transaction stay', async () => {
  const clock = new FakeClock();
  const m = LogManager.open({
    config: { logDirs: [tmpDir()], producerIdExpirationMs: 1000, producerIdExpirationCheckIntervalMs: 10, cleanerEnable: false, defaultLogConfig: config() },
    clock,
    logger: new MemoryLogger(),
  });
  const log = m.getOrCreateLog('t', 0);
  log.append(pbatch({ pid: 1, seq: 0, ts: clock.t }), { leaderEpoch: 0 });
  log.append(pbatch({ pid: 2, seq: 0, ts: clock.t, txn: true }), { leaderEpoch: 0 });
  m.startup();
  clock.t += 1000;
  await vi.waitFor(() => expect(log.activeProducers().map((p) => p.producerId)).toEqual([2]), { timeout: 5000, interval: 10 });
  // the expiration survives a restart: the snapshot written at close no longer has producer 1
  await m.close();
  const again = LogManager.open({ config: { logDirs: m.logDirs, producerIdExpirationMs: 1000, cleanerEnable: false, defaultLogConfig: config() }, clock, logger: new MemoryLogger() });
  expect(again.getLog('t', 0)!.activeProducers().map((p) => p.producerId)).toEqual([2]);
  await again.close();
});
