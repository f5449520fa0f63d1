/**
 * Loading a __consumer_offsets partition: requests wait with COORDINATOR_LOAD_IN_PROGRESS while it
 * is replayed (heartbeats are answered blindly), and the replay restores classic groups with their
 * members, generations and assignments, committed offsets, simple groups and deletions; restored
 * members must heartbeat within their session timeout.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { ClassicGroup } from '../../src/engine/coordinator/group/classic-group.js';
import { harness, heartbeat, join, joinWithId, MemoryLog, sync } from './harness.js';

describe('loading __consumer_offsets', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading, then serves the replayed groups and offsets', async () => {
    const logs = new Map<number, MemoryLog>();
    const before = await harness({}, undefined, { logs });
    const a = await joinWithId(before, 'g', { clientId: 'a' });
    const b = await joinWithId(before, 'g', { clientId: 'b', sessionTimeoutMs: 20_000 });
    before.timer.advance(200);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    const parked = sync(before, 'g', follower.memberId, 1);
    await sync(before, 'g', leader.memberId, 1, { [ra.memberId]: 'to-a', [rb.memberId]: 'to-b' });
    await parked;
    const commit = (groupId: string, partition: number, offset: number, generation = -1, memberId = '') =>
      before.coordinator.commitOffsets({
        groupId, generationIdOrMemberEpoch: generation, memberId, groupInstanceId: null, retentionTimeMs: -1, apiVersion: 8,
        topics: [{ name: 't', partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: 1, committedMetadata: `m${offset}` }] }],
      });
    commit('g', 0, 10, 1, ra.memberId);
    commit('g', 0, 12, 1, rb.memberId);
    commit('simple', 3, 30);
    commit('doomed', 1, 5);
    before.coordinator.deleteGroups(['doomed']);
    before.coordinator.close();

    const after = await harness({ 'offsets.load.buffer.size': '1' }, undefined, { logs, manualStartup: true });
    const loading = after.coordinator.startup();
    expect((await join(after, 'g')).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(after.coordinator.fetchOffsets({ groupId: 'g', topics: null, memberId: null, memberEpoch: -1 }).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(heartbeat(after, 'g', ra.memberId, 1)).toBe(ErrorCode.NONE);
    expect(after.coordinator.listGroups([], []).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await loading;

    expect(after.coordinator.listGroups([], []).errorCode).toBe(ErrorCode.NONE);
    const g = after.coordinator.group('g') as ClassicGroup;
    expect(g).toMatchObject({ state: 'Stable', generationId: 1, protocolType: 'consumer', protocolName: 'range', leaderId: leader.memberId });
    expect(g.member(ra.memberId)!.assignment.toString()).toBe('to-a');
    expect(g.member(rb.memberId)!.assignment.toString()).toBe('to-b');
    expect([...g.subscribedTopics!]).toEqual(['t']);
    const fetched = (groupId: string) => after.coordinator.fetchOffsets({ groupId, topics: null, memberId: null, memberEpoch: -1 }).topics;
    expect(fetched('g')).toEqual([{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 12, committedLeaderEpoch: 1, metadata: 'm12', errorCode: 0 }] }]);
    expect(fetched('simple')[0].partitions[0].committedOffset).toBe(30);
    expect(after.coordinator.group('simple')).toMatchObject({ state: 'Empty', protocolType: null });
    expect(after.coordinator.group('doomed')).toBeUndefined();
    expect(fetched('doomed')).toEqual([]);

    // The restored members keep their sessions only by heartbeating: b does, a does not.
    after.timer.advance(9000);
    expect(heartbeat(after, 'g', rb.memberId, 1)).toBe(ErrorCode.NONE);
    after.timer.advance(2000);
    expect(g.member(ra.memberId)).toBeUndefined();
    expect(heartbeat(after, 'g', rb.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });
});
