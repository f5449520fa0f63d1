/**
 * Committed offsets and the administrative operations on a manual clock: simple-consumer commits,
 * generation checks, metadata limits, fetch semantics, DeleteGroups, OffsetDelete, offset expiry,
 * and the group's partition of __consumer_offsets.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { javaStringHashCode, partitionForGroup } from '../../src/engine/coordinator/group/partitioner.js';
import type { CommitRequest } from '../../src/engine/coordinator/group/offset-commit.js';
import { harness, join, PARTITIONS, subscription, sync, type Harness } from './harness.js';

function commit(h: Harness, groupId: string, offsets: Record<string, number>, o: Partial<CommitRequest> = {}) {
  const byTopic = new Map<string, { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[]>();
  for (const [tp, offset] of Object.entries(offsets)) {
    const [topic, p] = tp.split(':');
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic)!.push({ partitionIndex: Number(p), committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: o.topics ? null : 'meta' });
  }
  const result = h.coordinator.commitOffsets({
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    apiVersion: 8,
    ...o,
    topics: o.topics ?? [...byTopic].map(([name, partitions]) => ({ name, partitions })),
  });
  return Object.fromEntries(result.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.errorCode])));
}

function fetched(h: Harness, groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null = null) {
  const r = h.coordinator.fetchOffsets({ groupId, topics, memberId: null, memberEpoch: -1 });
  return { errorCode: r.errorCode, offsets: Object.fromEntries(r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.committedOffset]))) };
}

async function oneMemberGroup(h: Harness, groupId: string, topics = ['t']) {
  const joined = join(h, groupId, { apiVersion: 3, protocols: [{ name: 'range', metadata: subscription(...topics) }] });
  h.timer.advance(100);
  const r = await joined;
  await sync(h, groupId, r.memberId, r.generationId, { [r.memberId]: 'x' });
  return r;
}

describe('offset commits and fetches', () => {
  it('a simple consumer (generation -1, no member) commits into a new Empty group and fetches its offsets back', async () => {
    const h = await harness();
    expect(commit(h, 'simple', { 't:0': 5, 't:1': 7 })).toEqual({ 't:0': 0, 't:1': 0 });
    expect(h.coordinator.group('simple')).toMatchObject({ type: 'classic', state: 'Empty', protocolType: null });
    expect(fetched(h, 'simple').offsets).toEqual({ 't:0': 5, 't:1': 7 });
    expect(fetched(h, 'simple', [{ name: 't', partitionIndexes: [0, 3] }, { name: 'gone', partitionIndexes: [0] }]).offsets).toEqual({ 't:0': 5, 't:3': -1, 'gone:0': -1 });
    const r = h.coordinator.fetchOffsets({ groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0] }], memberId: null, memberEpoch: -1 });
    expect(r.topics[0].partitions[0]).toMatchObject({ committedLeaderEpoch: 3, metadata: 'meta' });
    // Each commit is one record per partition in the group's partition of __consumer_offsets.
    expect(h.written.map((w) => w.partition)).toEqual([partitionForGroup('simple', PARTITIONS), partitionForGroup('simple', PARTITIONS)]);
    expect(fetched(h, 'unknown-group', [{ name: 't', partitionIndexes: [0] }])).toEqual({ errorCode: 0, offsets: { 't:0': -1 } });
  });

  it('checks partitions and metadata size per partition', async () => {
    const h = await harness({ 'offset.metadata.max.bytes': '10' });
    const result = h.coordinator.commitOffsets({
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      apiVersion: 8,
      topics: [
        { name: 't', partitions: [
          { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: 'x'.repeat(11) },
          { partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
          { partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' },
        ] },
        { name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '' }] },
      ],
    });
    expect(result.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(fetched(h, 'g').offsets).toEqual({ 't:1': 1 });
  });

  it('members commit with their generation; stale generations, unknown members and simple commits to a live group are refused', async () => {
    const h = await harness();
    const m = await oneMemberGroup(h, 'g');
    const as = (generation: number, memberId: string, apiVersion = 8) => commit(h, 'g', { 't:0': 1 }, { generationIdOrMemberEpoch: generation, memberId, apiVersion });
    expect(as(1, m.memberId)).toEqual({ 't:0': ErrorCode.NONE });
    expect(as(0, m.memberId)).toEqual({ 't:0': ErrorCode.ILLEGAL_GENERATION });
    expect(as(1, 'ghost')).toEqual({ 't:0': ErrorCode.UNKNOWN_MEMBER_ID });
    expect(as(-1, '')).toEqual({ 't:0': ErrorCode.UNKNOWN_MEMBER_ID });
    expect(commit(h, 'nogroup', { 't:0': 1 }, { generationIdOrMemberEpoch: 3, memberId: 'm', apiVersion: 8 })).toEqual({ 't:0': ErrorCode.ILLEGAL_GENERATION });
    expect(commit(h, 'nogroup', { 't:0': 1 }, { generationIdOrMemberEpoch: 3, memberId: 'm', apiVersion: 9 })).toEqual({ 't:0': ErrorCode.GROUP_ID_NOT_FOUND });
    // A new member joins: the old generation may still commit while the group prepares the rebalance...
    const other = join(h, 'g', { apiVersion: 3 });
    expect(as(1, m.memberId)).toEqual({ 't:0': ErrorCode.NONE });
    const again = join(h, 'g', { memberId: m.memberId, apiVersion: 3 });
    await Promise.all([other, again]);
    // ...but not between the join and the sync of the new generation.
    expect(as(2, m.memberId)).toEqual({ 't:0': ErrorCode.REBALANCE_IN_PROGRESS });
  });

  it('a failed write commits nothing and answers the mapped error', async () => {
    const h = await harness();
    h.failWrites = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect(commit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.NOT_COORDINATOR });
    h.failWrites = ErrorCode.MESSAGE_TOO_LARGE;
    expect(commit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.INVALID_COMMIT_OFFSET_SIZE });
    h.failWrites = undefined;
    expect(fetched(h, 'g').offsets).toEqual({});
  });
});

describe('DeleteGroups, OffsetDelete, ListGroups and DescribeGroups', () => {
  it('deletes only empty groups, with tombstones for the offsets and the group', async () => {
    const h = await harness();
    await oneMemberGroup(h, 'live');
    commit(h, 'idle', { 't:0': 1, 'u:1': 2 });
    expect(h.coordinator.deleteGroups(['live', 'idle', 'nope'])).toEqual([
      { groupId: 'live', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'idle', errorCode: ErrorCode.NONE },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(h.coordinator.group('idle')).toBeUndefined();
    expect(fetched(h, 'idle').offsets).toEqual({});
    const tombstones = h.parsed().filter((r) => (r.kind === 'offset' || r.kind === 'group') && r.groupId === 'idle' && r.value === null);
    expect(tombstones.map((r) => r.kind).sort()).toEqual(['group', 'offset', 'offset']);
  });

  it('OffsetDelete refuses topics a live member subscribes to and deletes the others', async () => {
    const h = await harness();
    const m = await oneMemberGroup(h, 'g', ['t']);
    commit(h, 'g', { 't:0': 1, 'u:0': 2 }, { generationIdOrMemberEpoch: m.generationId, memberId: m.memberId });
    const r = h.coordinator.deleteOffsets('g', [
      { name: 't', partitions: [{ partitionIndex: 0 }] },
      { name: 'u', partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] },
    ]);
    expect(r.errorCode).toBe(0);
    expect(r.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([[ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], [0, 0]]);
    expect(fetched(h, 'g').offsets).toEqual({ 't:0': 1 });
    expect(h.coordinator.deleteOffsets('nope', []).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('lists groups with state and type filters, and describes them', async () => {
    const h = await harness();
    const m = await oneMemberGroup(h, 'live');
    commit(h, 'idle', { 't:0': 1 });
    const names = (states: string[], types: string[] = []) => h.coordinator.listGroups(states, types).groups.map((g) => g.groupId).sort();
    expect(names([])).toEqual(['idle', 'live']);
    expect(names(['stable'])).toEqual(['live']);
    expect(names(['Empty'])).toEqual(['idle']);
    expect(names([], ['consumer'])).toEqual([]);
    expect(names([], ['Classic'])).toEqual(['idle', 'live']);
    const [live, idle, nope] = h.coordinator.describeGroups(['live', 'idle', 'nope']);
    expect(live).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(live.members).toHaveLength(1);
    expect(live.members[0]).toMatchObject({ memberId: m.memberId, clientId: 'client', clientHost: '/127.0.0.1' });
    expect(live.members[0].memberAssignment.toString()).toBe('x');
    expect(idle).toMatchObject({ groupState: 'Empty', protocolType: '', members: [] });
    expect(nope).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
  });
});

describe('offset expiry', () => {
  it("an empty group's offsets expire offsets.retention.minutes after it became empty, and the group goes with them", async () => {
    const h = await harness({ 'offsets.retention.minutes': '1', 'offsets.retention.check.interval.ms': '10000' });
    const m = await oneMemberGroup(h, 'g');
    commit(h, 'g', { 't:0': 1 }, { generationIdOrMemberEpoch: m.generationId, memberId: m.memberId });
    commit(h, 'simple', { 't:1': 1 });
    h.timer.advance(50_000);
    h.coordinator.leaveGroup('g', [{ memberId: m.memberId, groupInstanceId: null, reason: null }]);
    h.timer.advance(20_000); // the simple group's offset is 70 s old: expired with its group
    expect(h.coordinator.group('simple')).toBeUndefined();
    expect(fetched(h, 'g').offsets).toEqual({ 't:0': 1 }); // g became empty 20 s ago
    h.timer.advance(50_000);
    expect(fetched(h, 'g').offsets).toEqual({});
    expect(h.coordinator.group('g')).toBeUndefined();
  });

  it('an offset committed with a retention time (v2-4) expires at it, even in a live group', async () => {
    const h = await harness({ 'offsets.retention.check.interval.ms': '1000' });
    const m = await oneMemberGroup(h, 'g', ['t']);
    commit(h, 'g', { 'u:0': 4 }, { generationIdOrMemberEpoch: m.generationId, memberId: m.memberId, retentionTimeMs: 5000, apiVersion: 2 });
    h.timer.advance(3000);
    expect(fetched(h, 'g').offsets).toEqual({ 'u:0': 4 });
    h.timer.advance(3000);
    expect(fetched(h, 'g').offsets).toEqual({});
  });
});

describe("the group's partition", () => {
  it("hashes like Java's String.hashCode folded with Kafka's Utils.abs", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(javaStringHashCode('héllo wörld ☃')).toBe(javaHash('héllo wörld ☃'));
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
    expect(partitionForGroup('my-group', 50)).toBe(Math.abs(javaHash('my-group')) % 50);
  });
});

/** A reference String.hashCode with BigInt arithmetic. */
function javaHash(s: string): number {
  let h = 0n;
  for (let i = 0; i < s.length; i++) h = BigInt.asIntN(32, h * 31n + BigInt(s.charCodeAt(i)));
  return Number(h);
}
