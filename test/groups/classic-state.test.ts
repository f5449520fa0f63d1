/**
 * The classic group state machine on a manual clock: joins, generations, the initial rebalance delay,
 * heartbeats and session expiry, LeaveGroup, static membership and the group limits.
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { ClassicGroup } from '../../src/engine/coordinator/group/classic-group.js';
import { harness, heartbeat, join, joinWithId, settled, subscription, sync, type Harness } from './harness.js';

const classic = (h: Harness, id: string) => h.coordinator.group(id) as ClassicGroup;

/** Two dynamic members joined and synced: a Stable group at generation 1. */
async function stableGroup(h: Harness, groupId = 'g') {
  const a = await joinWithId(h, groupId, { clientId: 'a' });
  const b = await joinWithId(h, groupId, { clientId: 'b' });
  h.timer.advance(200); // b joined during the initial delay: it was extended once
  const [ja, jb] = await Promise.all([a.result, b.result]);
  const leader = ja.leader === a.memberId ? ja : jb;
  const follower = leader === ja ? jb : ja;
  const followerSync = sync(h, groupId, follower.memberId, follower.generationId);
  const leaderSync = await sync(h, groupId, leader.memberId, leader.generationId, { [leader.memberId]: 'L', [follower.memberId]: 'F' });
  return { leader, follower, leaderSync, followerSync: await followerSync };
}

describe('classic group joins', () => {
  it('a v4+ dynamic member gets MEMBER_ID_REQUIRED, then joins after the initial delay as leader of generation 1', async () => {
    const h = await harness();
    const first = await join(h, 'g', { clientId: 'app' });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    const joined = join(h, 'g', { memberId: first.memberId });
    expect(classic(h, 'g').state).toBe('PreparingRebalance');
    h.timer.advance(99);
    expect(await settled(joined)).toBe(false);
    h.timer.advance(1);
    const r = await joined;
    expect(r).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range', protocolType: 'consumer', leader: first.memberId, memberId: first.memberId });
    expect(r.members.map((m) => m.memberId)).toEqual([first.memberId]);
    expect(classic(h, 'g').state).toBe('CompletingRebalance');
  });

  it('v0-3 members are added at once, without MEMBER_ID_REQUIRED', async () => {
    const h = await harness();
    const r = join(h, 'g', { apiVersion: 3 });
    h.timer.advance(100);
    expect((await r).errorCode).toBe(0);
    expect((await r).memberId).not.toBe('');
  });

  it('members joining during the initial delay extend it, and all get the same generation; only the leader gets the member list', async () => {
    const h = await harness();
    const a = await joinWithId(h, 'g');
    h.timer.advance(80);
    const b = await joinWithId(h, 'g');
    h.timer.advance(80); // first delay expires, a member was added: extended
    expect(await settled(a.result)).toBe(false);
    h.timer.advance(100);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.leader).toBe(a.memberId);
    expect(ra.members).toHaveLength(2);
    expect(rb.members).toHaveLength(0);
  });

  it("the leader's SyncGroup hands every member its assignment, persists the generation and makes the group Stable", async () => {
    const h = await harness();
    const { leaderSync, followerSync, leader, follower } = await stableGroup(h);
    expect(leaderSync).toMatchObject({ errorCode: 0, protocolName: 'range', protocolType: 'consumer' });
    expect(leaderSync.assignment.toString()).toBe('L');
    expect(followerSync.assignment.toString()).toBe('F');
    expect(classic(h, 'g').state).toBe('Stable');
    const records = h.parsed().filter((r) => r.kind === 'group');
    expect(records).toHaveLength(1);
    const value = (records[0] as { value: { generation: number; leader: string; members: { memberId: string; assignment: Buffer }[] } }).value;
    expect(value.generation).toBe(1);
    expect(value.leader).toBe(leader.memberId);
    expect(Object.fromEntries(value.members.map((m) => [m.memberId, m.assignment.toString()]))).toEqual({ [leader.memberId]: 'L', [follower.memberId]: 'F' });
    // A SyncGroup in Stable returns the member's assignment again.
    expect((await sync(h, 'g', follower.memberId, 1)).assignment.toString()).toBe('F');
  });

  it('members left out of the assignment get an empty one', async () => {
    const h = await harness();
    const a = await joinWithId(h, 'g');
    const b = await joinWithId(h, 'g');
    h.timer.advance(200);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const other = leader === ra ? rb : ra;
    const parked = sync(h, 'g', other.memberId, 1);
    await sync(h, 'g', leader.memberId, 1, { [leader.memberId]: 'X' });
    expect((await parked).assignment.length).toBe(0);
  });

  it('protocols: the vote picks what most members prefer among those all support; mismatches are refused', async () => {
    const h = await harness();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: subscription('t') }));
    const a = await joinWithId(h, 'g', { protocols: p('roundrobin', 'range') });
    const b = await joinWithId(h, 'g', { protocols: p('range', 'roundrobin') });
    const c = await joinWithId(h, 'g', { protocols: p('range', 'sticky', 'roundrobin') });
    h.timer.advance(200);
    const results = await Promise.all([a.result, b.result, c.result]);
    expect(results.map((r) => r.protocolName)).toEqual(['range', 'range', 'range']);
    expect((await join(h, 'g', { protocols: p('cooperative-sticky') })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await join(h, 'g', { protocolType: 'connect', protocols: p('range') })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await join(h, 'empty', { protocolType: '' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses bad session timeouts, empty group ids, unknown member ids and full groups', async () => {
    const h = await harness({ 'group.max.size': '2' });
    expect((await join(h, 'g', { sessionTimeoutMs: 1000 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await join(h, 'g', { sessionTimeoutMs: 3_600_000 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await join(h, '')).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await join(h, 'nope', { memberId: 'ghost' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await stableGroup(h, 'full');
    expect((await join(h, 'full', { apiVersion: 3 })).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  it('a follower rejoining with unchanged metadata in Stable gets the current generation back without a rebalance', async () => {
    const h = await harness();
    const { follower } = await stableGroup(h);
    const again = await join(h, 'g', { memberId: follower.memberId });
    expect(again).toMatchObject({ errorCode: 0, generationId: 1, members: [] });
    expect(classic(h, 'g').state).toBe('Stable');
  });
});

describe('heartbeats, session expiry and LeaveGroup', () => {
  it('answers NONE when Stable, REBALANCE_IN_PROGRESS while a new member joins, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID', async () => {
    const h = await harness();
    const { leader, follower } = await stableGroup(h);
    expect(heartbeat(h, 'g', leader.memberId, 1)).toBe(ErrorCode.NONE);
    expect(heartbeat(h, 'g', leader.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat(h, 'g', 'ghost', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(h, 'nope', 'ghost', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const c = await joinWithId(h, 'g');
    expect(classic(h, 'g').state).toBe('PreparingRebalance');
    expect(heartbeat(h, 'g', follower.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // The old members rejoin; the join phase completes at once, with no initial delay this time.
    const rl = join(h, 'g', { memberId: leader.memberId });
    const rf = join(h, 'g', { memberId: follower.memberId });
    const all = await Promise.all([rl, rf, c.result]);
    expect(all.map((r) => r.generationId)).toEqual([2, 2, 2]);
  });

  it('a member that stops heartbeating is removed after its session timeout and the rest rebalance', async () => {
    const h = await harness();
    const { leader, follower } = await stableGroup(h);
    for (let i = 0; i < 3; i++) {
      h.timer.advance(3000);
      expect(heartbeat(h, 'g', leader.memberId, 1)).toBe(ErrorCode.NONE);
    }
    h.timer.advance(3000);
    // 12 s without a heartbeat from the follower (session timeout 10 s).
    expect(classic(h, 'g').member(follower.memberId)).toBeUndefined();
    expect(heartbeat(h, 'g', leader.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const again = await join(h, 'g', { memberId: leader.memberId });
    expect(again).toMatchObject({ generationId: 2, leader: leader.memberId });
    expect(again.members).toHaveLength(1);
  });

  it('a member that never sends SyncGroup is removed after the rebalance timeout', async () => {
    const h = await harness();
    const a = await joinWithId(h, 'g', { rebalanceTimeoutMs: 5000 });
    const b = await joinWithId(h, 'g', { rebalanceTimeoutMs: 5000 });
    h.timer.advance(200);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const silent = leader === ra ? rb : ra;
    await sync(h, 'g', leader.memberId, 1, {});
    h.timer.advance(2000);
    expect(heartbeat(h, 'g', leader.memberId, 1)).toBe(ErrorCode.NONE);
    h.timer.advance(3100);
    expect(classic(h, 'g').member(silent.memberId)).toBeUndefined();
    expect(classic(h, 'g').state).toBe('PreparingRebalance');
  });

  it('LeaveGroup removes members (v3 batches, by instance id too) and the group rebalances or empties', async () => {
    const h = await harness();
    const { leader, follower } = await stableGroup(h);
    const left = h.coordinator.leaveGroup('g', [
      { memberId: follower.memberId, groupInstanceId: null, reason: 'bye' },
      { memberId: 'ghost', groupInstanceId: null, reason: null },
      { memberId: '', groupInstanceId: 'nobody', reason: null },
    ]);
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(classic(h, 'g').state).toBe('PreparingRebalance');
    const again = await join(h, 'g', { memberId: leader.memberId });
    expect(again.generationId).toBe(2);
    await sync(h, 'g', leader.memberId, 2, {});
    h.coordinator.leaveGroup('g', [{ memberId: leader.memberId, groupInstanceId: null, reason: null }]);
    // The last member left: the join phase ends with no members, an Empty generation 3.
    const group = classic(h, 'g');
    expect(group.state).toBe('Empty');
    expect(group.generationId).toBe(3);
    const last = h.parsed().filter((r) => r.kind === 'group').pop() as { value: { generation: number; members: unknown[] } };
    expect(last.value).toMatchObject({ generation: 3, members: [] });
  });

  it('a member removed while its JoinGroup is parked gets UNKNOWN_MEMBER_ID', async () => {
    const h = await harness();
    const { leader, follower } = await stableGroup(h);
    const parked = join(h, 'g', { memberId: follower.memberId, protocols: [{ name: 'range', metadata: subscription('t', 'u') }] });
    h.coordinator.leaveGroup('g', [{ memberId: follower.memberId, groupInstanceId: null, reason: null }]);
    expect((await parked).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(classic(h, 'g').member(leader.memberId)).toBeDefined();
  });
});

describe('static membership', () => {
  async function staticGroup(h: Harness) {
    const a = join(h, 'g', { groupInstanceId: 'ia', clientId: 'a' });
    const b = join(h, 'g', { groupInstanceId: 'ib', clientId: 'b' });
    h.timer.advance(200);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.memberId).toMatch(/^ia-/);
    const leader = ra.leader === ra.memberId ? ra : rb;
    const follower = leader === ra ? rb : ra;
    const fs = sync(h, 'g', follower.memberId, 1, {}, follower === ra ? 'ia' : 'ib');
    await sync(h, 'g', leader.memberId, 1, { [ra.memberId]: 'A', [rb.memberId]: 'B' }, leader === ra ? 'ia' : 'ib');
    await fs;
    return { ra, rb };
  }

  it('a restarted static member gets a new member id and its old assignment without a rebalance; its old id is fenced', async () => {
    const h = await harness();
    const { ra, rb } = await staticGroup(h);
    const before = h.written.length;
    const rejoin = await join(h, 'g', { groupInstanceId: 'ia', clientId: 'a2' });
    expect(rejoin.errorCode).toBe(0);
    expect(rejoin.memberId).not.toBe(ra.memberId);
    expect(rejoin.generationId).toBe(1);
    expect(classic(h, 'g').state).toBe('Stable');
    expect(h.written.length).toBe(before + 1); // the new member id is persisted
    expect((await sync(h, 'g', rejoin.memberId, 1, {}, 'ia')).assignment.toString()).toBe('A');
    expect(heartbeat(h, 'g', rb.memberId, 1, 'ib')).toBe(ErrorCode.NONE);
    expect(heartbeat(h, 'g', ra.memberId, 1, 'ia')).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await join(h, 'g', { memberId: ra.memberId, groupInstanceId: 'ia' })).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('a returning static leader is told it leads but skips the assignment (v9), or is told the old leader id (v5)', async () => {
    const h = await harness();
    const { ra } = await staticGroup(h);
    const leaderInstance = ra.leader === ra.memberId ? 'ia' : 'ib';
    const v9 = await join(h, 'g', { groupInstanceId: leaderInstance, apiVersion: 9 });
    expect(v9).toMatchObject({ errorCode: 0, generationId: 1, leader: v9.memberId, skipAssignment: true });
    expect(v9.members).toHaveLength(2);
    const v5 = await join(h, 'g', { groupInstanceId: leaderInstance, apiVersion: 5 });
    expect(v5).toMatchObject({ errorCode: 0, generationId: 1, leader: v9.memberId, skipAssignment: false, members: [] });
    expect(classic(h, 'g').state).toBe('Stable');
  });

  it('a static member rejoining with protocols that change the vote triggers a rebalance', async () => {
    const h = await harness();
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: subscription('t') }));
    const first = join(h, 's', { groupInstanceId: 'only', protocols: p('range', 'roundrobin') });
    h.timer.advance(100);
    const r = await first;
    await sync(h, 's', r.memberId, 1, { [r.memberId]: 'A' }, 'only');
    // roundrobin first: still a candidate, and the lone member's vote now picks it.
    const again = join(h, 's', { groupInstanceId: 'only', protocols: p('roundrobin', 'range') });
    // Its only member has rejoined, so the join phase ends at once with a new generation.
    expect(classic(h, 's').state).toBe('CompletingRebalance');
    expect((await again).protocolName).toBe('roundrobin');
    expect((await again).generationId).toBe(2);
  });

  it('static members that do not rejoin stay in the group through a rebalance until their session expires', async () => {
    const h = await harness();
    const { ra, rb } = await staticGroup(h);
    const c = await joinWithId(h, 'g', { clientId: 'c' });
    const again = join(h, 'g', { memberId: ra.memberId, groupInstanceId: 'ia' });
    h.timer.advance(30_000); // rebalance timeout: ib never rejoined but is static, so it stays
    const [r, rc] = await Promise.all([again, c.result]);
    expect(r.generationId).toBe(2);
    expect(rc.generationId).toBe(2);
    expect(classic(h, 'g').member(rb.memberId)).toBeUndefined(); // session (10 s) expired meanwhile
  });
});
