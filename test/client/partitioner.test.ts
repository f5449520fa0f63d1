/** Java's partitioning, checked against values from Kafka's UtilsTest and kafka-python's murmur2. */
import { describe, expect, it } from 'vitest';
import { StickyPartitioner, murmur2, partitionForKey, toPositive } from '../../src/engine/client/partitioner.js';

describe('murmur2 (Kafka Utils.murmur2)', () => {
  it("matches Kafka's UtilsTest.testMurmur2 values", () => {
    const cases: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key)), key).toBe(hash);
  });

  it('matches kafka-python on empty, short and high-bit keys', () => {
    expect(murmur2(Buffer.alloc(0))).toBe(275646681);
    expect(murmur2(Buffer.from('k1'))).toBe(1684045097);
    expect(murmur2(Buffer.from([0xff, 0xfe, 0x80, 0x7f, 0x00, 0x01, 0x02]))).toBe(756352207);
  });

  it('toPositive clears the sign bit rather than negating', () => {
    expect(toPositive(-973932308)).toBe(3321034988 - 2 ** 31);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });

  it('keyed records go where the Java client puts them', () => {
    expect(['k1', 'k2', 'k3'].map((k) => partitionForKey(Buffer.from(k), 3))).toEqual([2, 0, 1]);
    expect(partitionForKey(Buffer.from('21'), 3)).toBe(0);
    expect(partitionForKey(Buffer.from('a-little-bit-long-string'), 3)).toBe(2);
  });
});

describe('sticky partitioner', () => {
  it('keeps a partition until batch.size bytes went to it, then moves to another', () => {
    let n = 0;
    const seq = [0.1, 0.9, 0.5, 0.1];
    const p = new StickyPartitioner(100, () => seq[n++ % seq.length]!);
    const first = p.partition('t', 4, [0, 1, 2, 3], 40);
    expect(p.partition('t', 4, [0, 1, 2, 3], 40)).toBe(first);
    expect(p.partition('t', 4, [0, 1, 2, 3], 40)).toBe(first);
    const next = p.partition('t', 4, [0, 1, 2, 3], 40);
    expect(next).not.toBe(first);
  });

  it('prefers partitions with a leader and copes with one partition', () => {
    const p = new StickyPartitioner(10);
    for (let i = 0; i < 20; i++) expect(p.partition('t', 5, [3], 8)).toBe(3);
    for (let i = 0; i < 20; i++) expect(p.partition('single', 1, [0], 8)).toBe(0);
  });
});
