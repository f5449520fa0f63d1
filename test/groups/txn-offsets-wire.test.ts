/**
 * TxnOffsetCommit on the wire against a real in-process kt server: every version, the errors each
 * answers, pending offsets that OffsetFetch (v7+ requireStable) reports as UNSTABLE_OFFSET_COMMIT
 * until the transaction's COMMIT marker lands on the group's __consumer_offsets partition, ABORT
 * dropping them, and all of it replayed from the log after a restart — a transaction still open at
 * shutdown stays pending and can be committed afterwards.
 *
 * The markers are written as the transaction coordinator's marker writer does: the control batch
 * appended to the partition, then the group coordinator told (GroupCoordinator.completeTransaction).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { OFFSETS_TOPIC, partitionForGroup } from '../../src/engine/coordinator/group/partitioner.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, waitFor, type RunningKt } from '../helpers/kt.js';

const OFFSETS_PARTITIONS = 3;
const overrides = {
  'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS),
  // These tests send TxnOffsetCommit for producers the transaction coordinator never saw: the
  // coordinator's verification (KIP-890 part 1) is the transaction tests' subject, not this one's.
  'transaction.partition.verification.enable': 'false',
};
const GROUP = 'txn-wire';
const TOPIC = 'tw';

type Conn = BrokerConnection;

function txnCommit(conn: Conn, version: number, producerId: number, offsets: Record<number, number>, o: Record<string, unknown> = {}) {
  return conn.send(28, version, {
    transactionalId: `tx-${producerId}`,
    groupId: GROUP,
    producerId,
    producerEpoch: 0,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: TOPIC, partitions: Object.entries(offsets).map(([p, offset]) => ({ partitionIndex: Number(p), committedOffset: offset, committedLeaderEpoch: 4, committedMetadata: `pid ${producerId}` })) }],
    ...o,
  });
}

const errorsOf = (r: Message): Record<number, number> =>
  Object.fromEntries((r.topics as Message[]).flatMap((t) => (t.partitions as Message[]).map((p) => [p.partitionIndex, p.errorCode])));

/** OffsetFetch v7 (or v8 when `v8`): partition -> offset, or "E<code>" for a partition error. */
async function fetchOffsets(conn: Conn, requireStable: boolean, groupId = GROUP, v8 = false): Promise<Record<number, number | string>> {
  const topics = [{ name: TOPIC, partitionIndexes: [0, 1] }];
  const r = v8
    ? (await conn.send(9, 8, { groups: [{ groupId, topics }], requireStable })).groups[0]
    : await conn.send(9, 7, { groupId, topics, requireStable });
  expect(r.errorCode).toBe(ErrorCode.NONE);
  return Object.fromEntries(
    (r.topics[0].partitions as { partitionIndex: number; committedOffset: number; errorCode: number }[]).map((p) => [p.partitionIndex, p.errorCode !== 0 ? `E${p.errorCode}` : p.committedOffset]),
  );
}

/** Write a COMMIT/ABORT marker to the group's partition and complete the transaction there, as the marker writer does. */
function endTxn(kt: RunningKt, producerId: number, commit: boolean, groupId = GROUP): void {
  const partition = partitionForGroup(groupId, OFFSETS_PARTITIONS);
  const { errorCode } = kt.server.replicaManager.appendMarker(kt.server.metadata(), OFFSETS_TOPIC, partition, { producerId, producerEpoch: 0, commit, coordinatorEpoch: 0 });
  expect(errorCode).toBe(ErrorCode.NONE);
  kt.server.groupCoordinator.completeTransaction(partition, producerId, commit);
}

async function ready(kt: RunningKt): Promise<Conn> {
  const conn = await kt.connect();
  await conn.send(10, 3, { key: GROUP, keyType: 0 });
  await waitFor(async () => (await conn.send(16, 4, { statesFilter: [] })).errorCode === ErrorCode.NONE && kt.server.metadata().topic(OFFSETS_TOPIC) !== undefined, 'the offsets partitions to load');
  return conn;
}

const UNSTABLE = `E${ErrorCode.UNSTABLE_OFFSET_COMMIT}`;

describe('TxnOffsetCommit on the wire', () => {
  const dir = tempLogDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pending offsets are unstable until COMMIT, dropped by ABORT, and replayed after a restart', async () => {
    const first = await startKt({ ...overrides, 'log.dirs': dir });
    let second: RunningKt | undefined;
    try {
      const conn = await ready(first);
      expect((await conn.negotiate()).get(28)).toEqual({ minVersion: 0, maxVersion: 5 });
      await conn.send(19, 7, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
      const plain = await conn.send(8, 8, { groupId: GROUP, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 5, committedLeaderEpoch: 0, committedMetadata: 'plain' }] }] });
      expect(plain.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);

      // Producer 101 commits offsets in its transaction: written, pending.
      expect(errorsOf(await txnCommit(conn, 3, 101, { 0: 10, 1: 11 }))).toEqual({ 0: 0, 1: 0 });
      const offsetsLog = first.server.replicaManager.get(OFFSETS_TOPIC, partitionForGroup(GROUP, OFFSETS_PARTITIONS))!.log;
      expect(offsetsLog.hasOngoingTransaction(101)).toBe(true);
      expect(await fetchOffsets(conn, false)).toEqual({ 0: 5, 1: -1 });
      expect(await fetchOffsets(conn, true)).toEqual({ 0: UNSTABLE, 1: UNSTABLE });
      expect(await fetchOffsets(conn, true, GROUP, true)).toEqual({ 0: UNSTABLE, 1: UNSTABLE });
      // Before v7 there is no requireStable: the committed offsets.
      const v6 = await conn.send(9, 6, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0] }] });
      expect(v6.topics[0].partitions[0]).toMatchObject({ committedOffset: 5, errorCode: 0 });

      endTxn(first, 101, true);
      expect(offsetsLog.hasOngoingTransaction(101)).toBe(false);
      expect(await fetchOffsets(conn, true)).toEqual({ 0: 10, 1: 11 });
      const v7 = await conn.send(9, 7, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [1] }], requireStable: true });
      expect(v7.topics[0].partitions[0]).toEqual({ partitionIndex: 1, committedOffset: 11, committedLeaderEpoch: 4, metadata: 'pid 101', errorCode: 0 });

      // Producer 102 aborts; producer 103 is still open at shutdown.
      expect(errorsOf(await txnCommit(conn, 4, 102, { 1: 99 }))).toEqual({ 1: 0 });
      expect(errorsOf(await txnCommit(conn, 4, 103, { 0: 20 }))).toEqual({ 0: 0 });
      endTxn(first, 102, false);
      expect(await fetchOffsets(conn, false)).toEqual({ 0: 10, 1: 11 });
      expect(await fetchOffsets(conn, true)).toEqual({ 0: UNSTABLE, 1: 11 });
      await first.stop();

      second = await startKt({ ...overrides, 'log.dirs': dir });
      const again = await ready(second);
      expect(await fetchOffsets(again, false)).toEqual({ 0: 10, 1: 11 });
      expect(await fetchOffsets(again, true)).toEqual({ 0: UNSTABLE, 1: 11 });
      expect(second.server.replicaManager.get(OFFSETS_TOPIC, partitionForGroup(GROUP, OFFSETS_PARTITIONS))!.log.hasOngoingTransaction(103)).toBe(true);
      endTxn(second, 103, true);
      expect(await fetchOffsets(again, true)).toEqual({ 0: 20, 1: 11 });
    } finally {
      await (second ?? first).stop().catch(() => undefined);
    }
  });

  it('serves every version, with the errors each answers', async () => {
    const kt = await startKt(overrides);
    try {
      const conn = await ready(kt);
      await conn.send(19, 7, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
      for (let version = 0; version <= 4; version++) {
        const producerId = 200 + version;
        const groupId = `${GROUP}-v${version}`;
        expect(errorsOf(await txnCommit(conn, version, producerId, { 1: 40 + version }, { groupId })), `v${version}`).toEqual({ 1: 0 });
        expect(await fetchOffsets(conn, true, groupId), `v${version}`).toEqual({ 0: -1, 1: UNSTABLE });
        endTxn(kt, producerId, true, groupId);
        const got = await conn.send(9, 7, { groupId, topics: [{ name: TOPIC, partitionIndexes: [1] }], requireStable: true });
        // The leader epoch exists from v2.
        expect(got.topics[0].partitions[0], `v${version}`).toMatchObject({ committedOffset: 40 + version, committedLeaderEpoch: version >= 2 ? 4 : -1, metadata: `pid ${producerId}` });
      }

      expect(errorsOf(await txnCommit(conn, 3, 300, { 0: 1 }, { groupId: '' }))).toEqual({ 0: ErrorCode.INVALID_GROUP_ID });
      // v3: a generation for a group that does not exist.
      expect(errorsOf(await txnCommit(conn, 3, 300, { 0: 1 }, { groupId: 'no-such-group', generationId: 3, memberId: 'm' }))).toEqual({ 0: ErrorCode.ILLEGAL_GENERATION });
      const mixed = await conn.send(28, 3, {
        transactionalId: 'tx-300', groupId: GROUP, producerId: 300, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null,
        topics: [
          { name: TOPIC, partitions: [
            { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: 'x'.repeat(4097) },
            { partitionIndex: 7, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
          ] },
          { name: 'no-such-topic', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
        ],
      });
      expect(mixed.topics.map((t: { partitions: { errorCode: number }[] }) => t.partitions.map((p) => p.errorCode))).toEqual([
        [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
        [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ]);

    } finally {
      await kt.stop();
    }
  });
});
