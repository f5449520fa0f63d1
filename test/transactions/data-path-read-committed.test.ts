/**
 * Transactions on the broker's data path, over the wire with hand-made batches: markers written by
 * WriteTxnMarkers, read_committed fetches that stop at the last stable offset and carry the aborted
 * transactions, long polls woken by a marker, ListOffsets by isolation level, DescribeProducers.
 *
 * KIP-890 verification is off here: these producers are made up, not known to a transaction
 * coordinator (the coordinator's own tests cover verification).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { isControl } from '../../src/engine/records/batch-header.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

const READ_UNCOMMITTED = 0;
const READ_COMMITTED = 1;

function batchOf(values: string[], timestamp: number, producer?: { producerId: number; producerEpoch: number; baseSequence: number; transactional?: boolean }): Buffer {
  return buildBatch({ records: values.map((v, i) => ({ key: null, value: v, timestamp: timestamp + i })), ...producer });
}

const dataValues = (records: Buffer): string[] =>
  decodeBatches(records)
    .filter((b) => !isControl(b.header.attributes))
    .flatMap((b) => b.records.map((r) => r.value!.toString()));

describe('read_committed, markers and producers on the data path', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  const txn = (producerId: number, baseSequence: number, producerEpoch = 0) => ({ producerId, producerEpoch, baseSequence, transactional: true });

  const produce = async (topic: string, records: Buffer, transactionalId: string | null = null) => {
    const res = await conn.send(0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }] });
    return res.responses[0].partitionResponses[0];
  };
  const fetch = async (topic: string, fetchOffset: number, isolationLevel: number, extra: object = {}, via = conn) => {
    const res = await via.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
      forgottenTopicsData: [], rackId: '',
      ...extra,
    });
    return res.responses[0].partitions[0];
  };
  const writeMarkers = async (markers: { producerId: number; producerEpoch?: number; commit: boolean; coordinatorEpoch?: number; topics: [string, number[]][] }[], version = 1) => {
    const res = await conn.send(27, version, {
      markers: markers.map((m) => ({
        producerId: m.producerId,
        producerEpoch: m.producerEpoch ?? 0,
        transactionResult: m.commit,
        coordinatorEpoch: m.coordinatorEpoch ?? 0,
        topics: m.topics.map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
      })),
    });
    return res.markers as Message[];
  };
  const listOffset = async (topic: string, timestamp: number, isolationLevel: number) => {
    const res = await conn.send(2, 8, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
    return res.topics[0].partitions[0];
  };
  const describeProducers = async (topic: string, partitions = [0]) => {
    const res = await conn.send(61, 0, { topics: [{ name: topic, partitionIndexes: partitions }] });
    return res.topics[0].partitions as Message[];
  };

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false', 'transaction.partition.verification.enable': 'false' });
    conn = await kt.connect();
    const res = await conn.send(19, 7, {
      topics: ['orders', 'polled', 'listed', 'fenced'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual([0, 0, 0, 0]);
  });
  afterAll(() => kt?.stop());

  it('stops read_committed fetches at the last stable offset and returns aborted transactions after an ABORT', async () => {
    const now = Date.now();
    expect(await produce('orders', batchOf(['t1-a', 't1-b'], now, txn(5001, 0)), 'orders-txn')).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce('orders', batchOf(['plain'], now))).toMatchObject({ errorCode: 0, baseOffset: 2 });

    const pending = await fetch('orders', 0, READ_COMMITTED);
    expect(pending).toMatchObject({ errorCode: 0, highWatermark: 3, lastStableOffset: 0, abortedTransactions: [] });
    expect(pending.records.length).toBe(0);
    const everything = await fetch('orders', 0, READ_UNCOMMITTED);
    expect(everything).toMatchObject({ highWatermark: 3, lastStableOffset: 0, abortedTransactions: null });
    expect(dataValues(everything.records)).toEqual(['t1-a', 't1-b', 'plain']);

    const [result] = await writeMarkers([{ producerId: 5001, commit: false, topics: [['orders', [0]]] }]);
    expect(result).toMatchObject({ producerId: 5001, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });

    const after = await fetch('orders', 0, READ_COMMITTED);
    expect(after).toMatchObject({ errorCode: 0, highWatermark: 4, lastStableOffset: 4, abortedTransactions: [{ producerId: 5001, firstOffset: 0 }] });
    const batches = decodeBatches(after.records);
    expect(batches.map((b) => [b.header.baseOffset, isControl(b.header.attributes)])).toEqual([[0, false], [2, false], [3, true]]);

    // A committed transaction: no aborted transactions in a read that starts after the aborted one.
    expect(await produce('orders', batchOf(['t2'], now, txn(5001, 2)), 'orders-txn')).toMatchObject({ errorCode: 0, baseOffset: 4 });
    await writeMarkers([{ producerId: 5001, commit: true, topics: [['orders', [0]]] }], 0);
    const committed = await fetch('orders', 4, READ_COMMITTED);
    expect(committed).toMatchObject({ highWatermark: 6, lastStableOffset: 6, abortedTransactions: [] });
    expect(dataValues(committed.records)).toEqual(['t2']);
    // From the start, the aborted transaction is still reported.
    expect((await fetch('orders', 0, READ_COMMITTED)).abortedTransactions).toEqual([{ producerId: 5001, firstOffset: 0 }]);
  });

  it('wakes a read_committed long poll when a marker makes data stable, not when unstable data is appended', async () => {
    const now = Date.now();
    const purgatory = kt.server.replicaManager.purgatory;
    expect(await produce('polled', batchOf(['open'], now, txn(5002, 0)), 'polled-txn')).toMatchObject({ errorCode: 0, baseOffset: 0 });

    const poller = await kt.connect('poller');
    const committedPoll = fetch('polled', 0, READ_COMMITTED, { maxWaitMs: 20_000, minBytes: 1 }, poller);
    let answered = false;
    void committedPoll.then(() => (answered = true));
    await waitFor(() => purgatory.waiting === 1, 'the read_committed fetch to wait');

    // More data of the open transaction and a plain record: visible to read_uncommitted only.
    expect(await produce('polled', batchOf(['still open'], now, txn(5002, 1)), 'polled-txn')).toMatchObject({ errorCode: 0 });
    expect(await produce('polled', batchOf(['plain'], now))).toMatchObject({ errorCode: 0 });
    const uncommitted = await fetch('polled', 0, READ_UNCOMMITTED, { maxWaitMs: 20_000, minBytes: 1 });
    expect(dataValues(uncommitted.records)).toEqual(['open', 'still open', 'plain']);
    expect(answered).toBe(false);
    expect(purgatory.waiting).toBe(1);

    const started = Date.now();
    await writeMarkers([{ producerId: 5002, commit: true, topics: [['polled', [0]]] }]);
    const res = await committedPoll;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res).toMatchObject({ errorCode: 0, lastStableOffset: 4, highWatermark: 4, abortedTransactions: [] });
    expect(dataValues(res.records)).toEqual(['open', 'still open', 'plain']);
  });

  it('keeps fetch sessions working for read_committed: the marker is news', async () => {
    const partitions = [{ partition: 0, fetchOffset: 4, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }];
    const base = { replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: READ_COMMITTED, forgottenTopicsData: [], rackId: '' };
    const full = await conn.send(1, 12, { ...base, sessionId: 0, sessionEpoch: 0, topics: [{ topic: 'polled', partitions }] });
    expect(full.sessionId).toBeGreaterThan(0);
    expect(full.responses[0].partitions[0].lastStableOffset).toBe(4);

    expect(await produce('polled', batchOf(['next'], Date.now(), txn(5002, 2)), 'polled-txn')).toMatchObject({ errorCode: 0, baseOffset: 4 });
    // The high watermark moved, so the partition is sent, but nothing is stable yet.
    const unstable = await conn.send(1, 12, { ...base, sessionId: full.sessionId, sessionEpoch: 1, topics: [] });
    expect(unstable.responses[0].partitions[0]).toMatchObject({ highWatermark: 5, lastStableOffset: 4 });
    expect(unstable.responses[0].partitions[0].records.length).toBe(0);
    const quiet = await conn.send(1, 12, { ...base, sessionId: full.sessionId, sessionEpoch: 2, topics: [] });
    expect(quiet.responses).toEqual([]);

    await writeMarkers([{ producerId: 5002, commit: false, topics: [['polled', [0]]] }]);
    const news = await conn.send(1, 12, { ...base, sessionId: full.sessionId, sessionEpoch: 3, topics: [] });
    expect(news.responses[0].partitions[0]).toMatchObject({ lastStableOffset: 6, abortedTransactions: [{ producerId: 5002, firstOffset: 4 }] });
    expect(dataValues(news.responses[0].partitions[0].records)).toEqual(['next']);
  });

  it('lists the last stable offset as LATEST for read_committed and hides unstable timestamps', async () => {
    const now = Date.now();
    expect(await produce('listed', batchOf(['early'], now - 5000))).toMatchObject({ baseOffset: 0 });
    expect(await produce('listed', batchOf(['in txn'], now - 1000, txn(5003, 0)), 'listed-txn')).toMatchObject({ baseOffset: 1 });
    expect(await produce('listed', batchOf(['late'], now))).toMatchObject({ baseOffset: 2 });

    expect(await listOffset('listed', -1, READ_UNCOMMITTED)).toMatchObject({ errorCode: 0, offset: 3 });
    expect(await listOffset('listed', -1, READ_COMMITTED)).toMatchObject({ errorCode: 0, offset: 1 });
    expect(await listOffset('listed', -2, READ_COMMITTED)).toMatchObject({ offset: 0 });
    expect(await listOffset('listed', now - 5000, READ_COMMITTED)).toMatchObject({ offset: 0, timestamp: now - 5000 });
    expect(await listOffset('listed', now - 2000, READ_UNCOMMITTED)).toMatchObject({ offset: 1, timestamp: now - 1000 });
    expect(await listOffset('listed', now - 2000, READ_COMMITTED)).toMatchObject({ offset: -1, timestamp: -1 });
    expect(await listOffset('listed', -3, READ_UNCOMMITTED)).toMatchObject({ offset: 2, timestamp: now });
    expect(await listOffset('listed', -3, READ_COMMITTED)).toMatchObject({ offset: -1, timestamp: -1 });

    await writeMarkers([{ producerId: 5003, commit: true, topics: [['listed', [0]]] }]);
    expect(await listOffset('listed', -1, READ_COMMITTED)).toMatchObject({ offset: 4 });
    expect(await listOffset('listed', now - 2000, READ_COMMITTED)).toMatchObject({ offset: 1, timestamp: now - 1000 });
  });

  it('describes the producers of a partition, with the start of an open transaction', async () => {
    const now = Date.now();
    expect(await produce('fenced', batchOf(['i1', 'i2'], now, { producerId: 5004, producerEpoch: 3, baseSequence: 0 }))).toMatchObject({ errorCode: 0 });
    expect(await produce('fenced', batchOf(['t'], now + 10, txn(5005, 0, 1)), 'fenced-txn')).toMatchObject({ errorCode: 0, baseOffset: 2 });

    const [open] = await describeProducers('fenced');
    expect(open).toMatchObject({ partitionIndex: 0, errorCode: 0, errorMessage: null });
    const byId = (p: Message) => new Map((p.activeProducers as Message[]).map((a) => [a.producerId, a]));
    expect(byId(open).get(5004)).toMatchObject({ producerEpoch: 3, lastSequence: 1, lastTimestamp: now + 1, currentTxnStartOffset: -1 });
    expect(byId(open).get(5005)).toMatchObject({ producerEpoch: 1, lastSequence: 0, lastTimestamp: now + 10, currentTxnStartOffset: 2 });

    await writeMarkers([{ producerId: 5005, producerEpoch: 1, commit: true, coordinatorEpoch: 7, topics: [['fenced', [0]]] }]);
    const [closed] = await describeProducers('fenced');
    expect(byId(closed).get(5005)).toMatchObject({ currentTxnStartOffset: -1, coordinatorEpoch: 7 });

    const missing = await conn.send(61, 0, { topics: [{ name: 'no-such-topic', partitionIndexes: [0] }] });
    expect(missing.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const [, beyond] = await describeProducers('fenced', [0, 9]);
    expect(beyond).toMatchObject({ partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  });

  it('answers WriteTxnMarkers per partition: unknown partitions, fenced coordinators, old producer epochs', async () => {
    const results = await writeMarkers([
      { producerId: 5005, producerEpoch: 1, commit: false, coordinatorEpoch: 3, topics: [['fenced', [0]], ['no-such-topic', [0]]] },
      { producerId: 5005, producerEpoch: 0, commit: false, coordinatorEpoch: 7, topics: [['fenced', [0]]] },
    ]);
    const codes = results.map((m) => (m.topics as Message[]).map((t) => (t.partitions as Message[]).map((p) => p.errorCode)));
    expect(codes).toEqual([
      [[ErrorCode.TRANSACTION_COORDINATOR_FENCED], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
      [[ErrorCode.INVALID_PRODUCER_EPOCH]],
    ]);

    // Markers are written with acks=-1: min.insync.replicas applies.
    const created = await conn.send(19, 7, {
      topics: [{ name: 'strict', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'min.insync.replicas', value: '2' }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics[0].errorCode).toBe(0);
    const [strict] = await writeMarkers([{ producerId: 5006, commit: true, topics: [['strict', [0]]] }]);
    expect((strict.topics as Message[])[0].partitions).toEqual([{ partitionIndex: 0, errorCode: ErrorCode.NOT_ENOUGH_REPLICAS }]);
  });
});
