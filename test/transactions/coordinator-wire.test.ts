/**
 * The transaction coordinator on the wire, against a real server with raw requests: what ApiVersions
 * advertises, FindCoordinator key type 1, InitProducerId with and without a transactional id, the
 * transaction lifecycle (add partitions, a transactional produce, commit and abort with their markers
 * in the log), the per-version error codes, fencing by a second producer, the timeout abort,
 * AddOffsetsToTxn, DescribeTransactions/ListTransactions and KIP-890 (a delayed EndTxn and a delayed
 * produce of an ended transaction do not land in the next one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { addPartitions, endTxn, initPid, initPidRetrying, loggedBatches, markers, produceTxn } from './coordinator-helpers.js';

const TXN_APIS = [22, 24, 25, 26, 65, 66];

async function describeTxn(conn: BrokerConnection, id: string) {
  const r = await conn.send(65, 0, { transactionalIds: [id] });
  return r.transactionStates[0];
}

describe('transaction coordinator on the wire', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '3' });
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'tt', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
  });
  afterAll(() => kt.stop());

  it('advertises the transaction APIs', async () => {
    const versions = await conn.negotiate();
    expect(Object.fromEntries(TXN_APIS.map((k) => [k, versions.get(k)]))).toEqual({
      22: { minVersion: 0, maxVersion: 5 },
      24: { minVersion: 0, maxVersion: 5 },
      25: { minVersion: 0, maxVersion: 4 },
      26: { minVersion: 0, maxVersion: 5 },
      65: { minVersion: 0, maxVersion: 0 },
      66: { minVersion: 0, maxVersion: 1 },
    });
  });

  it('FindCoordinator key type 1 creates __transaction_state and answers this broker', async () => {
    expect(await conn.send(10, 1, { key: 'txn-a', keyType: 1 })).toMatchObject({ errorCode: 0, nodeId: 1, host: '127.0.0.1', port: kt.port });
    const batched = await conn.send(10, 4, { keyType: 1, coordinatorKeys: ['x', 'y'] });
    expect(batched.coordinators.map((c: { errorCode: number; nodeId: number }) => [c.errorCode, c.nodeId])).toEqual([[0, 1], [0, 1]]);
    expect((await conn.send(10, 3, { key: '', keyType: 1 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const md = await conn.send(3, 9, { topics: [{ name: '__transaction_state' }] });
    expect(md.topics[0]).toMatchObject({ errorCode: 0 });
    expect(md.topics[0].partitions).toHaveLength(4);
    const configs = await conn.send(32, 4, { resources: [{ resourceType: 2, resourceName: '__transaction_state', configurationKeys: ['cleanup.policy', 'segment.bytes'] }] });
    const values = Object.fromEntries(configs.results[0].configs.map((c: { name: string; value: string }) => [c.name, c.value]));
    expect(values).toEqual({ 'cleanup.policy': 'compact', 'segment.bytes': '104857600' });
  });

  it('InitProducerId without a transactional id hands out distinct producer ids at epoch 0, every version', async () => {
    const ids = new Set<number>();
    for (let v = 0; v <= 5; v++) {
      const r = await initPid(conn, null, { version: v });
      expect(r).toMatchObject({ errorCode: 0, producerEpoch: 0 });
      ids.add(r.producerId);
    }
    expect(ids.size).toBe(6);
    expect((await initPid(conn, null, { version: 3, producerId: 5, producerEpoch: -1 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('checks the transaction timeout against transaction.max.timeout.ms', async () => {
    expect((await initPid(conn, 'too-long', { timeoutMs: 900001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  });

  it('a committed and an aborted transaction: markers in the log, states in DescribeTransactions', async () => {
    const init = await initPid(conn, 'life');
    expect(init.errorCode).toBe(0);
    const { producerId, producerEpoch } = init;
    expect(await addPartitions(conn, 'life', producerId, producerEpoch, { tt: [0, 1] })).toEqual({ 'tt-0': 0, 'tt-1': 0 });
    expect((await produceTxn(conn, 'life', 'tt', 0, { producerId, producerEpoch, baseSequence: 0 }, ['c1', 'c2'])).errorCode).toBe(0);
    expect(await describeTxn(conn, 'life')).toMatchObject({
      errorCode: 0, transactionState: 'Ongoing', producerId, producerEpoch, transactionTimeoutMs: 60000, topics: [{ topic: 'tt', partitions: [0, 1] }],
    });
    expect((await endTxn(conn, 'life', producerId, producerEpoch, true)).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(conn, 'life')).transactionState === 'CompleteCommit', 'CompleteCommit');
    expect(markers(kt, 'tt', 0)).toEqual([{ marker: 'commit', producerId, producerEpoch }]);
    expect(markers(kt, 'tt', 1)).toEqual([{ marker: 'commit', producerId, producerEpoch }]);
    // A retried commit is fine; an abort of the committed transaction is not.
    expect((await endTxn(conn, 'life', producerId, producerEpoch, true)).errorCode).toBe(0);
    expect((await endTxn(conn, 'life', producerId, producerEpoch, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);

    expect(await addPartitions(conn, 'life', producerId, producerEpoch, { tt: [0] })).toEqual({ 'tt-0': 0 });
    expect((await produceTxn(conn, 'life', 'tt', 0, { producerId, producerEpoch, baseSequence: 2 }, ['a1'])).errorCode).toBe(0);
    expect((await endTxn(conn, 'life', producerId, producerEpoch, false)).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(conn, 'life')).transactionState === 'CompleteAbort', 'CompleteAbort');
    expect(markers(kt, 'tt', 0).map((m) => m.marker)).toEqual(['commit', 'abort']);
    expect(loggedBatches(kt, 'tt', 0).filter((b) => !b.marker).map((b) => b.values)).toEqual([['c1', 'c2'], ['a1']]);
  });

  it('error codes: unknown partitions, wrong producer id, old versions get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED', async () => {
    const { producerId, producerEpoch } = await initPid(conn, 'errs');
    expect(await addPartitions(conn, 'errs', producerId, producerEpoch, { tt: [0, 7], nope: [0] })).toEqual({
      'tt-0': ErrorCode.OPERATION_NOT_ATTEMPTED, 'tt-7': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'nope-0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    });
    expect(await addPartitions(conn, 'errs', producerId + 1, producerEpoch, { tt: [0] })).toEqual({ 'tt-0': ErrorCode.INVALID_PRODUCER_ID_MAPPING });
    expect(await addPartitions(conn, 'errs', producerId, producerEpoch + 1, { tt: [0] })).toEqual({ 'tt-0': ErrorCode.PRODUCER_FENCED });
    expect(await addPartitions(conn, 'errs', producerId, producerEpoch + 1, { tt: [0] }, 1)).toEqual({ 'tt-0': ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(await addPartitions(conn, 'unknown-id', producerId, producerEpoch, { tt: [0] })).toEqual({ 'tt-0': ErrorCode.INVALID_PRODUCER_ID_MAPPING });
    expect((await endTxn(conn, 'errs', producerId, producerEpoch + 1, true, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await endTxn(conn, 'errs', producerId, producerEpoch + 1, true, 2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await endTxn(conn, 'errs', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await conn.send(25, 1, { transactionalId: 'errs', producerId, producerEpoch: producerEpoch + 1, groupId: 'g' })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // The batched broker form (v4+): verifyOnly reports without adding.
    const v4 = await conn.send(24, 4, {
      transactions: [
        { transactionalId: 'errs', producerId, producerEpoch, verifyOnly: true, topics: [{ name: 'tt', partitions: [1] }] },
        { transactionalId: 'errs', producerId, producerEpoch, verifyOnly: false, topics: [{ name: 'tt', partitions: [2] }] },
        { transactionalId: 'errs', producerId, producerEpoch, verifyOnly: true, topics: [{ name: 'tt', partitions: [1, 2] }] },
      ],
    });
    expect(v4.errorCode).toBe(0);
    const codes = v4.resultsByTransaction.map((t: { topicResults: { resultsByPartition: { partitionErrorCode: number }[] }[] }) => t.topicResults[0].resultsByPartition.map((p) => p.partitionErrorCode));
    expect(codes).toEqual([[ErrorCode.TRANSACTION_ABORTABLE], [0], [ErrorCode.TRANSACTION_ABORTABLE, 0]]);
  });

  it('AddOffsetsToTxn adds the group\'s __consumer_offsets partition', async () => {
    await conn.send(10, 0, { key: 'grp' });
    const { producerId, producerEpoch } = await initPid(conn, 'offs');
    expect((await conn.send(25, 3, { transactionalId: 'offs', producerId, producerEpoch, groupId: 'grp' })).errorCode).toBe(0);
    const partition = kt.server.groupCoordinator.partitionFor('grp');
    expect((await describeTxn(conn, 'offs')).topics).toEqual([{ topic: '__consumer_offsets', partitions: [partition] }]);
    expect((await endTxn(conn, 'offs', producerId, producerEpoch, false)).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(conn, 'offs')).transactionState === 'CompleteAbort', 'offsets transaction aborted');
  });

  it('a second producer with the same transactional id fences the first and aborts its open transaction', async () => {
    const a = await initPid(conn, 'fence');
    expect(await addPartitions(conn, 'fence', a.producerId, a.producerEpoch, { tt: [2] })).toEqual({ 'tt-2': 0 });
    expect((await produceTxn(conn, 'fence', 'tt', 2, { producerId: a.producerId, producerEpoch: a.producerEpoch, baseSequence: 0 }, ['zombie'])).errorCode).toBe(0);
    const first = await initPid(conn, 'fence');
    expect(first.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    const b = await initPidRetrying(conn, 'fence');
    expect(b).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: a.producerEpoch + 2 });
    expect(markers(kt, 'tt', 2)).toEqual([{ marker: 'abort', producerId: a.producerId, producerEpoch: a.producerEpoch + 1 }]);
    // The old producer: fenced everywhere.
    expect((await endTxn(conn, 'fence', a.producerId, a.producerEpoch, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(await addPartitions(conn, 'fence', a.producerId, a.producerEpoch, { tt: [2] })).toEqual({ 'tt-2': ErrorCode.PRODUCER_FENCED });
    const late = await produceTxn(conn, 'fence', 'tt', 2, { producerId: a.producerId, producerEpoch: a.producerEpoch, baseSequence: 1 }, ['late']);
    expect(late.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(loggedBatches(kt, 'tt', 2).flatMap((x) => x.values)).toEqual(['zombie']);
  });

  it('ListTransactions filters by state and producer id; v1 by duration', async () => {
    const { producerId, producerEpoch } = await initPid(conn, 'listed');
    await addPartitions(conn, 'listed', producerId, producerEpoch, { tt: [1] });
    const all = await conn.send(66, 0, { stateFilters: [], producerIdFilters: [] });
    expect(all.errorCode).toBe(0);
    expect(all.transactionStates.map((t: { transactionalId: string }) => t.transactionalId)).toEqual(expect.arrayContaining(['life', 'fence', 'listed']));
    const ongoing = await conn.send(66, 0, { stateFilters: ['Ongoing', 'Weird'], producerIdFilters: [producerId] });
    expect(ongoing).toMatchObject({ errorCode: 0, unknownStateFilters: ['Weird'], transactionStates: [{ transactionalId: 'listed', producerId, transactionState: 'Ongoing' }] });
    const longRunning = await conn.send(66, 1, { stateFilters: ['Ongoing'], producerIdFilters: [], durationFilter: 3_600_000 });
    expect(longRunning.transactionStates).toEqual([]);
    expect((await describeTxn(conn, 'never-seen')).errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    await endTxn(conn, 'listed', producerId, producerEpoch, false);
  });

  it('KIP-890: a delayed EndTxn and a delayed produce of an ended transaction do not land in the next one', async () => {
    const init = await initPid(conn, 'k890');
    const pid = init.producerId;
    const e0 = init.producerEpoch;
    // Transaction 1 (epoch e0), ended with EndTxn v5: the epoch is bumped.
    expect(await addPartitions(conn, 'k890', pid, e0, { tt: [1] })).toEqual({ 'tt-1': 0 });
    expect((await produceTxn(conn, 'k890', 'tt', 1, { producerId: pid, producerEpoch: e0, baseSequence: 0 }, ['t1'])).errorCode).toBe(0);
    const ended = await endTxn(conn, 'k890', pid, e0, true, 5);
    expect(ended).toMatchObject({ errorCode: 0, producerId: pid, producerEpoch: e0 + 1 });
    await waitFor(async () => (await describeTxn(conn, 'k890')).transactionState === 'CompleteCommit', 'first transaction committed');
    // Transaction 2 (epoch e0 + 1).
    const e1 = ended.producerEpoch;
    expect(await addPartitions(conn, 'k890', pid, e1, { tt: [1] })).toEqual({ 'tt-1': 0 });
    expect((await produceTxn(conn, 'k890', 'tt', 1, { producerId: pid, producerEpoch: e1, baseSequence: 0 }, ['t2'])).errorCode).toBe(0);
    // The delayed requests of transaction 1 arrive now.
    expect((await endTxn(conn, 'k890', pid, e0, true, 5)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    const delayed = await produceTxn(conn, 'k890', 'tt', 1, { producerId: pid, producerEpoch: e0, baseSequence: 1 }, ['delayed']);
    expect(delayed.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // KIP-890 part 1: a partition not added to the transaction takes no transactional batch.
    const unadded = await produceTxn(conn, 'k890', 'tt', 0, { producerId: pid, producerEpoch: e1, baseSequence: 0 }, ['unadded']);
    expect(unadded.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await describeTxn(conn, 'k890')).toMatchObject({ transactionState: 'Ongoing', producerEpoch: e1, topics: [{ topic: 'tt', partitions: [1] }] });
    const aborted = await endTxn(conn, 'k890', pid, e1, false, 5);
    expect(aborted).toMatchObject({ errorCode: 0, producerEpoch: e1 + 1 });
    await waitFor(async () => (await describeTxn(conn, 'k890')).transactionState === 'CompleteAbort', 'second transaction aborted');
    const mine = loggedBatches(kt, 'tt', 1).filter((b) => b.producerId === pid);
    expect(mine.map((b) => b.marker ?? b.values.join())).toEqual(['t1', 'commit', 't2', 'abort']);
    expect(mine.filter((b) => b.marker).map((b) => b.producerEpoch)).toEqual([e0 + 1, e1 + 1]);
    expect(loggedBatches(kt, 'tt', 0).flatMap((b) => b.values)).not.toContain('unadded');
  });
});

describe('transaction timeout', () => {
  let kt: RunningKt;
  afterAll(() => kt?.stop());

  it('a transaction left open past transaction.timeout.ms is aborted and its producer fenced', async () => {
    kt = await startKt({ 'transaction.state.log.num.partitions': '2', 'transaction.abort.timed.out.transaction.cleanup.interval.ms': '100' });
    const conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'slow', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    const { producerId, producerEpoch } = await initPid(conn, 'slow-txn', { timeoutMs: 300 });
    expect(await addPartitions(conn, 'slow-txn', producerId, producerEpoch, { slow: [0] })).toEqual({ 'slow-0': 0 });
    expect((await produceTxn(conn, 'slow-txn', 'slow', 0, { producerId, producerEpoch, baseSequence: 0 }, ['left open'])).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(conn, 'slow-txn')).transactionState === 'CompleteAbort', 'the timed-out transaction aborted', 10_000);
    expect(await describeTxn(conn, 'slow-txn')).toMatchObject({ producerId, producerEpoch: producerEpoch + 1 });
    expect(markers(kt, 'slow', 0)).toEqual([{ marker: 'abort', producerId, producerEpoch: producerEpoch + 1 }]);
    expect((await endTxn(conn, 'slow-txn', producerId, producerEpoch, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    const late = await produceTxn(conn, 'slow-txn', 'slow', 0, { producerId, producerEpoch, baseSequence: 1 }, ['late']);
    expect(late.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});
