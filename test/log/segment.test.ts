import fs from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { setBaseOffset } from '../../src/engine/records/batch-header.js';
import { LogSegment } from '../../src/engine/log/log-segment.js';
import { batch, batchBases, cleanupTmpDirs, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const settings = { indexIntervalBytes: 100, maxIndexSize: 4096 };

/** Segment at base 50 holding `n` batches of 2 records: offsets 50.. */
function segmentWith(n: number, dir = tmpDir()): { seg: LogSegment; sizes: number[] } {
  const seg = LogSegment.open(dir, 50, settings, { created: 0, fresh: true });
  seg.makeActive();
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = batch(2, { ts: 1000 + i * 10 });
    setBaseOffset(b, 0, 50 + i * 2);
    seg.append(b);
    sizes.push(b.length);
  }
  return { seg, sizes };
}

describe('LogSegment', () => {
  test('files are named by the 20-digit base offset', () => {
    const dir = tmpDir();
    const { seg } = segmentWith(1, dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['00000000000000000050.index', '00000000000000000050.log', '00000000000000000050.timeindex']);
    seg.close();
  });

  test('append maintains a sparse index every index.interval.bytes', () => {
    const { seg, sizes } = segmentWith(20);
    const perEntry = Math.ceil(101 / sizes[0]!) + 0;
    expect(seg.offsetIndex.entries).toBeGreaterThan(0);
    expect(seg.offsetIndex.entries).toBeLessThanOrEqual(Math.ceil(20 / perEntry));
    // entries map a batch's last offset to its position
    const e = seg.offsetIndex.entry(0);
    expect((e.offset - 51) % 2).toBe(0);
    expect(e.position).toBe(((e.offset - 51) / 2) * sizes[0]!);
    expect(seg.timeIndex.entries).toBe(seg.offsetIndex.entries);
    seg.close();
  });

  test('read, translateOffset and readNextOffset', () => {
    const { seg, sizes } = segmentWith(20);
    expect(seg.readNextOffset()).toBe(90);
    expect(batchBases(seg.read(71, sizes[0]! * 3, Infinity, true)!.records)).toEqual([70, 72, 74]);
    expect(seg.read(49, 1, Infinity, true)!.firstOffset).toBe(50);
    expect(seg.read(90, 100, Infinity, true)).toBeUndefined();
    expect(seg.translateOffset(77)).toMatchObject({ baseOffset: 76, position: 13 * sizes[0]! });
    seg.close();
  });

  test('findBatchByTimestamp uses the time index then scans headers', () => {
    const { seg } = segmentWith(20);
    expect(seg.findBatchByTimestamp(1055, 0)).toMatchObject({ baseOffset: 62 });
    expect(seg.findBatchByTimestamp(1051, 0)).toMatchObject({ baseOffset: 60 }); // batch max ts 1051
    expect(seg.findBatchByTimestamp(1052, 0)).toMatchObject({ baseOffset: 62 });
    expect(seg.findBatchByTimestamp(5000, 0)).toBeUndefined();
    expect(seg.maxTimestampAndOffset()).toEqual({ timestamp: 1191, offset: 89 });
    seg.close();
  });

  test('truncateTo cuts at the batch holding the offset and fixes indexes and max timestamp', () => {
    const { seg, sizes } = segmentWith(20);
    expect(seg.truncateTo(61)).toBe(sizes[0]! * 15);
    expect(seg.size).toBe(sizes[0]! * 5);
    expect(seg.readNextOffset()).toBe(60);
    expect(seg.offsetIndex.lastOffset).toBeLessThan(60);
    expect(seg.maxTimestampAndOffset()).toEqual({ timestamp: 1041, offset: 59 });
    seg.close();
  });

  test('recover validates batches and truncates garbage', () => {
    const dir = tmpDir();
    const { seg, sizes } = segmentWith(10, dir);
    const file = seg.logFile;
    seg.close();
    fs.appendFileSync(file, Buffer.from('this is not a batch at all, just junk bytes!!!!!!!!!!!!!!!!!!!!!!'));
    const again = LogSegment.open(dir, 50, settings, { created: 0 });
    const r = again.recover();
    expect(r.validBytes).toBe(sizes[0]! * 10);
    expect(r.truncatedBytes).toBeGreaterThan(0);
    expect(r.problem?.position).toBe(sizes[0]! * 10);
    expect(fs.statSync(file).size).toBe(sizes[0]! * 10);
    expect(again.readNextOffset()).toBe(70);
    again.close();
  });

  test('a closed segment whose index is missing rebuilds it on first use', () => {
    const dir = tmpDir();
    const { seg } = segmentWith(20, dir);
    const entries = seg.offsetIndex.entries;
    seg.close();
    fs.unlinkSync(seg.logFile.replace(/\.log$/, '.index'));
    const again = LogSegment.open(dir, 50, settings, { created: 0 });
    const reasons: string[] = [];
    again.onIndexRebuild = (_s, reason) => reasons.push(reason);
    expect(again.offsetIndex.entries).toBe(entries);
    expect(reasons[0]).toMatch(/missing/);
    again.close();
    expect(fs.statSync(seg.logFile.replace(/\.log$/, '.index')).size).toBe(entries * 8);
  });
});
