import { describe, expect, test } from 'vitest';
import { setBaseOffset } from '../../src/engine/records/batch-header.js';
import { TailCache } from '../../src/engine/log/tail-cache.js';
import { batch } from './helpers.js';

/** `n` consecutive 2-record batches from offset `from`, each its own buffer. */
function batches(n: number, from = 0, valueSize = 20): Buffer[] {
  return Array.from({ length: n }, (_, i) => {
    const b = batch(2, { valueSize });
    setBaseOffset(b, 0, from + i * 2);
    return b;
  });
}

describe('TailCache', () => {
  test('keeps copies: the appended buffer (maybe pooled request memory) can be reused at once', () => {
    const cache = new TailCache(1 << 20);
    const bs = batches(3);
    const originals = bs.map((b) => Buffer.from(b));
    for (const b of bs) cache.add(b);
    for (const b of bs) b.fill(0xaa);
    const r = cache.read(0, 1 << 20, Infinity, true)!;
    expect(r.records.equals(Buffer.concat(originals))).toBe(true);
    expect(r.nextOffset).toBe(6);
  });

  test('keeps views of retainable appends that are the bulk of their buffer; copies a small part of a big one', () => {
    const cache = new TailCache(1 << 20);
    const [small, inBig] = batches(2);
    const own = Buffer.allocUnsafeSlow(small!.length); // a buffer of its own, not a slice of Node's pool
    small!.copy(own);
    cache.add(own, true);
    const big = Buffer.alloc(inBig!.length * 4);
    const part = big.subarray(0, inBig!.length);
    inBig!.copy(part);
    cache.add(part, true);
    expect(cache.read(0, 1, Infinity, true)!.records.buffer).toBe(own.buffer);
    const second = cache.read(2, 1, Infinity, true)!.records;
    expect(second.buffer).not.toBe(big.buffer);
    expect(second.equals(inBig!)).toBe(true);
  });

  test('consecutive batches come back as one view of a page, and stay intact after eviction', () => {
    const cache = new TailCache(4096);
    const bs = batches(200);
    for (const b of bs.slice(0, 10)) cache.add(b);
    const r = cache.read(4, 1 << 20, Infinity, true)!;
    const snapshot = Buffer.from(r.records);
    expect(r.records.equals(Buffer.concat(bs.slice(2, 10)))).toBe(true);
    for (const b of bs.slice(10)) cache.add(b);
    expect(cache.firstOffset).toBeGreaterThan(20);
    expect(r.records.equals(snapshot)).toBe(true);
    const tail = cache.read(cache.firstOffset, 1 << 20, Infinity, true)!;
    expect(tail.nextOffset).toBe(400);
    expect(cache.sizeInBytes).toBeLessThanOrEqual(4096);
  });

  test('reads across pages join them; limits as a segment read', () => {
    const cache = new TailCache(1 << 20);
    const bs = batches(200, 0, 2000); // ~4 KB each: several 256 KiB pages
    for (const b of bs) cache.add(b);
    const all = cache.read(0, 1 << 20, Infinity, true)!;
    expect(all.records.equals(Buffer.concat(bs))).toBe(true);
    const some = cache.read(10, bs[0]!.length * 3, 20, false)!;
    expect(some.records.equals(Buffer.concat(bs.slice(5, 8)))).toBe(true);
    expect(cache.read(10, 1, Infinity, false)!.records.length).toBe(0);
  });

  test('a large append clears the cache instead of being copied', () => {
    const cache = new TailCache(1 << 20);
    for (const b of batches(3)) cache.add(b);
    cache.add(batches(1, 6, 100_000)[0]!);
    expect(cache.firstOffset).toBe(Infinity);
    for (const b of batches(2, 8)) cache.add(b);
    expect(cache.firstOffset).toBe(8);
  });
});
