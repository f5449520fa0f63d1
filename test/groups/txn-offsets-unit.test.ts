/**
 * Transactional offset commits on a manual clock: TxnOffsetCommit writes the offsets in the
 * producer's transactional batch and keeps them pending; OffsetFetch serves them only after the
 * COMMIT marker (requireStable answers UNSTABLE_OFFSET_COMMIT meanwhile); ABORT drops them; a
 * transactional offset wins over a plain commit only if its record came later in the log; the
 * member checks of v3; KIP-890 verification; expiry and deletion around open transactions; and the
 * replay of a __consumer_offsets partition holding transactional batches and markers.
 */
import { describe, expect, it } from 'vitest';
import txnOffsetCommitHandler from '../../src/engine/broker/handlers/28-txn-offset-commit.js';
import type { RequestContext } from '../../src/engine/broker/handler.js';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { partitionForGroup } from '../../src/engine/coordinator/group/partitioner.js';
import type { TxnCommitRequest } from '../../src/engine/coordinator/group/txn-offset-commit.js';
import { harness, join, MemoryLog, PARTITIONS, subscription, sync, type Harness } from './harness.js';

const PID = 4000;

type Offsets = Record<string, number>;

function topicsOf(offsets: Offsets, metadata: string | null = 'txn') {
  const byTopic = new Map<string, TxnCommitRequest['topics'][number]['partitions']>();
  for (const [tp, offset] of Object.entries(offsets)) {
    const [topic, p] = tp.split(':');
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic)!.push({ partitionIndex: Number(p), committedOffset: offset, committedLeaderEpoch: 2, committedMetadata: metadata });
  }
  return [...byTopic].map(([name, partitions]) => ({ name, partitions }));
}

function txnCommit(h: Harness, groupId: string, offsets: Offsets, o: Partial<TxnCommitRequest> = {}, verify?: Parameters<Harness['coordinator']['commitTransactionalOffsets']>[1]) {
  const result = h.coordinator.commitTransactionalOffsets(
    {
      transactionalId: 'tx',
      groupId,
      producerId: PID,
      producerEpoch: 0,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: topicsOf(offsets),
      apiVersion: 3,
      ...o,
    },
    verify,
  );
  return Object.fromEntries(result.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.errorCode])));
}

function commit(h: Harness, groupId: string, offsets: Offsets) {
  return h.coordinator.commitOffsets({ groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, apiVersion: 8, topics: topicsOf(offsets, 'plain') });
}

/** offset, or the error code as "E<code>" when the partition has one. */
function fetched(h: Harness, groupId: string, requireStable = false, topics: { name: string; partitionIndexes: number[] }[] | null = null) {
  const r = h.coordinator.fetchOffsets({ groupId, topics, memberId: null, memberEpoch: -1, requireStable });
  expect(r.errorCode).toBe(ErrorCode.NONE);
  return Object.fromEntries(r.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partitionIndex}`, p.errorCode !== 0 ? `E${p.errorCode}` : p.committedOffset])));
}

const UNSTABLE = `E${ErrorCode.UNSTABLE_OFFSET_COMMIT}`;
const ask = (...tps: string[]) => {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    const [t, p] = tp.split(':');
    byTopic.set(t, [...(byTopic.get(t) ?? []), Number(p)]);
  }
  return [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
};

/** A group id on each __consumer_offsets partition. */
function groupsOnDistinctPartitions(): string[] {
  const byPartition = new Map<number, string>();
  for (let i = 0; byPartition.size < PARTITIONS; i++) {
    const id = `group-${i}`;
    const p = partitionForGroup(id, PARTITIONS);
    if (!byPartition.has(p)) byPartition.set(p, id);
  }
  return [...byPartition.values()];
}

const partitionOf = (groupId: string) => partitionForGroup(groupId, PARTITIONS);

async function oneMemberGroup(h: Harness, groupId: string, groupInstanceId: string | null = null) {
  const joined = join(h, groupId, { apiVersion: 5, groupInstanceId, protocols: [{ name: 'range', metadata: subscription('t') }] });
  h.timer.advance(100);
  let r = await joined;
  if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
    const again = join(h, groupId, { apiVersion: 5, memberId: r.memberId, groupInstanceId, protocols: [{ name: 'range', metadata: subscription('t') }] });
    h.timer.advance(100);
    r = await again;
  }
  expect(r.errorCode).toBe(ErrorCode.NONE);
  await sync(h, groupId, r.memberId, r.generationId, { [r.memberId]: 'x' }, groupInstanceId);
  return r;
}

describe('pending transactional offsets', () => {
  it('are written in the producer transactional batch, invisible until COMMIT, and unstable meanwhile', async () => {
    const h = await harness();
    commit(h, 'g', { 't:0': 3 });
    expect(txnCommit(h, 'g', { 't:0': 10, 't:1': 11 })).toEqual({ 't:0': 0, 't:1': 0 });
    // In the group's partition, after the plain commit, with the producer's id and epoch.
    const log = h.logs.get(partitionOf('g'))!;
    expect(log.records.map((r) => r.txn?.producerId ?? -1)).toEqual([-1, PID, PID]);
    expect(h.coordinator.group('g')).toMatchObject({ type: 'classic', state: 'Empty' });

    expect(fetched(h, 'g', false, ask('t:0', 't:1', 't:2'))).toEqual({ 't:0': 3, 't:1': -1, 't:2': -1 });
    expect(fetched(h, 'g', true, ask('t:0', 't:1', 't:2'))).toEqual({ 't:0': UNSTABLE, 't:1': UNSTABLE, 't:2': -1 });
    // All topics: the committed partitions only, as Kafka's fetchAllOffsets.
    expect(fetched(h, 'g', true)).toEqual({ 't:0': UNSTABLE });
    expect(fetched(h, 'g')).toEqual({ 't:0': 3 });

    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g', true, ask('t:0', 't:1'))).toEqual({ 't:0': 10, 't:1': 11 });
    const r = h.coordinator.fetchOffsets({ groupId: 'g', topics: ask('t:1'), memberId: null, memberEpoch: -1, requireStable: true });
    expect(r.topics[0].partitions[0]).toMatchObject({ committedLeaderEpoch: 2, metadata: 'txn' });
  });

  it('are dropped by ABORT, leaving the committed offset', async () => {
    const h = await harness();
    commit(h, 'g', { 't:0': 3 });
    txnCommit(h, 'g', { 't:0': 10, 'u:1': 5 });
    h.endTxn(partitionOf('g'), PID, false);
    expect(fetched(h, 'g', true, ask('t:0', 'u:1'))).toEqual({ 't:0': 3, 'u:1': -1 });
    // A later marker for the same producer has nothing left to do.
    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g', true, ask('t:0', 'u:1'))).toEqual({ 't:0': 3, 'u:1': -1 });
  });

  it('win over a plain commit only if their record came later in the log', async () => {
    const h = await harness();
    // txn offset first, plain commit after it: the plain one stays when the transaction commits.
    txnCommit(h, 'g', { 't:0': 10 });
    commit(h, 'g', { 't:0': 20 });
    expect(fetched(h, 'g', false, ask('t:0'))).toEqual({ 't:0': 20 });
    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g', false, ask('t:0'))).toEqual({ 't:0': 20 });
    // plain commit first, txn offset after it: the transaction's offset wins.
    commit(h, 'g', { 't:1': 20 });
    txnCommit(h, 'g', { 't:1': 30 });
    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g', false, ask('t:1'))).toEqual({ 't:1': 30 });
    // Two producers on one partition: each commits its own offsets.
    txnCommit(h, 'g', { 't:2': 1 }, { producerId: 1 });
    txnCommit(h, 'g', { 't:2': 2 }, { producerId: 2 });
    h.endTxn(partitionOf('g'), 2, true);
    expect(fetched(h, 'g', true, ask('t:2'))).toEqual({ 't:2': UNSTABLE });
    expect(fetched(h, 'g', false, ask('t:2'))).toEqual({ 't:2': 2 });
    h.endTxn(partitionOf('g'), 1, true);
    // Producer 1's record is older than producer 2's: the later record stays.
    expect(fetched(h, 'g', true, ask('t:2'))).toEqual({ 't:2': 2 });
  });

  it("a marker completes only the producer's offsets of groups on that __consumer_offsets partition", async () => {
    const h = await harness();
    const [a, b] = groupsOnDistinctPartitions();
    txnCommit(h, a, { 't:0': 1 });
    txnCommit(h, b, { 't:0': 2 });
    h.endTxn(partitionOf(a), PID, true);
    expect(fetched(h, a, true, ask('t:0'))).toEqual({ 't:0': 1 });
    expect(fetched(h, b, true, ask('t:0'))).toEqual({ 't:0': UNSTABLE });
    h.endTxn(partitionOf(b), PID, false);
    expect(fetched(h, b, true, ask('t:0'))).toEqual({ 't:0': -1 });
  });
});

describe('TxnOffsetCommit checks', () => {
  it('answers INVALID_GROUP_ID, OFFSET_METADATA_TOO_LARGE and UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const h = await harness({ 'offset.metadata.max.bytes': '5' });
    expect(txnCommit(h, '', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.INVALID_GROUP_ID });
    const r = h.coordinator.commitTransactionalOffsets({
      transactionalId: 'tx', groupId: 'g', producerId: PID, producerEpoch: 0, generationId: -1, memberId: '', groupInstanceId: null, apiVersion: 3,
      topics: [
        { name: 't', partitions: [
          { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: 'x'.repeat(6) },
          { partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
          { partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null },
        ] },
        { name: 'missing', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] },
      ],
    });
    expect(r.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g')).toEqual({ 't:1': 1 });
  });

  it('answers NOT_COORDINATOR before the partition is loaded and COORDINATOR_LOAD_IN_PROGRESS while it loads', async () => {
    const logs = new Map<number, MemoryLog>();
    const before = await harness({}, undefined, { logs });
    commit(before, 'g', { 't:0': 1 });
    before.coordinator.close();
    const h = await harness({ 'offsets.load.buffer.size': '1' }, undefined, { logs, manualStartup: true });
    expect(txnCommit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.NOT_COORDINATOR });
    const loading = h.coordinator.startup();
    expect(txnCommit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.COORDINATOR_LOAD_IN_PROGRESS });
    await loading;
    expect(txnCommit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.NONE });
  });

  it('the handler answers v0-1 COORDINATOR_NOT_AVAILABLE instead of COORDINATOR_LOAD_IN_PROGRESS', async () => {
    const logs = new Map<number, MemoryLog>();
    const before = await harness({}, undefined, { logs });
    commit(before, 'g', { 't:0': 1 });
    before.coordinator.close();
    const h = await harness({ 'offsets.load.buffer.size': '1' }, undefined, { logs, manualStartup: true });
    const loading = h.coordinator.startup();
    const ctx = (apiVersion: number) =>
      ({ apiVersion, services: { config: new BrokerConfig(new Map()), groupCoordinator: h.coordinator, transactionCoordinator: {} } }) as unknown as RequestContext;
    const request = { transactionalId: 'tx', groupId: 'g', producerId: PID, producerEpoch: 0, topics: topicsOf({ 't:0': 1 }) };
    const errorOf = async (v: number) => ((await txnOffsetCommitHandler.handle(request, ctx(v))) as { topics: { partitions: { errorCode: number }[] }[] }).topics[0].partitions[0].errorCode;
    expect(await errorOf(0)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(await errorOf(1)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(await errorOf(2)).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await loading;
  });

  it('v3 checks the member like OffsetCommit, without the rebalance-state rules; no member is accepted in any state', async () => {
    const h = await harness();
    const m = await oneMemberGroup(h, 'g', 'instance-1');
    const as = (generationId: number, memberId: string, groupInstanceId: string | null = null) => txnCommit(h, 'g', { 't:0': 1 }, { generationId, memberId, groupInstanceId });
    expect(as(m.generationId, m.memberId, 'instance-1')).toEqual({ 't:0': ErrorCode.NONE });
    expect(as(m.generationId + 1, m.memberId, 'instance-1')).toEqual({ 't:0': ErrorCode.ILLEGAL_GENERATION });
    expect(as(m.generationId, 'ghost')).toEqual({ 't:0': ErrorCode.UNKNOWN_MEMBER_ID });
    expect(as(m.generationId, 'ghost', 'instance-1')).toEqual({ 't:0': ErrorCode.FENCED_INSTANCE_ID });
    expect(as(m.generationId, m.memberId, 'instance-2')).toEqual({ 't:0': ErrorCode.UNKNOWN_MEMBER_ID });
    // v0-2 carry no member: accepted although the group is Stable (OffsetCommit would refuse it).
    expect(as(-1, '')).toEqual({ 't:0': ErrorCode.NONE });
    expect(txnCommit(h, 'g', { 't:0': 1 }, { apiVersion: 0 })).toEqual({ 't:0': ErrorCode.NONE });
    // An unknown group with a generation is ILLEGAL_GENERATION in every version.
    expect(txnCommit(h, 'nogroup', { 't:0': 1 }, { generationId: 2, memberId: 'm', apiVersion: 4 })).toEqual({ 't:0': ErrorCode.ILLEGAL_GENERATION });
    // A new member makes the group rebalance; the current generation's member may still commit
    // transactionally while the group completes the rebalance.
    const other = join(h, 'g', { apiVersion: 3 });
    const again = join(h, 'g', { memberId: m.memberId, groupInstanceId: 'instance-1', apiVersion: 5 });
    const [, rejoined] = await Promise.all([other, again]);
    expect(h.coordinator.group('g')).toMatchObject({ state: 'CompletingRebalance' });
    expect(as(rejoined.generationId, m.memberId, 'instance-1')).toEqual({ 't:0': ErrorCode.NONE });
  });

  it('KIP-848 members commit with their member epoch; a stale one is ILLEGAL_GENERATION, a newer one FENCED_MEMBER_EPOCH', async () => {
    const h = await harness();
    const joined = h.coordinator.consumerGroupHeartbeat({
      groupId: 'cg', memberId: '', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['t'], serverAssignor: null, topicPartitions: [], clientId: 'client', clientHost: '/127.0.0.1',
    });
    expect(joined).toMatchObject({ errorCode: 0, memberEpoch: 1 });
    const as = (generationId: number, memberId: string) => txnCommit(h, 'cg', { 't:0': 1 }, { generationId, memberId });
    expect(as(1, joined.memberId!)).toEqual({ 't:0': ErrorCode.NONE });
    expect(as(0, joined.memberId!)).toEqual({ 't:0': ErrorCode.ILLEGAL_GENERATION });
    expect(as(2, joined.memberId!)).toEqual({ 't:0': ErrorCode.FENCED_MEMBER_EPOCH });
    expect(as(1, 'ghost')).toEqual({ 't:0': ErrorCode.UNKNOWN_MEMBER_ID });
    // Without member fields (v0-2) the commit is taken, as Kafka does for transactional commits.
    expect(as(-1, '')).toEqual({ 't:0': ErrorCode.NONE });
  });

  it('a failed write keeps nothing pending and answers the mapped error; producer errors pass through', async () => {
    const h = await harness();
    h.failWrites = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect(txnCommit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.NOT_COORDINATOR });
    h.failWrites = ErrorCode.INVALID_PRODUCER_EPOCH;
    expect(txnCommit(h, 'g', { 't:0': 1 })).toEqual({ 't:0': ErrorCode.INVALID_PRODUCER_EPOCH });
    h.failWrites = undefined;
    expect(fetched(h, 'g', true, ask('t:0'))).toEqual({ 't:0': -1 });
  });

  it('KIP-890: asks the transaction coordinator unless the partition already holds the open transaction', async () => {
    const h = await harness();
    const asked: unknown[][] = [];
    let answer: number = ErrorCode.INVALID_TXN_STATE;
    const verify = (...args: [string, number, number, string, number]) => {
      asked.push(args);
      return answer;
    };
    expect(txnCommit(h, 'g', { 't:0': 1 }, {}, verify)).toEqual({ 't:0': ErrorCode.INVALID_TXN_STATE });
    expect(asked).toEqual([['tx', PID, 0, '__consumer_offsets', partitionOf('g')]]);
    answer = ErrorCode.TRANSACTION_ABORTABLE;
    expect(txnCommit(h, 'g', { 't:0': 1 }, { apiVersion: 3 }, verify)).toEqual({ 't:0': ErrorCode.INVALID_TXN_STATE });
    expect(txnCommit(h, 'g', { 't:0': 1 }, { apiVersion: 4 }, verify)).toEqual({ 't:0': ErrorCode.TRANSACTION_ABORTABLE });
    answer = ErrorCode.PRODUCER_FENCED;
    expect(txnCommit(h, 'g', { 't:0': 1 }, {}, verify)).toEqual({ 't:0': ErrorCode.INVALID_PRODUCER_EPOCH });
    answer = ErrorCode.CONCURRENT_TRANSACTIONS;
    expect(txnCommit(h, 'g', { 't:0': 1 }, {}, verify)).toEqual({ 't:0': ErrorCode.COORDINATOR_NOT_AVAILABLE });
    expect(fetched(h, 'g', true, ask('t:0'))).toEqual({ 't:0': -1 });
    answer = ErrorCode.NONE;
    expect(txnCommit(h, 'g', { 't:0': 1 }, {}, verify)).toEqual({ 't:0': ErrorCode.NONE });
    asked.length = 0;
    // The transaction is open on the partition now: no need to ask again.
    expect(txnCommit(h, 'g', { 't:0': 2 }, {}, verify)).toEqual({ 't:0': ErrorCode.NONE });
    expect(asked).toEqual([]);
  });
});

describe('expiry and deletion around open transactions', () => {
  it('expiry keeps an offset with a pending transactional offset, and the group, until the transaction ends', async () => {
    const h = await harness({ 'offsets.retention.minutes': '1', 'offsets.retention.check.interval.ms': '10000' });
    commit(h, 'g', { 't:0': 1, 't:1': 1 });
    txnCommit(h, 'g', { 't:0': 5 });
    txnCommit(h, 'pending-only', { 't:0': 5 });
    h.timer.advance(70_000);
    expect(fetched(h, 'g')).toEqual({ 't:0': 1 });
    expect(h.coordinator.group('g')).toBeDefined();
    expect(h.coordinator.group('pending-only')).toMatchObject({ state: 'Empty' });
    h.endTxn(partitionOf('g'), PID, false);
    if (partitionOf('pending-only') !== partitionOf('g')) h.endTxn(partitionOf('pending-only'), PID, false);
    h.timer.advance(10_000);
    expect(fetched(h, 'g')).toEqual({});
    expect(h.coordinator.group('g')).toBeUndefined();
    expect(h.coordinator.group('pending-only')).toBeUndefined();
  });

  it('DeleteGroups and OffsetDelete write tombstones for pending partitions too, and a later COMMIT brings nothing back', async () => {
    const h = await harness();
    commit(h, 'g', { 't:0': 1 });
    txnCommit(h, 'g', { 't:0': 5, 't:1': 6 });
    expect(h.coordinator.deleteGroups(['g'])).toEqual([{ groupId: 'g', errorCode: ErrorCode.NONE }]);
    const tombstones = h.parsed().filter((r) => r.kind === 'offset' && r.groupId === 'g' && r.value === null);
    expect(tombstones.map((r) => (r.kind === 'offset' ? `${r.topic}:${r.partition}` : '')).sort()).toEqual(['t:0', 't:1']);
    h.endTxn(partitionOf('g'), PID, true);
    expect(fetched(h, 'g')).toEqual({});

    commit(h, 'h', { 'u:0': 1 });
    txnCommit(h, 'h', { 'u:1': 2 });
    const r = h.coordinator.deleteOffsets('h', [{ name: 'u', partitions: [{ partitionIndex: 1 }] }]);
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect(fetched(h, 'h', true, ask('u:0', 'u:1'))).toEqual({ 'u:0': 1, 'u:1': -1 });
    h.endTxn(partitionOf('h'), PID, true);
    expect(fetched(h, 'h', true, ask('u:0', 'u:1'))).toEqual({ 'u:0': 1, 'u:1': -1 });
  });
});

describe('loading a partition with transactional offsets', () => {
  it('replays committed, aborted and still open transactions with the log-order rule', async () => {
    const logs = new Map<number, MemoryLog>();
    const before = await harness({}, undefined, { logs });
    const p = partitionOf('g');
    txnCommit(before, 'g', { 't:0': 10 }, { producerId: 1 }); // committed below
    txnCommit(before, 'g', { 't:1': 11 }, { producerId: 2 }); // aborted below
    txnCommit(before, 'g', { 't:2': 12 }, { producerId: 3 }); // still open at the end
    commit(before, 'g', { 't:3': 3, 't:0': 1 }); // later than producer 1's record: stays
    txnCommit(before, 'g', { 't:3': 13 }, { producerId: 1 }); // later than the plain commit: wins
    before.endTxn(p, 2, false);
    before.endTxn(p, 1, true);
    txnCommit(before, 'simple-txn', { 'u:0': 7 }, { producerId: 4 }); // a group known only from a transaction
    const expected = { 't:0': 1, 't:1': -1, 't:2': -1, 't:3': 13 };
    expect(fetched(before, 'g', false, ask('t:0', 't:1', 't:2', 't:3'))).toEqual(expected);
    before.coordinator.close();

    const after = await harness({ 'offsets.load.buffer.size': '1' }, undefined, { logs });
    expect(fetched(after, 'g', false, ask('t:0', 't:1', 't:2', 't:3'))).toEqual(expected);
    expect(fetched(after, 'g', true, ask('t:0', 't:1', 't:2', 't:3'))).toEqual({ ...expected, 't:2': UNSTABLE });
    expect(after.coordinator.group('simple-txn')).toMatchObject({ type: 'classic', state: 'Empty' });
    expect(fetched(after, 'simple-txn', true, ask('u:0'))).toEqual({ 'u:0': UNSTABLE });
    // The coordinator ends the open transactions after the restart.
    after.endTxn(p, 3, true);
    after.endTxn(partitionOf('simple-txn'), 4, true);
    expect(fetched(after, 'g', true, ask('t:2'))).toEqual({ 't:2': 12 });
    expect(fetched(after, 'simple-txn', true, ask('u:0'))).toEqual({ 'u:0': 7 });

    // A tombstone replayed after a pending offset drops it.
    txnCommit(after, 'g', { 't:0': 50 }, { producerId: 5 });
    after.coordinator.deleteOffsets('g', [{ name: 't', partitions: [{ partitionIndex: 0 }] }]);
    after.coordinator.close();
    const again = await harness({}, undefined, { logs });
    again.endTxn(p, 5, true);
    expect(fetched(again, 'g', true, ask('t:0', 't:2', 't:3'))).toEqual({ 't:0': -1, 't:2': 12, 't:3': 13 });
  });

  it('a marker written while the partition loads completes the transaction', async () => {
    for (const ticks of [0, 1, 3, 100]) {
      const logs = new Map<number, MemoryLog>();
      const before = await harness({}, undefined, { logs });
      txnCommit(before, 'g', { 't:0': 10, 't:1': 11, 't:2': 12 });
      commit(before, 'g', { 'u:0': 1 });
      before.coordinator.close();
      const after = await harness({ 'offsets.load.buffer.size': '1' }, undefined, { logs, manualStartup: true });
      const loading = after.coordinator.startup();
      for (let i = 0; i < ticks; i++) await new Promise((resolve) => setImmediate(resolve));
      after.endTxn(partitionOf('g'), PID, true);
      await loading;
      expect(fetched(after, 'g', true, ask('t:0', 't:1', 't:2', 'u:0')), `after ${ticks} ticks`).toEqual({ 't:0': 10, 't:1': 11, 't:2': 12, 'u:0': 1 });
    }
  });
});
