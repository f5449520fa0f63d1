/** The read_committed wake-up accounting: bytes count once the last stable offset passes them. */
import { describe, expect, it } from 'vitest';
import { FetchPurgatory, StableBytes } from '../../src/engine/broker/fetch-purgatory.js';

describe('StableBytes', () => {
  it('counts every write at once while no transaction is open', () => {
    const s = new StableBytes();
    expect(s.written(100, 1, 1)).toBe(100);
    expect(s.written(50, 3, 3)).toBe(50);
  });

  it('holds back writes above the last stable offset until a marker passes them', () => {
    const s = new StableBytes();
    expect(s.written(100, 1, 0)).toBe(0); // a transaction opens at offset 0
    expect(s.written(40, 2, 0)).toBe(0); // a plain record behind it
    expect(s.written(60, 3, 0)).toBe(0);
    // A second transaction commits while the first is open: still nothing stable.
    expect(s.written(78, 4, 0)).toBe(0);
    // The first transaction's marker: everything up to its end becomes stable at once.
    expect(s.written(78, 5, 5)).toBe(100 + 40 + 60 + 78 + 78);
    expect(s.written(10, 6, 6)).toBe(10);
  });

  it('counts a partial advance: bytes below the new last stable offset only', () => {
    const s = new StableBytes();
    s.written(100, 1, 0); // transaction A opens at 0
    s.written(200, 2, 0); // transaction B opens at 1
    expect(s.written(78, 3, 1)).toBe(100); // A ends (marker at 2): stable up to B's start
    expect(s.written(78, 4, 4)).toBe(200 + 78 + 78);
  });

  it('never counts more than was written when a very long transaction merges its entries', () => {
    const s = new StableBytes();
    let early = 0;
    for (let i = 1; i <= 25_000; i++) early += s.written(10, i, 0);
    expect(early).toBe(0);
    // Half way: at most the bytes below the new last stable offset.
    const half = s.written(0, 25_000, 12_500);
    expect(half).toBeLessThanOrEqual(12_500 * 10);
    expect(half + s.written(78, 25_001, 25_001)).toBe(250_000 + 78);
  });
});

describe('FetchPurgatory isolation levels', () => {
  it('wakes read_uncommitted waiters on appended bytes and read_committed waiters on stable bytes', async () => {
    const purgatory = new FetchPurgatory();
    let uncommitted = false;
    let committed = false;
    const a = purgatory.wait(['t-0'], 1, 10_000).then(() => (uncommitted = true));
    const b = purgatory.wait(['t-0'], 1, 10_000, 'read_committed').then(() => (committed = true));
    purgatory.notify('t-0', 100, 0);
    await a;
    expect(uncommitted).toBe(true);
    expect(committed).toBe(false);
    expect(purgatory.waiting).toBe(1);
    purgatory.notify('t-0', 78, 178);
    await b;
    expect(committed).toBe(true);
    expect(purgatory.waiting).toBe(0);
  });
});
