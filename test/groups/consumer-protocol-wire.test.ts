/**
 * The KIP-848 APIs (ConsumerGroupHeartbeat, ConsumerGroupDescribe) on the wire against a real server:
 * two members converge on a split of a topic, commit with their member epoch (OffsetCommit v9), and
 * the group comes back from __consumer_offsets after a restart.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, type RunningKt } from '../helpers/kt.js';

type TopicPartitions = { topicId: string; partitions: number[] }[];

describe('KIP-848 consumer groups on the wire', () => {
  const dir = tempLogDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('members converge, commit with their epoch, and the group survives a restart', async () => {
    let kt: RunningKt = await startKt({ 'log.dirs': dir, 'offsets.topic.num.partitions': '3' });
    let conn: BrokerConnection = await kt.connect('kip848');
    await conn.send(19, 7, { topics: [{ name: 'events', numPartitions: 4, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    expect((await conn.send(10, 4, { keyType: 0, coordinatorKeys: ['cg'] })).coordinators[0].errorCode).toBe(0);
    const heartbeat = (body: Record<string, unknown>) => conn.send(68, 0, { groupId: 'cg', memberId: '', memberEpoch: 0, rebalanceTimeoutMs: -1, ...body });
    const join = (memberId: string) => heartbeat({ memberId, memberEpoch: 0, rebalanceTimeoutMs: 30000, subscribedTopicNames: ['events'], topicPartitions: [], serverAssignor: 'range' });

    const a = await join('member-a');
    expect(a).toMatchObject({ errorCode: 0, memberId: 'member-a', memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(a.assignment.topicPartitions[0].partitions).toEqual([0, 1, 2, 3]);
    const topicId = a.assignment.topicPartitions[0].topicId;
    const b = await join('member-b');
    expect(b).toMatchObject({ errorCode: 0, memberEpoch: 2, assignment: { topicPartitions: [] } });

    const revoke = await heartbeat({ memberId: 'member-a', memberEpoch: 1, topicPartitions: a.assignment.topicPartitions });
    expect(revoke.assignment.topicPartitions).toEqual([{ topicId, partitions: [0, 1] }]);
    const keep: TopicPartitions = revoke.assignment.topicPartitions;
    expect((await heartbeat({ memberId: 'member-a', memberEpoch: 1, topicPartitions: keep })).memberEpoch).toBe(2);
    const bAssigned = await heartbeat({ memberId: 'member-b', memberEpoch: 2, topicPartitions: [] });
    expect(bAssigned.assignment.topicPartitions).toEqual([{ topicId, partitions: [2, 3] }]);

    const described = await conn.send(69, 0, { groupIds: ['cg', 'nope'], includeAuthorizedOperations: false });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupId: 'cg', groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2, assignorName: 'range' });
    const members = Object.fromEntries(described.groups[0].members.map((m: { memberId: string; memberEpoch: number; clientId: string; assignment: { topicPartitions: { topicName: string; partitions: number[] }[] } }) => [m.memberId, m]));
    expect(members['member-a']).toMatchObject({ memberEpoch: 2, clientId: 'kip848', subscribedTopicNames: ['events'], assignment: { topicPartitions: [{ topicId, topicName: 'events', partitions: [0, 1] }] } });
    expect(described.groups[1].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const commit = (memberId: string, epoch: number, partition: number, offset: number) =>
      conn.send(8, 9, { groupId: 'cg', generationIdOrMemberEpoch: epoch, memberId, topics: [{ name: 'events', partitions: [{ partitionIndex: partition, committedOffset: offset, committedMetadata: null }] }] });
    expect((await commit('member-a', 2, 0, 11)).topics[0].partitions[0].errorCode).toBe(0);
    expect((await commit('member-b', 1, 2, 22)).topics[0].partitions[0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    const fetched = await conn.send(9, 9, { groups: [{ groupId: 'cg', memberId: 'member-a', memberEpoch: 2, topics: null }], requireStable: true });
    expect(fetched.groups[0]).toMatchObject({ errorCode: 0, topics: [{ name: 'events', partitions: [{ partitionIndex: 0, committedOffset: 11 }] }] });
    const listed = await conn.send(16, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(listed.groups).toEqual([{ groupId: 'cg', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    // A classic member cannot join a live consumer group.
    const classic = await conn.send(11, 5, { groupId: 'cg', sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    expect(classic.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    await kt.stop();
    kt = await startKt({ 'log.dirs': dir, 'offsets.topic.num.partitions': '3' });
    try {
      conn = await kt.connect('kip848');
      const after = await conn.send(69, 0, { groupIds: ['cg'], includeAuthorizedOperations: false });
      expect(after.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Stable', groupEpoch: 2, assignmentEpoch: 2 });
      expect(after.groups[0].members).toHaveLength(2);
      // The members carry on at their epochs.
      const again = await heartbeat({ memberId: 'member-b', memberEpoch: 2, topicPartitions: bAssigned.assignment.topicPartitions });
      expect(again).toMatchObject({ errorCode: 0, memberEpoch: 2 });
      const left = await heartbeat({ memberId: 'member-b', memberEpoch: -1 });
      expect(left).toMatchObject({ errorCode: 0, memberEpoch: -1 });
      const takeover = await heartbeat({ memberId: 'member-a', memberEpoch: 2, topicPartitions: keep });
      expect(takeover).toMatchObject({ memberEpoch: 3, assignment: { topicPartitions: [{ topicId, partitions: [0, 1, 2, 3] }] } });
    } finally {
      await kt.stop();
    }
  });
});
