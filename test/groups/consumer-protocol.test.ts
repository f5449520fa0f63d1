/**
 * The KIP-848 consumer group protocol on a manual clock: joining, the group epoch, server-side
 * assignment (uniform and range), revocation before reassignment, leaving, session expiry, static
 * members, epoch checks on commits, and replaying the group's records.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { ConsumerGroup } from '../../src/engine/coordinator/group/consumer/consumer-group.js';
import { ConsumerGroupReplay } from '../../src/engine/coordinator/group/consumer/consumer-replay.js';
import type { ConsumerHeartbeatRequest, ConsumerHeartbeatResponse } from '../../src/engine/coordinator/group/consumer/heartbeat.js';
import { uniformAssign, rangeAssign } from '../../src/engine/coordinator/group/consumer/assignors.js';
import { harness, topicIdFor, type Harness } from './harness.js';

const T = topicIdFor(2); // the id harness() gives topic "t" (4 partitions)
const U = topicIdFor(3); // topic "u" (2 partitions, unless the test says otherwise)

function hb(h: Harness, o: Partial<ConsumerHeartbeatRequest>): ConsumerHeartbeatResponse {
  return h.coordinator.consumerGroupHeartbeat({
    groupId: 'cg',
    memberId: '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    subscribedTopicNames: null,
    serverAssignor: null,
    topicPartitions: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    ...o,
  });
}

const joinReq = (topics: string[], o: Partial<ConsumerHeartbeatRequest> = {}) => ({ memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: topics, topicPartitions: [], ...o });
const parts = (r: ConsumerHeartbeatResponse) => Object.fromEntries((r.assignment?.topicPartitions ?? []).map((t) => [t.topicId, t.partitions]));
const owned = (r: ConsumerHeartbeatResponse) => r.assignment!.topicPartitions;
const group = (h: Harness) => h.coordinator.group('cg') as ConsumerGroup;

describe('KIP-848 consumer groups', () => {
  it('a first member joins and gets every partition at epoch 1', async () => {
    const h = await harness();
    const r = hb(h, joinReq(['t']));
    expect(r).toMatchObject({ errorCode: 0, memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(r.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parts(r)).toEqual({ [T]: [0, 1, 2, 3] });
    expect(group(h).stateName()).toBe('Stable');
    // A plain heartbeat with nothing new: same epoch, no assignment sent.
    const again = hb(h, { memberId: r.memberId, memberEpoch: 1 });
    expect(again).toMatchObject({ errorCode: 0, memberEpoch: 1, assignment: null });
  });

  it('a second member waits for partitions the first must revoke; both converge on two each', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t']));
    const b = hb(h, joinReq(['t']));
    expect(b.memberEpoch).toBe(2);
    expect(parts(b)).toEqual({}); // its partitions are still a's
    expect(group(h).stateName()).toBe('Reconciling');
    // a learns it must give two up; it stays at epoch 1 until it has.
    const a1 = hb(h, { memberId: a.memberId, memberEpoch: 1, topicPartitions: owned(a) });
    expect(a1.memberEpoch).toBe(1);
    const kept = parts(a1)[T];
    expect(kept).toHaveLength(2);
    const stillOwning = hb(h, { memberId: a.memberId, memberEpoch: 1, topicPartitions: owned(a) });
    expect(stillOwning.memberEpoch).toBe(1);
    const a2 = hb(h, { memberId: a.memberId, memberEpoch: 1, topicPartitions: [{ topicId: T, partitions: kept }] });
    expect(a2.memberEpoch).toBe(2);
    const b2 = hb(h, { memberId: b.memberId, memberEpoch: 2, topicPartitions: [] });
    expect(b2.memberEpoch).toBe(2);
    expect([...parts(b2)[T], ...kept].sort()).toEqual([0, 1, 2, 3]);
    expect(group(h).stateName()).toBe('Stable');
    const described = h.coordinator.consumerGroupDescribe(['cg'])[0];
    expect(described).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'uniform' });
    expect(described.members.map((m: { assignment: { topicPartitions: { topicName: string }[] } }) => m.assignment.topicPartitions[0].topicName)).toEqual(['t', 't']);
  });

  it('a member leaving (-1) or timing out hands its partitions back', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t']));
    const b = hb(h, joinReq(['t']));
    const a1 = hb(h, { memberId: a.memberId, memberEpoch: 1, topicPartitions: owned(a) });
    hb(h, { memberId: a.memberId, memberEpoch: 1, topicPartitions: owned(a1) });
    hb(h, { memberId: b.memberId, memberEpoch: 2, topicPartitions: [] });
    const left = hb(h, { memberId: b.memberId, memberEpoch: -1 });
    expect(left).toMatchObject({ errorCode: 0, memberId: b.memberId, memberEpoch: -1 });
    const back = hb(h, { memberId: a.memberId, memberEpoch: 2, topicPartitions: owned(a1) });
    expect(back.memberEpoch).toBe(3);
    expect(parts(back)).toEqual({ [T]: [0, 1, 2, 3] });
    // Now a falls silent: fenced after group.consumer.session.timeout.ms.
    h.timer.advance(44_000);
    expect(group(h).members.size).toBe(1);
    h.timer.advance(2_000);
    expect(group(h).members.size).toBe(0);
    expect(group(h).stateName()).toBe('Empty');
    expect(hb(h, { memberId: a.memberId, memberEpoch: 3 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('refuses stale or future epochs, unknown members and groups, bad requests and unknown assignors', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t']));
    expect(hb(h, { memberId: a.memberId, memberEpoch: 5 }).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(hb(h, { memberId: 'nobody', memberEpoch: 1 }).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(hb(h, { groupId: 'other', memberId: 'm', memberEpoch: 3 }).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(hb(h, { memberEpoch: 0, subscribedTopicNames: ['t'], topicPartitions: [] }).errorCode).toBe(ErrorCode.INVALID_REQUEST); // no rebalance timeout
    expect(hb(h, { groupId: '' }).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(hb(h, joinReq(['t'], { serverAssignor: 'sticky' })).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
  });

  it('the range assignor gives co-partitioned topics the same partitions per member', async () => {
    const h = await harness({}, { t: 4, u: 4 });
    const a = hb(h, joinReq(['t', 'u'], { serverAssignor: 'range', memberId: 'a' }));
    const b = hb(h, joinReq(['t', 'u'], { serverAssignor: 'range', memberId: 'b' }));
    const a1 = hb(h, { memberId: 'a', memberEpoch: 1, topicPartitions: owned(a) });
    expect(parts(a1)).toEqual({ [T]: [0, 1], [U]: [0, 1] }); // what a keeps; it revokes the rest
    const a2 = hb(h, { memberId: 'a', memberEpoch: 1, topicPartitions: owned(a1) });
    expect(a2).toMatchObject({ memberEpoch: 2, assignment: null });
    const b2 = hb(h, { memberId: 'b', memberEpoch: b.memberEpoch, topicPartitions: [] });
    expect(parts(b2)).toEqual({ [T]: [2, 3], [U]: [2, 3] });
    expect(h.coordinator.consumerGroupDescribe(['cg'])[0].assignorName).toBe('range');
  });

  it('a static member leaving with -2 and rejoining under its instance id gets its partitions back without a new group epoch', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t'], { instanceId: 'ia' }));
    const b = hb(h, joinReq(['t'], { instanceId: 'ib' }));
    const a1 = hb(h, { memberId: a.memberId, memberEpoch: 1, instanceId: 'ia', topicPartitions: owned(a) });
    hb(h, { memberId: a.memberId, memberEpoch: 1, instanceId: 'ia', topicPartitions: owned(a1) });
    const b1 = hb(h, { memberId: b.memberId, memberEpoch: 2, instanceId: 'ib', topicPartitions: [] });
    const epoch = group(h).groupEpoch;
    expect(hb(h, { memberId: a.memberId, memberEpoch: -2, instanceId: 'ia' })).toMatchObject({ errorCode: 0, memberEpoch: -2 });
    // While it is away, another process cannot take the instance id... until it left: then it can.
    const back = hb(h, joinReq(['t'], { instanceId: 'ia', memberId: 'a-restarted' }));
    expect(back).toMatchObject({ errorCode: 0, memberId: 'a-restarted', memberEpoch: 2 });
    expect(parts(back)).toEqual(parts(a1));
    expect(group(h).groupEpoch).toBe(epoch);
    expect(hb(h, joinReq(['t'], { instanceId: 'ib', memberId: 'impostor' })).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect(hb(h, { memberId: b.memberId, memberEpoch: 2, instanceId: 'ib', topicPartitions: owned(b1) })).toMatchObject({ errorCode: 0, memberEpoch: 2, assignment: null });
  });

  it('offset commits from members carry their epoch (OffsetCommit v9)', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t']));
    const commit = (epoch: number, memberId: string, apiVersion = 9) =>
      h.coordinator.commitOffsets({
        groupId: 'cg', generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1, apiVersion,
        topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: -1, committedMetadata: '' }] }],
      }).topics[0].partitions[0].errorCode;
    expect(commit(1, a.memberId)).toBe(0);
    expect(commit(0, a.memberId)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(commit(2, a.memberId)).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(commit(1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit(1, a.memberId, 8)).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const fetched = h.coordinator.fetchOffsets({ groupId: 'cg', topics: null, memberId: a.memberId, memberEpoch: 0 });
    expect(fetched.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(h.coordinator.deleteGroups(['cg'])[0].errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(h.coordinator.listGroups([], ['consumer']).groups).toEqual([{ groupId: 'cg', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
  });

  it('replaying the written records rebuilds the same group', async () => {
    const h = await harness();
    const a = hb(h, joinReq(['t'], { instanceId: 'ia' }));
    const b = hb(h, joinReq(['t', 'u']));
    hb(h, { memberId: a.memberId, memberEpoch: 1, instanceId: 'ia', topicPartitions: owned(a) });
    hb(h, { memberId: b.memberId, memberEpoch: b.memberEpoch, topicPartitions: [] });
    const live = group(h);
    const replay = new ConsumerGroupReplay();
    for (const r of h.parsed()) if (r.kind === 'consumer-group') replay.apply(r.keyVersion, r.key, r.value);
    const [rebuilt] = replay.build(h.coordinator.ctx);
    const view = (g: ConsumerGroup) => JSON.stringify({
      epoch: g.groupEpoch, target: g.assignmentEpoch, state: g.stateName(), statics: [...g.staticMembers],
      members: [...g.members.values()].map((m) => ({ ...m, assigned: [...m.assigned].map(([t, s]) => [t, [...s]]), partitionsPendingRevocation: [...m.partitionsPendingRevocation].map(([t, s]) => [t, [...s]]) })),
      targets: [...g.targetAssignment].map(([id, a]) => [id, [...a].map(([t, s]) => [t, [...s].sort()])]),
    });
    expect(view(rebuilt)).toBe(view(live));
    // Deleting an empty group tombstones everything: a replay then has no group.
    hb(h, { memberId: a.memberId, memberEpoch: -1 });
    hb(h, { memberId: b.memberId, memberEpoch: -1 });
    expect(h.coordinator.deleteGroups(['cg'])[0].errorCode).toBe(0);
    const after = new ConsumerGroupReplay();
    for (const r of h.parsed()) if (r.kind === 'consumer-group') after.apply(r.keyVersion, r.key, r.value);
    expect(after.build(h.coordinator.ctx)).toEqual([]);
  });
});

describe('server-side assignors', () => {
  const member = (memberId: string, topics: string[], previous: [string, number[]][] = []) => ({
    memberId,
    subscribedTopicIds: new Set(topics),
    previous: new Map(previous.map(([t, ps]) => [t, new Set(ps)])),
  });
  const counts = (m: Map<string, Map<string, Set<number>>>) => [...m.values()].map((a) => [...a.values()].reduce((n, s) => n + s.size, 0));

  it('uniform balances within one partition and keeps previous owners', () => {
    const topics = new Map([['x', 7], ['y', 3]]);
    const first = uniformAssign({ members: [member('a', ['x', 'y']), member('b', ['x', 'y']), member('c', ['x', 'y'])], topics });
    expect(counts(first).sort()).toEqual([3, 3, 4]);
    const prevA = [...first.get('a')!].map(([t, s]) => [t, [...s]] as [string, number[]]);
    const next = uniformAssign({ members: [member('a', ['x', 'y'], prevA), member('b', ['x', 'y']), member('d', ['x', 'y'])], topics });
    for (const [t, ps] of prevA) for (const p of ps) expect(next.get('a')!.get(t)!.has(p)).toBe(true);
  });

  it('uniform only gives members topics they subscribe to', () => {
    const r = uniformAssign({ members: [member('a', ['x']), member('b', ['x', 'y'])], topics: new Map([['x', 4], ['y', 4]]) });
    expect(r.get('a')!.has('y')).toBe(false);
    expect(counts(r)).toEqual([4, 4]);
  });

  it('range splits each topic into consecutive ranges by member id', () => {
    const r = rangeAssign({ members: [member('b', ['x']), member('a', ['x'])], topics: new Map([['x', 5]]) });
    expect([...r.get('a')!.get('x')!]).toEqual([0, 1, 2]);
    expect([...r.get('b')!.get('x')!]).toEqual([3, 4]);
  });
});
