/**
 * Crash test: a child process appends and flushes batches, reporting each flushed offset; it is
 * SIGKILLed at random moments, twenty times. Every reopen must recover a valid log holding every
 * batch reported flushed, and no partial or corrupt batch may ever be readable. Between kills the
 * test also tears the tail and deletes or truncates index files, which recovery must repair.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { decodeBatches } from '../../src/engine/records/record-batch.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import { runAndKill } from './crash-runner.js';
import { cleanupTmpDirs, config, MemoryLogger, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'crash-writer.mjs');
const dist = path.join(here, '..', '..', 'dist', 'engine', 'log', 'index.js');

test('twenty SIGKILLs: every flushed batch survives and nothing partial is readable', async () => {
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
  const dir = tmpDir('kt-crash-');
  let maxFlushed = -1;
  const opts = () => ({ config: { logDirs: [dir], defaultLogConfig: config({ segmentBytes: 1048576, indexIntervalBytes: 512, segmentIndexBytes: 4096 }) }, logger: new MemoryLogger() });
  for (let round = 0; round < 20; round++) {
    const { reported, stderr } = await runAndKill(child, dir, round + 1, 5 + Math.floor(Math.random() * 150));
    expect(stderr).not.toMatch(/ERROR/);
    if (reported.length) maxFlushed = Math.max(maxFlushed, reported[reported.length - 1]!);
    const part = path.join(dir, 'crash-0');
    const logs = fs.readdirSync(part).filter((n) => n.endsWith('.log')).sort();
    // damage the files the way a crashed OS might
    if (round % 3 === 1) fs.appendFileSync(path.join(part, logs[logs.length - 1]!), Buffer.alloc(1 + Math.floor(Math.random() * 200), 0x33));
    if (round % 4 === 2) for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.index'))) fs.unlinkSync(path.join(part, n));
    if (round % 4 === 3) for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.timeindex'))) fs.truncateSync(path.join(part, n), 5);

    const m = LogManager.open(opts());
    const log = m.getLog('crash', 0)!;
    expect(log.logEndOffset).toBeGreaterThan(maxFlushed);
    // scan everything: contiguous offsets, valid CRCs (decodeBatches verifies them), whole batches
    let at = 0;
    let count = 0;
    while (at < log.logEndOffset) {
      const r = log.read(at, 1 << 20);
      const batches = decodeBatches(r.records);
      expect(batches.reduce((n, b) => n + b.size, 0)).toBe(r.records.length);
      for (const b of batches) {
        expect(b.header.baseOffset).toBe(at);
        expect(b.records.length).toBe(b.header.lastOffsetDelta + 1);
        at = b.header.baseOffset + b.header.lastOffsetDelta + 1;
        count++;
      }
    }
    expect(at).toBe(log.logEndOffset);
    // random point reads (exercising rebuilt indexes) land on the batch holding the offset
    for (let i = 0; i < 50; i++) {
      const o = Math.floor(Math.random() * log.logEndOffset);
      const b = decodeBatches(log.read(o, 1).records)[0]!;
      expect(b.header.baseOffset <= o && o <= b.header.baseOffset + b.header.lastOffsetDelta).toBe(true);
    }
    expect(count).toBeGreaterThan(0);
    // alternate: leave a clean shutdown, or crash the checker too so the child must recover
    if (round % 2 === 0) await m.close();
    else m.crashForTesting();
  }
  // after a final clean open/close the index files are whole again
  const m = LogManager.open(opts());
  await m.close();
  const part = path.join(dir, 'crash-0');
  for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.index'))) expect(fs.statSync(path.join(part, n)).size % 8).toBe(0);
  for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.timeindex'))) expect(fs.statSync(path.join(part, n)).size % 12).toBe(0);
  expect(maxFlushed).toBeGreaterThan(100);
}, 120_000);
