import { afterAll, describe, expect, test } from 'vitest';
import { BATCH_OVERHEAD, readInt64, setBaseOffset } from '../../src/engine/records/batch-header.js';
import { LogSegment } from '../../src/engine/log/log-segment.js';
import { segmentReadStats } from '../../src/engine/log/segment-read.js';
import { batch, cleanupTmpDirs, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

interface Placed {
  base: number;
  last: number;
  pos: number;
  bytes: Buffer;
}

/** A segment at base 0 holding batches of the given record counts and value sizes. */
function segmentOf(shapes: { count: number; valueSize: number }[], indexIntervalBytes = 4096): { seg: LogSegment; placed: Placed[]; file: Buffer } {
  const seg = LogSegment.open(tmpDir(), 0, { indexIntervalBytes, maxIndexSize: 1 << 20 }, { created: 0, fresh: true });
  seg.makeActive();
  const placed: Placed[] = [];
  let next = 0;
  let pos = 0;
  for (const s of shapes) {
    const b = batch(s.count, { valueSize: s.valueSize });
    setBaseOffset(b, 0, next);
    seg.append(b);
    placed.push({ base: next, last: next + s.count - 1, pos, bytes: b });
    next += s.count;
    pos += b.length;
  }
  return { seg, placed, file: Buffer.concat(placed.map((p) => p.bytes)) };
}

/** What a read must return, computed from the batch list alone. */
function expected(placed: Placed[], file: Buffer, start: number, maxBytes: number, maxOffset: number, minOne: boolean): Buffer | undefined {
  const i = placed.findIndex((p) => p.last >= start);
  if (i < 0) return undefined;
  let total = 0;
  let j = i;
  for (; j < placed.length; j++) {
    const size = placed[j]!.bytes.length;
    if (placed[j]!.last >= maxOffset) break;
    if (total + size > maxBytes && !(total === 0 && minOne)) break;
    total += size;
    if (total >= maxBytes) {
      j++;
      break;
    }
  }
  return file.subarray(placed[i]!.pos, placed[i]!.pos + total);
}

describe('segment reads', () => {
  test('return exactly the batches a reference walk picks, for every start offset and many limits', () => {
    // Mixed sizes: tiny batches, produce-request-sized ones, and runs of each.
    const shapes = [
      ...Array.from({ length: 30 }, (_, i) => ({ count: 1 + (i % 3), valueSize: 20 })),
      { count: 200, valueSize: 100 },
      { count: 3, valueSize: 10 },
      { count: 700, valueSize: 100 },
      { count: 900, valueSize: 100 },
      ...Array.from({ length: 40 }, () => ({ count: 2, valueSize: 50 })),
      { count: 400, valueSize: 200 },
    ];
    const { seg, placed, file } = segmentOf(shapes);
    const lastOffset = placed.at(-1)!.last;
    const limits = [1, 100, 4096, 20_000, 70_000, 100_000, 1 << 20];
    const starts = [...new Set([...placed.flatMap((p) => [p.base, p.last, (p.base + p.last) >> 1]), lastOffset + 1])];
    for (const start of starts) {
      for (const maxBytes of limits) {
        for (const minOne of [true, false]) {
          for (const maxOffset of [Infinity, start + 1, placed[placed.length >> 1]!.last + 1]) {
            const want = expected(placed, file, start, maxBytes, maxOffset, minOne);
            const got = seg.read(start, maxBytes, maxOffset, minOne);
            if (!want) {
              expect(got, `start ${start}`).toBeUndefined();
              continue;
            }
            expect(got, `start ${start} maxBytes ${maxBytes}`).toBeDefined();
            expect(got!.records.equals(want), `start ${start} maxBytes ${maxBytes} minOne ${minOne} maxOffset ${maxOffset}`).toBe(true);
            if (want.length > 0) {
              expect(got!.firstOffset).toBe(readInt64(want, 0));
              expect(got!.nextOffset).toBe(placed.find((p) => p.pos + p.bytes.length === placed.find((q) => q.base === got!.firstOffset)!.pos + want.length)!.last + 1);
            } else {
              expect(got!.firstOffset).toBe(-1);
              expect(got!.nextOffset).toBe(start);
            }
          }
        }
      }
    }
    seg.close();
  });

  test('a sequential consumer of large batches reads little more than it is served', () => {
    // ~1 MB produce requests: the index lands on the batch before the wanted one every time.
    const { seg, placed } = segmentOf(Array.from({ length: 12 }, (_, i) => ({ count: 5000 + i * 300, valueSize: 100 })));
    const before = { ...segmentReadStats };
    let next = 0;
    while (next <= placed.at(-1)!.last) {
      const r = seg.read(next, 1 << 20, Infinity, true)!;
      expect(r.records.length).toBeGreaterThan(0);
      next = r.nextOffset;
    }
    const read = segmentReadStats.bytesRead - before.bytesRead;
    const served = segmentReadStats.bytesServed - before.bytesServed;
    expect(served).toBe(placed.reduce((a, p) => a + p.bytes.length, 0));
    expect(read / served).toBeLessThan(1.05);
    seg.close();
  });

  test('a catch-up read of many small batches is one read of about maxBytes', () => {
    const { seg, placed } = segmentOf(Array.from({ length: 3000 }, () => ({ count: 2, valueSize: 100 })));
    const before = { ...segmentReadStats };
    const r = seg.read(placed[1000]!.base, 256 * 1024, Infinity, true)!;
    expect(r.records.length).toBeGreaterThan(256 * 1024 - placed[0]!.bytes.length);
    expect(segmentReadStats.bytesRead - before.bytesRead).toBeLessThan(256 * 1024 + 2 * 4096 + 64 * 1024);
    expect(segmentReadStats.reads - before.reads).toBeLessThanOrEqual(3);
    seg.close();
  });

  test('returned buffers do not share the reused scratch memory', () => {
    const { seg, placed } = segmentOf(Array.from({ length: 50 }, () => ({ count: 2, valueSize: 30 })));
    const a = seg.read(placed[3]!.base, 500, Infinity, true)!;
    const copy = Buffer.from(a.records);
    seg.read(placed[30]!.base, 500, Infinity, true);
    seg.read(placed[10]!.base, 60_000, Infinity, true);
    expect(a.records.equals(copy)).toBe(true);
    expect(a.records.length).toBeGreaterThanOrEqual(BATCH_OVERHEAD);
    seg.close();
  });
});
