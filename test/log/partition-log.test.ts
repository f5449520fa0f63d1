import fs from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { readBatchHeader, TimestampType, timestampTypeOf, batchCrcValid } from '../../src/engine/records/batch-header.js';
import { decodeBatches } from '../../src/engine/records/record-batch.js';
import { OffsetOutOfRangeError, RecordBatchTooLargeError, UnexpectedAppendOffsetError } from '../../src/engine/log/errors.js';
import { PartitionLog, type PartitionLogOptions } from '../../src/engine/log/partition-log.js';
import type { LogConfig } from '../../src/engine/log/log-config.js';
import { batch, batchBases, cleanupTmpDirs, config, FakeClock, recordOffsets, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

function open(over: Partial<LogConfig> = {}, opts: Partial<PartitionLogOptions> = {}, dir = tmpDir()): PartitionLog {
  return PartitionLog.open(dir, { topic: 't', partition: 0, config: config(over), ...opts });
}

/** segment.bytes so that exactly `n` batches of `b` fit in a segment */
const segBytesFor = (b: Buffer, n: number): number => b.length * n;

describe('append', () => {
  test('assigns offsets by patching base offsets and the leader epoch in place', () => {
    const log = open();
    const a = batch(3);
    const b = batch(2);
    const r1 = log.append(a, { leaderEpoch: 7 });
    const r2 = log.append(Buffer.concat([b, batch(1)]), { leaderEpoch: 7 });
    expect(r1).toMatchObject({ baseOffset: 0, lastOffset: 2, logAppendTimeMs: -1, logStartOffset: 0 });
    expect(r2).toMatchObject({ baseOffset: 3, lastOffset: 5 });
    expect(readBatchHeader(a).baseOffset).toBe(0);
    expect(readBatchHeader(a).partitionLeaderEpoch).toBe(7);
    expect(batchCrcValid(a)).toBe(true);
    expect(log.logEndOffset).toBe(6);
    expect(recordOffsets(log.read(0, 1 << 20).records)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recordOffsets(log.read(0, a.length).records)).toEqual([0, 1, 2]);
    expect(log.leaderEpochCache.epochEntries).toEqual([{ epoch: 7, startOffset: 0 }]);
    log.append(batch(1), { leaderEpoch: 9 });
    expect(log.leaderEpochCache.epochEntries).toEqual([
      { epoch: 7, startOffset: 0 },
      { epoch: 9, startOffset: 6 },
    ]);
    log.close();
  });

  test('LogAppendTime stamps the broker time (and a valid CRC)', () => {
    const log = open({ messageTimestampType: 'LogAppendTime' });
    const b = batch(2, { ts: 5 });
    const r = log.append(b, { leaderEpoch: 0, nowMs: 123456 });
    expect(r.logAppendTimeMs).toBe(123456);
    const got = log.read(0, 1 << 20).records;
    expect(timestampTypeOf(readBatchHeader(got).attributes)).toBe(TimestampType.LogAppendTime);
    expect(readBatchHeader(got).maxTimestamp).toBe(123456);
    expect(decodeBatches(got)[0]!.records.map((x) => x.timestamp)).toEqual([123456, 123456]);
    const r2 = log.append(batch(1), { leaderEpoch: 0, nowMs: 1, timestampType: 'CreateTime' });
    expect(r2.logAppendTimeMs).toBe(-1);
    log.close();
  });

  test('refuses an append larger than a segment', () => {
    const b = batch(1, { valueSize: 500 });
    const log = open({ segmentBytes: 200 });
    expect(() => log.append(b, { leaderEpoch: 0 })).toThrow(RecordBatchTooLargeError);
    log.close();
  });

  test('follower appends keep offsets and epochs; a gap is allowed, going back is not', () => {
    const leader = open();
    for (let i = 0; i < 5; i++) leader.append(batch(2), { leaderEpoch: i < 3 ? 1 : 2 });
    const follower = open();
    const all = leader.read(0, 1 << 20).records;
    follower.appendAsFollower(Buffer.from(all));
    expect(follower.logEndOffset).toBe(10);
    expect(follower.leaderEpochCache.epochEntries).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 6 },
    ]);
    expect(() => follower.appendAsFollower(Buffer.from(leader.read(4, 1 << 20).records))).toThrow(UnexpectedAppendOffsetError);
    const gapped = batch(1);
    gapped.writeInt32BE(0, 0);
    gapped.writeInt32BE(20, 4); // base offset 20
    follower.appendAsFollower(gapped);
    expect(follower.logEndOffset).toBe(21);
    expect(batchBases(follower.read(10, 1 << 20).records)).toEqual([20]);
    leader.close();
    follower.close();
  });
});

describe('rolling', () => {
  test('by size: a new segment when the next append would exceed segment.bytes', () => {
    const b = batch(2);
    const log = open({ segmentBytes: segBytesFor(b, 3) });
    for (let i = 0; i < 10; i++) log.append(batch(2), { leaderEpoch: 0 });
    expect(log.segments.all.map((s) => s.baseOffset)).toEqual([0, 6, 12, 18]);
    expect(log.segments.all.map((s) => s.size)).toEqual([b.length * 3, b.length * 3, b.length * 3, b.length]);
    const names = fs.readdirSync(log.dir).filter((n) => n.endsWith('.log'));
    expect(names).toContain('00000000000000000006.log');
    log.close();
  });

  test('by time (segment.ms) with an injected clock, using record timestamps once known', () => {
    const clock = new FakeClock(1_000_000);
    const log = open({ segmentMs: 1000 }, { context: { clock } });
    log.append(batch(1, { ts: 1_000_000 }), { leaderEpoch: 0 });
    log.append(batch(1, { ts: 1_000_500 }), { leaderEpoch: 0 });
    expect(log.segments.count).toBe(1);
    log.append(batch(1, { ts: 1_001_001 }), { leaderEpoch: 0 });
    expect(log.segments.all.map((s) => s.baseOffset)).toEqual([0, 2]);
    log.close();
  });

  test('by time for batches without timestamps: the segment creation time', () => {
    const clock = new FakeClock(5000);
    const log = open({ segmentMs: 100 }, { context: { clock } });
    log.append(batch(1, { ts: -1 }), { leaderEpoch: 0 });
    clock.t += 50;
    log.append(batch(1, { ts: -1 }), { leaderEpoch: 0 });
    expect(log.segments.count).toBe(1);
    clock.t += 51;
    log.append(batch(1, { ts: -1 }), { leaderEpoch: 0 });
    expect(log.segments.count).toBe(2);
    log.close();
  });

  test('when the offset index is full', () => {
    // 3 entries of 8 bytes; every batch after the first gets an index entry (interval 0)
    const log = open({ segmentIndexBytes: 24, indexIntervalBytes: 0 });
    for (let i = 0; i < 10; i++) log.append(batch(1), { leaderEpoch: 0 });
    expect(log.segments.count).toBeGreaterThan(2);
    for (const s of log.segments.all.slice(0, -1)) expect(s.offsetIndex.entries).toBeLessThanOrEqual(3);
    for (let o = 0; o < 10; o++) expect(recordOffsets(log.read(o, 1).records)).toEqual([o]);
    log.close();
  });

  test('rolled segments have trimmed indexes and are fsynced in the background', async () => {
    const b = batch(1, { valueSize: 1000 });
    const log = open({ segmentBytes: b.length * 8, indexIntervalBytes: 1024 });
    for (let i = 0; i < 20; i++) log.append(batch(1, { valueSize: 1000 }), { leaderEpoch: 0 });
    await log.awaitBackgroundFlushes();
    const first = log.segments.first!;
    expect(fs.statSync(first.logFile.replace(/\.log$/, '.index')).size).toBe(first.offsetIndex.entries * 8);
    expect(log.recoveryPoint).toBe(log.activeSegment.baseOffset);
    log.close();
  });
});

describe('read', () => {
  // 3 segments of 4 batches x 3 records: offsets 0-11, 12-23, 24-35, active 36-38
  function filled(): { log: PartitionLog; size: number } {
    const b = batch(3);
    const log = open({ segmentBytes: b.length * 4, indexIntervalBytes: 1 });
    for (let i = 0; i < 13; i++) log.append(batch(3), { leaderEpoch: 0 });
    return { log, size: b.length };
  }

  test('every offset returns the batch holding it first', () => {
    const { log } = filled();
    for (let o = 0; o < 39; o++) {
      const r = log.read(o, 1);
      expect(r.firstOffset).toBe(o - (o % 3));
      expect(recordOffsets(r.records)).toEqual([0, 1, 2].map((d) => o - (o % 3) + d));
      expect(r.nextOffset).toBe(o - (o % 3) + 3);
    }
    log.close();
  });

  test('first and last offsets of a segment, and reads stopping at a segment end', () => {
    const { log, size } = filled();
    expect(batchBases(log.read(12, 1 << 20).records)).toEqual([12, 15, 18, 21]);
    expect(batchBases(log.read(11, 1 << 20).records)).toEqual([9]);
    expect(batchBases(log.read(23, 1 << 20).records)).toEqual([21]);
    expect(batchBases(log.read(24, size * 2).records)).toEqual([24, 27]);
    expect(batchBases(log.read(24, size * 2 - 1).records)).toEqual([24]);
    log.close();
  });

  test('maxBytes smaller than the first batch: that batch with minOneBatch, nothing without', () => {
    const { log } = filled();
    expect(batchBases(log.read(4, 10).records)).toEqual([3]);
    const r = log.read(4, 10, { minOneBatch: false });
    expect(r.records.length).toBe(0);
    expect(r.firstOffset).toBe(-1);
    log.close();
  });

  test('maxOffset (the high watermark) bounds whole batches', () => {
    const { log } = filled();
    expect(batchBases(log.read(30, 1 << 20, { maxOffset: 36 }).records)).toEqual([30, 33]);
    expect(batchBases(log.read(30, 1 << 20, { maxOffset: 35 }).records)).toEqual([30]);
    expect(log.read(36, 1 << 20, { maxOffset: 36 }).records.length).toBe(0);
    log.close();
  });

  test('offsets outside [logStartOffset, logEndOffset] are out of range; the end offset reads empty', () => {
    const { log } = filled();
    expect(log.read(39, 100).records.length).toBe(0);
    expect(() => log.read(40, 100)).toThrow(OffsetOutOfRangeError);
    expect(() => log.read(-1, 100)).toThrow(OffsetOutOfRangeError);
    log.close();
  });

  test('tail reads are served from memory and agree with the file', () => {
    const { log } = filled();
    const fromCache = log.read(36, 1 << 20).records;
    const dir = log.dir;
    log.close();
    const again = PartitionLog.open(dir, { topic: 't', partition: 0, config: config({ indexIntervalBytes: 1 }), hadCleanShutdown: true });
    expect(Buffer.compare(again.read(36, 1 << 20).records, fromCache)).toBe(0);
    again.close();
  });

  test('reads after reopening (clean and unclean) are identical', () => {
    const { log } = filled();
    const before = [0, 5, 12, 13, 24, 35, 38].map((o) => Buffer.from(log.read(o, 100).records));
    const dir = log.dir;
    log.close();
    for (const clean of [true, false]) {
      const again = PartitionLog.open(dir, { topic: 't', partition: 0, config: config(), hadCleanShutdown: clean });
      expect(again.logEndOffset).toBe(39);
      [0, 5, 12, 13, 24, 35, 38].forEach((o, i) => expect(Buffer.compare(again.read(o, 100).records, before[i]!)).toBe(0));
      again.close();
    }
  });
});

describe('timestamps', () => {
  function withTimes(): PartitionLog {
    const log = open({ segmentBytes: batch(3).length * 2, indexIntervalBytes: 1 });
    // batch i holds timestamps 1000*i + [0, 10, 5]
    for (let i = 0; i < 7; i++) {
      const t = 1000 * i;
      log.append(batch(0, { records: [{ value: 'a', timestamp: t }, { value: 'b', timestamp: t + 10 }, { value: 'c', timestamp: t + 5 }] }), { leaderEpoch: i });
    }
    return log;
  }

  test('offsetForTimestamp returns the earliest record with timestamp >= target', () => {
    const log = withTimes();
    expect(log.offsetForTimestamp(0)).toEqual({ timestamp: 0, offset: 0, leaderEpoch: 0 });
    expect(log.offsetForTimestamp(1)).toEqual({ timestamp: 10, offset: 1, leaderEpoch: 0 });
    expect(log.offsetForTimestamp(6)).toEqual({ timestamp: 10, offset: 1, leaderEpoch: 0 });
    expect(log.offsetForTimestamp(11)).toEqual({ timestamp: 1000, offset: 3, leaderEpoch: 1 });
    expect(log.offsetForTimestamp(4003)).toEqual({ timestamp: 4010, offset: 13, leaderEpoch: 4 });
    expect(log.offsetForTimestamp(6010)).toEqual({ timestamp: 6010, offset: 19, leaderEpoch: 6 });
    expect(log.offsetForTimestamp(6011)).toBeUndefined();
    log.close();
  });

  test('maxTimestampAndOffset finds the first record with the largest timestamp', () => {
    const log = withTimes();
    expect(log.maxTimestampAndOffset()).toEqual({ timestamp: 6010, offset: 19, leaderEpoch: 6 });
    const dir = log.dir;
    log.close();
    const again = PartitionLog.open(dir, { topic: 't', partition: 0, config: config(), hadCleanShutdown: true });
    expect(again.maxTimestampAndOffset()).toEqual({ timestamp: 6010, offset: 19, leaderEpoch: 6 });
    expect(again.offsetForTimestamp(2001)).toEqual({ timestamp: 2010, offset: 7, leaderEpoch: 2 });
    expect(again.offsetForTimestamp(2010)).toEqual({ timestamp: 2010, offset: 7, leaderEpoch: 2 });
    again.close();
    const empty = open();
    expect(empty.maxTimestampAndOffset()).toBeUndefined();
    empty.close();
  });
});

describe('truncate, delete records, high watermark', () => {
  test('truncateTo removes whole batches from the offset on (the straddling one too)', () => {
    const log = open({ segmentBytes: batch(2).length * 2 });
    for (let i = 0; i < 6; i++) log.append(batch(2), { leaderEpoch: i });
    log.updateHighWatermark(12);
    expect(log.truncateTo(7)).toBe(true);
    expect(log.logEndOffset).toBe(6);
    expect(log.highWatermark).toBe(6);
    expect(log.segments.all.map((s) => s.baseOffset)).toEqual([0, 4]);
    expect(log.leaderEpochCache.latestEpoch()).toBe(2);
    const r = log.append(batch(2), { leaderEpoch: 9 });
    expect(r.baseOffset).toBe(6);
    expect(recordOffsets(log.read(4, 1 << 20).records)).toEqual([4, 5, 6, 7]);
    expect(log.truncateTo(100)).toBe(false);
    log.truncateTo(0);
    expect(log.logEndOffset).toBe(0);
    expect(log.read(0, 100).records.length).toBe(0);
    log.close();
  });

  test('truncateFullyAndStartAt restarts the log empty', () => {
    const log = open();
    log.append(batch(3), { leaderEpoch: 0 });
    log.truncateFullyAndStartAt(1000);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark]).toEqual([1000, 1000, 1000]);
    expect(log.append(batch(1), { leaderEpoch: 1 }).baseOffset).toBe(1000);
    expect(fs.readdirSync(log.dir)).toContain('00000000000000001000.log');
    log.close();
  });

  test('deleteRecordsBefore advances the log start offset and drops whole segments below it', () => {
    const log = open({ segmentBytes: batch(2).length * 2, fileDeleteDelayMs: 0 });
    for (let i = 0; i < 6; i++) log.append(batch(2), { leaderEpoch: 0 });
    expect(() => log.deleteRecordsBefore(5)).toThrow(OffsetOutOfRangeError); // above the high watermark
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteRecordsBefore(5)).toBe(5);
    expect(log.logStartOffset).toBe(5);
    expect(log.segments.all.map((s) => s.baseOffset)).toEqual([4, 8]);
    expect(() => log.read(4, 100)).toThrow(OffsetOutOfRangeError);
    expect(batchBases(log.read(5, 1).records)).toEqual([4]);
    expect(log.deleteRecordsBefore(-1)).toBe(12);
    expect(log.read(12, 100).records.length).toBe(0);
    log.close();
  });

  test('updateHighWatermark is clamped to [logStartOffset, logEndOffset]', () => {
    const log = open();
    log.append(batch(5), { leaderEpoch: 0 });
    expect(log.updateHighWatermark(100)).toBe(5);
    expect(log.updateHighWatermark(-3)).toBe(0);
    expect(log.lastStableOffset).toBe(0);
    log.close();
  });
});

describe('flush policy and config', () => {
  test('flush.messages flushes (and moves the recovery point) every N messages', () => {
    const log = open({ flushMessages: 4 });
    log.append(batch(2), { leaderEpoch: 0 });
    expect(log.recoveryPoint).toBe(0);
    log.append(batch(2), { leaderEpoch: 0 });
    expect(log.recoveryPoint).toBe(4);
    log.close();
  });

  test('flush.ms flushes on a timer', async () => {
    const log = open({ flushMs: 10 });
    log.append(batch(2), { leaderEpoch: 0 });
    expect(log.recoveryPoint).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(log.recoveryPoint).toBe(2);
    log.close();
  });

  test('setConfig applies live', () => {
    const log = open();
    for (let i = 0; i < 3; i++) log.append(batch(2), { leaderEpoch: 0 });
    expect(log.segments.count).toBe(1);
    log.setConfig(config({ segmentBytes: batch(2).length }));
    log.append(batch(2), { leaderEpoch: 0 });
    expect(log.segments.count).toBe(2);
    log.close();
  });

  test('topic id is kept in partition.metadata', () => {
    const dir = tmpDir();
    const id = Buffer.alloc(16, 7);
    const log = open({}, { topicId: id }, dir);
    expect(fs.readFileSync(`${dir}/partition.metadata`, 'utf8')).toBe(`version: 0\ntopic_id: ${id.toString('base64url')}\n`);
    log.close();
    const again = open({}, {}, dir);
    expect(again.topicId).toBe(id.toString('base64url'));
    again.close();
    expect(() => open({}, { topicId: Buffer.alloc(16, 8) }, dir)).toThrow(/belongs to topic id/);
  });
});
