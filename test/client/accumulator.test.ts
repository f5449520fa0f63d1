/** When the producer's batches become sendable: full, followed by another, lingered, or flushed. */
import { describe, expect, it } from 'vitest';
import { RecordAccumulator } from '../../src/engine/client/accumulator.js';

describe('RecordAccumulator', () => {
  it('holds a batch for linger.ms unless it is full', () => {
    const acc = new RecordAccumulator(100, 50);
    expect(acc.append('t', 0, { value: 'a' }, 30, undefined, 1000)).toBe(false);
    expect(acc.ready(1010, false)).toEqual({ ready: [], nextCheckMs: 1050 });
    expect(acc.ready(1050, false).ready).toHaveLength(1);
    expect(acc.ready(1010, true).ready).toHaveLength(1);
  });

  it('starts a new batch at batch.size and makes the full one sendable', () => {
    const acc = new RecordAccumulator(100, 1000);
    acc.append('t', 0, { value: 'a' }, 60, undefined, 0);
    expect(acc.append('t', 0, { value: 'b' }, 60, undefined, 0)).toBe(true);
    const [head] = acc.ready(1, false).ready;
    expect(head!.records).toHaveLength(1);
    acc.take(head!);
    expect(acc.ready(1, false).ready).toHaveLength(0);
    expect(acc.incomplete).toBe(2);
    acc.release(head!);
    expect(acc.bufferedBytes).toBe(60);
  });

  it('puts a retried batch back in front and expires old ones', () => {
    const acc = new RecordAccumulator(10, 0);
    acc.append('t', 1, { value: 'a' }, 10, undefined, 0);
    const [first] = acc.ready(0, false).ready;
    acc.take(first!);
    acc.append('t', 1, { value: 'b' }, 10, undefined, 5);
    acc.requeue(first!);
    expect(acc.ready(6, false).ready[0]).toBe(first);
    expect(acc.expire(200, 100)).toHaveLength(2);
    expect(acc.topics()).toEqual([]);
  });
});
