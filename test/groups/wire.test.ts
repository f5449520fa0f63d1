/**
 * The group APIs on the wire, version by version, against a real server: what ApiVersions advertises,
 * FindCoordinator (single and batched keys), the JoinGroup/SyncGroup/Heartbeat/LeaveGroup cycle,
 * OffsetCommit/OffsetFetch across versions (several groups in one v8 fetch), and the admin APIs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { encodeSubscription } from '../../src/engine/protocol/consumer-protocol.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

const GROUP_APIS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 42, 47, 68, 69];

describe('group APIs on the wire', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '5' });
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'wt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
  });
  afterAll(() => kt.stop());

  it('advertises every group API from version 0', async () => {
    const versions = await conn.negotiate();
    const got = Object.fromEntries(GROUP_APIS.map((k) => [k, versions.get(k)]));
    expect(got).toEqual({
      8: { minVersion: 0, maxVersion: 9 },
      9: { minVersion: 0, maxVersion: 9 },
      10: { minVersion: 0, maxVersion: 6 },
      11: { minVersion: 0, maxVersion: 9 },
      12: { minVersion: 0, maxVersion: 4 },
      13: { minVersion: 0, maxVersion: 5 },
      14: { minVersion: 0, maxVersion: 5 },
      15: { minVersion: 0, maxVersion: 5 },
      16: { minVersion: 0, maxVersion: 5 },
      42: { minVersion: 0, maxVersion: 2 },
      47: { minVersion: 0, maxVersion: 0 },
      68: { minVersion: 0, maxVersion: 0 },
      69: { minVersion: 0, maxVersion: 0 },
    });
  });

  it('group requests before __consumer_offsets exists get NOT_COORDINATOR; FindCoordinator creates it', async () => {
    const join = await conn.send(11, 5, { groupId: 'early', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [] });
    expect(join.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    const v0 = await conn.send(10, 0, { key: 'early' });
    expect(v0).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: kt.port });
    const md = await conn.send(3, 9, { topics: [{ name: '__consumer_offsets' }] });
    expect(md.topics[0]).toMatchObject({ errorCode: 0, isInternal: true });
    expect(md.topics[0].partitions).toHaveLength(5);
    const configs = await conn.send(32, 4, { resources: [{ resourceType: 2, resourceName: '__consumer_offsets', configurationKeys: ['cleanup.policy', 'segment.bytes', 'compression.type'] }] });
    const values = Object.fromEntries(configs.results[0].configs.map((c: { name: string; value: string }) => [c.name, c.value]));
    expect(values).toEqual({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' });
  });

  it('FindCoordinator: v1-3 with key types, v4+ batched keys', async () => {
    expect(await conn.send(10, 3, { key: 'g', keyType: 0 })).toMatchObject({ errorCode: 0, errorMessage: 'NONE', nodeId: 1, port: kt.port });
    expect(await conn.send(10, 1, { key: 'tx', keyType: 1 })).toMatchObject({ errorCode: 0, nodeId: 1, port: kt.port }); // the transaction coordinator
    const batched = await conn.send(10, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
    expect(batched.coordinators).toEqual([
      { key: 'a', nodeId: 1, host: '127.0.0.1', port: kt.port, errorCode: 0, errorMessage: 'NONE' },
      { key: 'b', nodeId: 1, host: '127.0.0.1', port: kt.port, errorCode: 0, errorMessage: 'NONE' },
    ]);
    const bad = await conn.send(10, 6, { keyType: 7, coordinatorKeys: ['x'] });
    expect(bad.coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('JoinGroup v4+ asks for a member id, then a full join/sync/heartbeat/commit/leave cycle works', async () => {
    const protocols = [{ name: 'range', metadata: encodeSubscription(['wt']) }];
    const first = await conn.send(11, 9, { groupId: 'cycle', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols, reason: 'test' });
    expect(first).toMatchObject({ errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
    expect(first.memberId).toMatch(/^kt-test-/);
    const joined = await conn.send(11, 9, { groupId: 'cycle', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: first.memberId, protocolType: 'consumer', protocols });
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: first.memberId, memberId: first.memberId, skipAssignment: false });
    expect(joined.members).toHaveLength(1);
    const synced = await conn.send(14, 5, {
      groupId: 'cycle', generationId: 1, memberId: first.memberId, protocolType: 'consumer', protocolName: 'range',
      assignments: [{ memberId: first.memberId, assignment: Buffer.from('mine') }],
    });
    expect(synced).toMatchObject({ errorCode: 0, protocolType: 'consumer', protocolName: 'range' });
    expect(Buffer.from(synced.assignment).toString()).toBe('mine');
    const wrongProtocol = await conn.send(14, 5, { groupId: 'cycle', generationId: 1, memberId: first.memberId, protocolType: 'connect', protocolName: 'range', assignments: [] });
    expect(wrongProtocol.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await conn.send(12, 4, { groupId: 'cycle', generationId: 1, memberId: first.memberId })).errorCode).toBe(0);
    expect((await conn.send(12, 0, { groupId: 'cycle', generationId: 9, memberId: first.memberId })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const committed = await conn.send(8, 8, {
      groupId: 'cycle', generationIdOrMemberEpoch: 1, memberId: first.memberId,
      topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 0, committedMetadata: 'm' }] }],
    });
    expect(committed.topics[0].partitions[0].errorCode).toBe(0);
    const described = await conn.send(15, 5, { groups: ['cycle'], includeAuthorizedOperations: true });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(described.groups[0].members[0]).toMatchObject({ memberId: first.memberId, clientId: 'kt-test', clientHost: '/127.0.0.1', groupInstanceId: null });
    expect(described.groups[0].authorizedOperations).toBeGreaterThan(0);
    const left = await conn.send(13, 5, { groupId: 'cycle', members: [{ memberId: first.memberId, groupInstanceId: null, reason: 'done' }] });
    expect(left).toMatchObject({ errorCode: 0, members: [{ memberId: first.memberId, groupInstanceId: null, errorCode: 0 }] });
    // v0-2 answer the one member's error at the top level.
    expect((await conn.send(13, 1, { groupId: 'cycle', memberId: first.memberId })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const after = await conn.send(15, 0, { groups: ['cycle'] });
    expect(after.groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
  });

  it('JoinGroup v0 joins at once; its protocol name is never null', async () => {
    const protocols = [{ name: 'roundrobin', metadata: encodeSubscription(['wt']) }];
    const joined = await conn.send(11, 0, { groupId: 'old', sessionTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols });
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'roundrobin' });
    const bad = await conn.send(11, 0, { groupId: 'old2', sessionTimeoutMs: 100, memberId: '', protocolType: 'consumer', protocols });
    expect(bad).toMatchObject({ errorCode: ErrorCode.INVALID_SESSION_TIMEOUT, protocolName: '' });
  });

  it('OffsetCommit and OffsetFetch across versions; v8 fetches several groups at once', async () => {
    const part = (offset: number, metadata: string | null = null) => [{ name: 'wt', partitions: [{ partitionIndex: 1, committedOffset: offset, committedLeaderEpoch: 2, commitTimestamp: -1, committedMetadata: metadata }] }];
    for (const [version, group] of [[0, 'c0'], [1, 'c1'], [2, 'c2'], [5, 'c5'], [7, 'c7'], [9, 'c9']] as const) {
      const r = await conn.send(8, version, { groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: part(10 + version, `v${version}`) });
      expect(r.topics[0].partitions[0], `v${version}`).toEqual({ partitionIndex: 1, errorCode: 0 });
    }
    const v1 = await conn.send(9, 1, { groupId: 'c1', topics: [{ name: 'wt', partitionIndexes: [0, 1] }] });
    expect(v1.topics[0].partitions).toEqual([
      { partitionIndex: 0, committedOffset: -1, metadata: '', errorCode: 0, committedLeaderEpoch: -1 },
      { partitionIndex: 1, committedOffset: 11, metadata: 'v1', errorCode: 0, committedLeaderEpoch: -1 },
    ]);
    const v5 = await conn.send(9, 5, { groupId: 'c5', topics: null });
    expect(v5).toMatchObject({ errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 1, committedOffset: 15, committedLeaderEpoch: -1, metadata: 'v5' }] }] });
    const v7 = await conn.send(9, 7, { groupId: 'c7', topics: null, requireStable: true });
    expect(v7.topics[0].partitions[0]).toMatchObject({ committedOffset: 17, committedLeaderEpoch: 2 });
    const v8 = await conn.send(9, 8, {
      groups: [
        { groupId: 'c0', topics: [{ name: 'wt', partitionIndexes: [1] }] },
        { groupId: 'c9', topics: null },
        { groupId: '', topics: null },
      ],
      requireStable: false,
    });
    expect(v8.groups).toEqual([
      { groupId: 'c0', errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 1, committedOffset: 10, committedLeaderEpoch: -1, metadata: 'v0', errorCode: 0 }] }] },
      { groupId: 'c9', errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 1, committedOffset: 19, committedLeaderEpoch: 2, metadata: 'v9', errorCode: 0 }] }] },
      { groupId: '', errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] },
    ]);
  });

  it('ListGroups filters by state (v4) and type (v5); DeleteGroups and OffsetDelete', async () => {
    const list = await conn.send(16, 5, { statesFilter: ['empty'], typesFilter: [] });
    const names = list.groups.map((g: { groupId: string }) => g.groupId).sort();
    expect(names).toContain('c0');
    expect(names).not.toContain('old'); // still CompletingRebalance
    expect(list.groups.find((g: { groupId: string }) => g.groupId === 'cycle')).toEqual({ groupId: 'cycle', protocolType: 'consumer', groupState: 'Empty', groupType: 'classic' });
    const v0 = await conn.send(16, 0, {});
    expect(v0.groups.map((g: { groupId: string }) => g.groupId)).toContain('old');
    const del = await conn.send(47, 0, { groupId: 'c1', topics: [{ name: 'wt', partitions: [{ partitionIndex: 1 }] }] });
    expect(del).toMatchObject({ errorCode: 0, topics: [{ name: 'wt', partitions: [{ partitionIndex: 1, errorCode: 0 }] }] });
    const gone = await conn.send(9, 5, { groupId: 'c1', topics: null });
    expect(gone.topics).toEqual([]);
    const deleted = await conn.send(42, 2, { groupsNames: ['c2', 'old', 'missing'] });
    expect(deleted.results).toEqual([
      { groupId: 'c2', errorCode: 0 },
      { groupId: 'old', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
  });
});
