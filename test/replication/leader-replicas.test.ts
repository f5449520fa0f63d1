/**
 * The leader's bookkeeping of its followers (src/engine/broker/replication/leader-replicas.ts):
 * Kafka's caught-up rule, the high watermark over the maximal ISR (KIP-497), expansion and shrink
 * proposals, and committed ISR states by partition epoch.
 */
import { describe, expect, it } from 'vitest';
import { LeaderReplicas } from '../../src/engine/broker/replication/leader-replicas.js';

const everyone = () => true;

describe('LeaderReplicas', () => {
  it('holds the high watermark at the least log end offset of the ISR, the leader included', () => {
    const l = new LeaderReplicas(1, 5, [1, 2, 3], { isr: [1, 2, 3], partitionEpoch: 0 }, 100, 0);
    expect(l.highWatermark(120)).toBe(-1); // no follower heard from yet
    l.recordFetch(2, 110, 120, 1);
    l.recordFetch(3, 105, 120, 1);
    expect(l.highWatermark(120)).toBe(105);
    l.recordFetch(3, 120, 120, 2);
    expect(l.highWatermark(120)).toBe(110);
    l.recordFetch(2, 120, 120, 2);
    expect(l.highWatermark(120)).toBe(120);
  });

  it('ignores replicas outside the ISR for the high watermark and a fetch from a non-replica', () => {
    const l = new LeaderReplicas(1, 0, [1, 2, 3], { isr: [1, 2], partitionEpoch: 0 }, 0, 0);
    l.recordFetch(2, 50, 50, 1);
    expect(l.highWatermark(50)).toBe(50);
    expect(l.recordFetch(9, 10, 50, 1)).toBe(false);
  });

  it("applies Kafka's caught-up rule: now when at the leader's end, else as of the previous fetch if that one reached it", () => {
    const l = new LeaderReplicas(1, 0, [1, 2], { isr: [1, 2], partitionEpoch: 0 }, 0, 0);
    l.recordFetch(2, 10, 10, 1000); // caught up at 1000
    expect(l.follower(2)!.lastCaughtUpTimeMs).toBe(1000);
    l.recordFetch(2, 10, 20, 2000); // behind now, but had everything the leader had at 1000... as of 1000
    expect(l.follower(2)!.lastCaughtUpTimeMs).toBe(1000);
    l.recordFetch(2, 20, 30, 3000); // reached what the leader had at the previous fetch (20): caught up as of 2000
    expect(l.follower(2)!.lastCaughtUpTimeMs).toBe(2000);
  });

  it('proposes to shrink followers not caught up within the lag time, never the leader', () => {
    const l = new LeaderReplicas(1, 0, [1, 2, 3], { isr: [1, 2, 3], partitionEpoch: 3 }, 0, 0);
    l.recordFetch(2, 0, 0, 100);
    expect(l.shrink(20_000, 30_000)).toBeUndefined();
    expect(l.shrink(30_050, 30_000)).toEqual([1, 2]); // 3 never fetched: caught up as of becoming leader (0)
    l.beginChange([1, 2]);
    expect(l.shrink(40_000, 30_000)).toBeUndefined(); // one change at a time
    // While the removal is pending, the removed follower still holds the high watermark.
    expect(l.highWatermark(10)).toBe(-1);
    l.endChange();
    expect(l.commit({ isr: [1, 2], partitionEpoch: 4 })).toBe(true);
    expect(l.highWatermark(10)).toBe(0);
  });

  it('proposes expansion for a follower that reached the high watermark and the epoch start, counting it at once while pending', () => {
    const l = new LeaderReplicas(1, 2, [1, 2, 3], { isr: [1, 2], partitionEpoch: 1 }, 50, 0);
    l.recordFetch(2, 60, 60, 10);
    expect(l.highWatermark(60)).toBe(60);
    l.recordFetch(3, 40, 60, 10);
    expect(l.expansion(60, 10, 30_000, everyone)).toBeUndefined();
    l.recordFetch(3, 60, 60, 20);
    expect(l.expansion(60, 20, 30_000, () => false)).toBeUndefined(); // fenced in the metadata
    expect(l.expansion(60, 20, 30_000, everyone)).toEqual([1, 2, 3]);
    l.beginChange([1, 2, 3]);
    expect(l.maximalIsr).toEqual([1, 2, 3]);
    l.recordFetch(2, 70, 80, 30);
    expect(l.highWatermark(80)).toBe(60); // 3 is counted while its addition is pending
  });

  it('does not bring back a follower whose last position is stale (a dead broker)', () => {
    const l = new LeaderReplicas(1, 0, [1, 2], { isr: [1], partitionEpoch: 1 }, 0, 0);
    l.recordFetch(2, 10, 10, 1000);
    expect(l.expansion(10, 40_000, 30_000, everyone)).toBeUndefined();
  });

  it('keeps the newest committed ISR by partition epoch', () => {
    const l = new LeaderReplicas(1, 0, [1, 2, 3], { isr: [1, 2, 3], partitionEpoch: 5 }, 0, 0);
    expect(l.commit({ isr: [1], partitionEpoch: 4 })).toBe(false);
    expect(l.isr).toEqual([1, 2, 3]);
    expect(l.commit({ isr: [1, 3], partitionEpoch: 6 })).toBe(true);
    expect(l.isr).toEqual([1, 3]);
  });

  it('tracks replicas added and removed by a reassignment', () => {
    const l = new LeaderReplicas(1, 0, [1, 2], { isr: [1, 2], partitionEpoch: 0 }, 0, 0);
    l.setReplicas([1, 2, 3], 5);
    expect(l.follower(3)).toMatchObject({ logEndOffset: -1, lastCaughtUpTimeMs: 5 });
    l.setReplicas([1, 3], 6);
    expect(l.follower(2)).toBeUndefined();
  });
});
