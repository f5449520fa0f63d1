import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { buildBatch, decodeBatches, type DecodedBatch } from '../../src/engine/records/record-batch.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import type { LogConfig } from '../../src/engine/log/log-config.js';
import type { PartitionLog } from '../../src/engine/log/partition-log.js';
import { cleanupTmpDirs, config, FakeClock, keyed, MemoryLogger, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const DAY = 86_400_000;

function setup(over: Partial<LogConfig> = {}, dedupe = 1 << 20, dir = tmpDir()) {
  const clock = new FakeClock(1_700_000_000_000);
  const logger = new MemoryLogger();
  const m = LogManager.open({
    config: { logDirs: [dir], cleanerDedupeBufferSize: dedupe, defaultLogConfig: config({ cleanupPolicy: ['compact'], fileDeleteDelayMs: 0, segmentBytes: 600, ...over }) },
    clock,
    logger,
  });
  const log = m.getOrCreateLog('c', 0);
  return { m, log, clock, logger, dir };
}

function all(log: PartitionLog): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  let o = log.logStartOffset;
  while (o < log.logEndOffset) {
    const r = log.read(o, 1 << 20);
    if (r.records.length === 0) break;
    out.push(...decodeBatches(r.records));
    o = r.nextOffset;
  }
  return out;
}

const records = (log: PartitionLog) =>
  all(log).flatMap((b) => b.records.map((r) => ({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null })));

/** Appends `rounds` rounds of updates to keys k0..k(n-1); returns the latest offset/value per key. */
function fill(log: PartitionLog, rounds: number, n: number, clock: FakeClock): Map<string, { offset: number; value: string | null }> {
  const latest = new Map<string, { offset: number; value: string | null }>();
  for (let r = 0; r < rounds; r++) {
    const recs = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `r${r}-k${i}`, ts: clock.t }));
    const res = log.append(keyed(recs), { leaderEpoch: 0 });
    recs.forEach((x, i) => latest.set(x.key, { offset: res.baseOffset + i, value: x.value }));
  }
  log.updateHighWatermark(log.logEndOffset);
  return latest;
}

describe('compaction', () => {
  test('keeps the latest value per key with unchanged offsets and never touches the active segment', async () => {
    const { m, log, clock } = setup();
    const latest = fill(log, 30, 4, clock);
    expect(log.segments.count).toBeGreaterThan(4);
    const before = records(log);
    const active = log.activeSegment;
    const activeBytes = active.readBytes(0, active.size);
    const activeStart = active.baseOffset;
    const result = await m.cleaner.clean(log);
    expect(result.aborted).toBe(false);
    expect(result.endOffset).toBe(activeStart);
    expect(log.activeSegment).toBe(active);
    expect(Buffer.compare(active.readBytes(0, active.size), activeBytes)).toBe(0);
    const after = records(log);
    // below the active segment: exactly the latest record of each key (the ones still there)
    const cleanedPart = after.filter((r) => r.offset < activeStart);
    for (const r of cleanedPart) expect(latest.get(r.key!)!.offset === r.offset || after.some((x) => x.key === r.key && x.offset > r.offset)).toBe(true);
    const keysBelow = new Set(cleanedPart.map((r) => r.key));
    expect(cleanedPart.length).toBe(keysBelow.size);
    // every record still present is byte-identical in offset/key/value to what was written
    for (const r of after) expect(before).toContainEqual(r);
    // the latest value of every key is readable at its original offset
    for (const [key, v] of latest) expect(after).toContainEqual({ offset: v.offset, key, value: v.value });
    expect(log.size).toBeLessThan(before.length * 20);
    await m.close();
  });

  test('batches keep their base offset and last offset delta', async () => {
    const { m, log, clock } = setup();
    fill(log, 30, 4, clock);
    const original = new Map(all(log).map((b) => [b.header.baseOffset, b.header.lastOffsetDelta]));
    await m.cleaner.clean(log);
    for (const b of all(log)) expect(original.get(b.header.baseOffset)).toBe(b.header.lastOffsetDelta);
    await m.close();
  });

  test('tombstones stay until delete.retention.ms after the first clean, then go', async () => {
    const { m, log, clock } = setup({ deleteRetentionMs: DAY });
    fill(log, 10, 3, clock);
    log.append(keyed([{ key: 'k1', value: null, ts: clock.t }]), { leaderEpoch: 0 });
    fill(log, 10, 1, clock); // k0 only: pushes the tombstone out of the active segment
    const horizonExpected = clock.t + DAY;
    await m.cleaner.clean(log);
    let recs = records(log);
    expect(recs.filter((r) => r.key === 'k1')).toEqual([expect.objectContaining({ value: null })]);
    const tombBatch = all(log).find((b) => b.records.some((r) => r.key?.toString() === 'k1'))!;
    expect(tombBatch.header.attributes & 0x40).toBe(0x40);
    expect(tombBatch.header.baseTimestamp).toBe(horizonExpected);
    expect(tombBatch.records[0]!.timestamp).toBeLessThan(horizonExpected); // record timestamps unchanged

    clock.t += DAY - 1;
    await m.cleaner.clean(log);
    expect(records(log).filter((r) => r.key === 'k1').length).toBe(1);
    clock.t += 2;
    // nothing is dirty, but the expired delete horizon makes the cleaner pick the log
    const r = await m.cleaner.cleanOnce();
    expect(r).toBeDefined();
    recs = records(log);
    expect(recs.filter((x) => x.key === 'k1')).toEqual([]);
    expect(recs.filter((x) => x.key === 'k2').length).toBe(1);
    await m.close();
  });

  test('keyless records are dropped; control batches and a producer\'s last batch survive (empty)', async () => {
    const { m, log, clock } = setup();
    log.append(buildBatch({ records: [{ key: null, value: 'nokey', timestamp: clock.t }] }), { leaderEpoch: 0 });
    log.append(buildBatch({ producerId: 42, producerEpoch: 0, baseSequence: 0, records: [{ key: 'p', value: 'old', timestamp: clock.t }] }), { leaderEpoch: 0 });
    log.append(buildBatch({ producerId: 42, producerEpoch: 0, baseSequence: 1, records: [{ key: 'p', value: 'mid', timestamp: clock.t }] }), { leaderEpoch: 0 });
    log.append(buildBatch({ producerId: 7, producerEpoch: 0, baseSequence: 0, records: [{ key: 'p', value: 'new', timestamp: clock.t }] }), { leaderEpoch: 0 });
    fill(log, 20, 2, clock);
    await m.cleaner.clean(log);
    const batches = all(log);
    expect(batches.some((b) => b.records.some((r) => r.key === null))).toBe(false);
    const p42 = batches.filter((b) => b.header.producerId === 42);
    expect(p42.map((b) => [b.header.baseOffset, b.header.recordsCount, b.header.baseSequence])).toEqual([[2, 0, 1]]);
    expect(batches.filter((b) => b.header.producerId === 7).map((b) => b.records[0]!.value!.toString())).toEqual(['new']);
    await m.close();
  });

  test('a small dedupe buffer cleans in several passes and converges', async () => {
    const { m, log, clock } = setup({}, 24 * 12); // room for ~10 keys
    const latest = fill(log, 20, 6, clock);
    const activeStart = log.activeSegment.baseOffset;
    const first = await m.cleaner.clean(log);
    expect(first.endOffset).toBeLessThan(activeStart);
    let passes = 1;
    while ((await m.cleaner.clean(log)).endOffset < activeStart) passes++;
    expect(passes).toBeGreaterThan(1);
    await m.cleaner.clean(log);
    const below = records(log).filter((r) => r.offset < activeStart);
    expect(new Set(below.map((r) => r.key)).size).toBe(below.length);
    for (const r of below) if (latest.get(r.key!)!.offset < activeStart) expect(r.offset).toBe(latest.get(r.key!)!.offset);
    await m.close();
  });

  test('the cleaner picks logs by dirty ratio and records the first dirty offset', async () => {
    const { m, log, clock, dir } = setup({ minCleanableDirtyRatio: 0.5 });
    fill(log, 30, 4, clock);
    const st = m.cleaner.cleanableState(log);
    expect(st.ratio).toBe(1);
    const r = await m.cleaner.cleanOnce();
    expect(r?.endOffset).toBe(st.firstUncleanableOffset);
    expect(fs.readFileSync(path.join(dir, 'cleaner-offset-checkpoint'), 'utf8')).toBe(`0\n1\nc 0 ${r!.endOffset}\n`);
    expect(await m.cleaner.cleanOnce()).toBeUndefined(); // nothing dirty now
    await m.close();
  });

  test('appends and reads continue while a clean is in progress', async () => {
    const dir = tmpDir();
    const clock = new FakeClock();
    const m = LogManager.open({
      config: { logDirs: [dir], defaultLogConfig: config({ cleanupPolicy: ['compact'], fileDeleteDelayMs: 0, segmentBytes: 4000 }) },
      clock,
      logger: new MemoryLogger(),
    });
    (m.cleaner as unknown as { opts: { yieldEveryBytes: number } }).opts.yieldEveryBytes = 500;
    const log = m.getOrCreateLog('c', 0);
    const latest = fill(log, 200, 5, clock);
    const cleaning = m.cleaner.clean(log);
    let appended = 0;
    let done = false;
    void cleaning.then(() => (done = true));
    while (!done) {
      log.append(keyed([{ key: 'live', value: `v${appended}` }]), { leaderEpoch: 0 });
      expect(log.read(log.logEndOffset - 1, 1000).records.length).toBeGreaterThan(0);
      appended++;
      await new Promise((r) => setImmediate(r));
    }
    expect(appended).toBeGreaterThan(3);
    const recs = records(log);
    for (const [key, v] of latest) expect(recs).toContainEqual({ offset: v.offset, key, value: v.value });
    expect(recs.filter((r) => r.key === 'live').length).toBe(appended);
    await m.close();
  });

  test('a crash mid-clean recovers: .cleaned files are dropped, a .swap is completed', async () => {
    // log A gets cleaned; log B holds the same data and finds A's cleaned first segment as a .swap
    const a = setup({}, 1 << 20);
    fill(a.log, 30, 4, a.clock);
    const bDir = tmpDir();
    const b = setup({}, 1 << 20, bDir);
    fill(b.log, 30, 4, b.clock);
    await a.m.cleaner.clean(a.log);
    const cleanedFirst = a.log.segments.first!;
    const cleanedEnd = a.log.segments.all[1]!.baseOffset;
    await b.m.close();
    const bPart = path.join(bDir, 'c-0');
    for (const ext of ['log', 'index', 'timeindex']) {
      fs.copyFileSync(cleanedFirst.logFile.replace(/log$/, ext), path.join(bPart, `00000000000000000000.${ext}.swap`));
    }
    fs.writeFileSync(path.join(bPart, '00000000000000999999.log.cleaned'), 'partial');
    const m2 = LogManager.open({ config: { logDirs: [bDir], defaultLogConfig: config({ cleanupPolicy: ['compact'] }) }, logger: new MemoryLogger() });
    const files = fs.readdirSync(bPart);
    expect(files.filter((f) => f.endsWith('.swap') || f.endsWith('.cleaned'))).toEqual([]);
    const reopened = m2.getLog('c', 0)!;
    expect(reopened.segments.all[1]!.baseOffset).toBe(cleanedEnd);
    const aRecs = records(a.log).filter((r) => r.offset < cleanedEnd);
    expect(records(reopened).filter((r) => r.offset < cleanedEnd)).toEqual(aRecs);
    expect(reopened.logEndOffset).toBe(120);
    await m2.close();
    await a.m.close();
  });
});
