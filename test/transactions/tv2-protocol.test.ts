/**
 * KIP-890 part 2 (transaction.version 2) on the wire, against a real server with hand-made requests,
 * as Kafka 4.0 serves it: the feature advertised and finalized in ApiVersions; Produce v12 adding its
 * partition to the transaction (no AddPartitionsToTxn); TxnOffsetCommit v5 adding the group's
 * partition (no AddOffsetsToTxn); EndTxn v5 bumping the epoch on every transaction, with the markers
 * carrying the bumped epoch; a delayed produce or EndTxn of an ended transaction refused, never
 * landing in the next one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { addPartitions, endTxn, initPid, loggedBatches, markers } from './coordinator-helpers.js';

const TOPIC = 'tv2';

async function describeTxn(conn: BrokerConnection, id: string) {
  return (await conn.send(65, 0, { transactionalIds: [id] })).transactionStates[0];
}

/** A transactional produce of one batch at `version`: the partition's error code, message and base offset. */
async function produce(
  conn: BrokerConnection,
  version: number,
  transactionalId: string,
  partition: number,
  producer: { producerId: number; producerEpoch: number; baseSequence: number },
  values: string[],
) {
  const records = buildBatch({ records: values.map((v) => ({ key: null, value: v })), transactional: true, ...producer });
  const r = await conn.send(0, version, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
  const p = r.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode as number, errorMessage: p.errorMessage as string | null, baseOffset: p.baseOffset as number };
}

async function txnOffsetCommit(conn: BrokerConnection, version: number, transactionalId: string, groupId: string, producerId: number, producerEpoch: number, offset: number) {
  const r = await conn.send(28, version, {
    transactionalId, groupId, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  return r.topics[0].partitions[0].errorCode as number;
}

async function stableOffset(conn: BrokerConnection, groupId: string): Promise<number | string> {
  const p = (await conn.send(9, 7, { groupId, topics: [{ name: TOPIC, partitionIndexes: [0] }], requireStable: true })).topics[0].partitions[0];
  return p.errorCode !== 0 ? `E${p.errorCode}` : p.committedOffset;
}

/** EndTxn v5 until the previous transaction's completion stops answering CONCURRENT_TRANSACTIONS. */
async function endTxnV5(conn: BrokerConnection, id: string, producerId: number, producerEpoch: number, committed: boolean) {
  for (;;) {
    const r = await endTxn(conn, id, producerId, producerEpoch, committed, 5);
    if (r.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) return r;
  }
}

describe('transaction version 2 (KIP-890 part 2) on the wire', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({
      'transaction.state.log.num.partitions': '2',
      'offsets.topic.num.partitions': '2',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '100',
    });
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    await conn.send(10, 1, { key: 'warm-up', keyType: 1 }); // creates __transaction_state
    await conn.send(10, 1, { key: 'g-tv2', keyType: 0 }); // and __consumer_offsets
  });
  afterAll(() => kt.stop());

  it('ApiVersions: transaction.version supported 0-2 and finalized at 2; Produce v12, TxnOffsetCommit v5, EndTxn v5', async () => {
    const r = await conn.send(18, 4, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1.0' });
    expect(r.errorCode).toBe(0);
    // Below v4 a supported range starting at 0 is left out (Kafka's KAFKA-17011 rule); the finalized level is not.
    const v3 = await conn.send(18, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1.0' });
    expect(v3.supportedFeatures).toEqual([{ name: 'metadata.version', minVersion: 1, maxVersion: 21 }]);
    expect(v3.finalizedFeatures).toEqual(expect.arrayContaining([{ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 }]));
    expect(r.supportedFeatures).toEqual(expect.arrayContaining([
      { name: 'metadata.version', minVersion: 1, maxVersion: 21 },
      { name: 'transaction.version', minVersion: 0, maxVersion: 2 },
    ]));
    expect(r.finalizedFeatures).toEqual(expect.arrayContaining([
      { name: 'metadata.version', minVersionLevel: 21, maxVersionLevel: 21 },
      { name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 },
    ]));
    expect(r.finalizedFeaturesEpoch).toBeGreaterThanOrEqual(0);
    const max = (key: number) => r.apiKeys.find((k: { apiKey: number }) => k.apiKey === key)?.maxVersion;
    expect([max(0), max(26), max(28)]).toEqual([12, 5, 5]);
  });

  it('Produce v12 adds its partition to the transaction; v11 still needs AddPartitionsToTxn', async () => {
    const { producerId, producerEpoch, errorCode } = await initPid(conn, 'implicit');
    expect(errorCode).toBe(0);
    expect((await produce(conn, 12, 'implicit', 0, { producerId, producerEpoch, baseSequence: 0 }, ['a', 'b'])).errorCode).toBe(0);
    expect((await produce(conn, 12, 'implicit', 1, { producerId, producerEpoch, baseSequence: 0 }, ['c'])).errorCode).toBe(0);
    expect(await describeTxn(conn, 'implicit')).toMatchObject({ transactionState: 'Ongoing', producerId, producerEpoch, topics: [{ topic: TOPIC, partitions: [0, 1] }] });
    // Version 11 keeps part 1's verification: partition 2 was never added.
    const v11 = await produce(conn, 11, 'implicit', 2, { producerId, producerEpoch, baseSequence: 0 }, ['x']);
    expect(v11.errorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    // The coordinator's refusals, as Kafka's leader passes them on.
    expect((await produce(conn, 12, 'implicit', 2, { producerId, producerEpoch: producerEpoch + 7, baseSequence: 0 }, ['x'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await produce(conn, 12, 'implicit', 2, { producerId: producerId + 1000, producerEpoch, baseSequence: 0 }, ['x'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect((await produce(conn, 12, 'nobody', 2, { producerId, producerEpoch, baseSequence: 0 }, ['x'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect((await describeTxn(conn, 'implicit')).topics).toEqual([{ topic: TOPIC, partitions: [0, 1] }]);

    const ended = await endTxnV5(conn, 'implicit', producerId, producerEpoch, true);
    expect(ended).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 1 });
    await waitFor(async () => (await describeTxn(conn, 'implicit')).transactionState === 'CompleteCommit', 'CompleteCommit');
    for (const p of [0, 1]) expect(markers(kt, TOPIC, p)).toEqual([{ marker: 'commit', producerId, producerEpoch: producerEpoch + 1 }]);
  });

  it('EndTxn v5 bumps the epoch on every transaction; each marker carries the bumped epoch', async () => {
    const init = await initPid(conn, 'bumps');
    const { producerId } = init;
    let epoch: number = init.producerEpoch;
    const seen: number[] = [];
    for (const commit of [true, false, true]) {
      expect((await produce(conn, 12, 'bumps', 2, { producerId, producerEpoch: epoch, baseSequence: 0 }, [`e${epoch}`])).errorCode).toBe(0);
      const ended = await endTxnV5(conn, 'bumps', producerId, epoch, commit);
      expect(ended).toMatchObject({ errorCode: 0, producerId, producerEpoch: epoch + 1 });
      seen.push(epoch);
      epoch = ended.producerEpoch;
    }
    expect(seen).toEqual([init.producerEpoch, init.producerEpoch + 1, init.producerEpoch + 2]);
    await waitFor(async () => (await describeTxn(conn, 'bumps')).transactionState === 'CompleteCommit', 'CompleteCommit');
    expect(await describeTxn(conn, 'bumps')).toMatchObject({ producerId, producerEpoch: epoch });
    const mine = loggedBatches(kt, TOPIC, 2).filter((b) => b.producerId === producerId);
    expect(mine.map((b) => [b.marker ?? b.values.join(), b.producerEpoch])).toEqual([
      [`e${seen[0]}`, seen[0]], ['commit', seen[0] + 1],
      [`e${seen[1]}`, seen[1]], ['abort', seen[1] + 1],
      [`e${seen[2]}`, seen[2]], ['commit', seen[2] + 1],
    ]);
  });

  it('a delayed produce or EndTxn of the previous epoch is refused and does not land in the next transaction', async () => {
    const init = await initPid(conn, 'delayed');
    const { producerId } = init;
    const old = init.producerEpoch;
    expect((await produce(conn, 12, 'delayed', 0, { producerId, producerEpoch: old, baseSequence: 0 }, ['t1-a'])).errorCode).toBe(0);
    const next = (await endTxnV5(conn, 'delayed', producerId, old, true)).producerEpoch;
    expect(next).toBe(old + 1);
    // The next transaction starts at the new epoch.
    expect((await produce(conn, 12, 'delayed', 0, { producerId, producerEpoch: next, baseSequence: 0 }, ['t2-a'])).errorCode).toBe(0);
    // A retried (delayed) batch of the first transaction, and one that was never sent in time: both fenced.
    const late = await produce(conn, 12, 'delayed', 0, { producerId, producerEpoch: old, baseSequence: 1 }, ['t1-late']);
    expect(late.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await produce(conn, 12, 'delayed', 1, { producerId, producerEpoch: old, baseSequence: 0 }, ['t1-late-p1'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    // A delayed EndTxn(abort) of the first transaction cannot end the second one.
    expect((await endTxn(conn, 'delayed', producerId, old, false, 5)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    // A retry of the first commit is answered as done, and leaves the second transaction open.
    expect(await describeTxn(conn, 'delayed')).toMatchObject({ transactionState: 'Ongoing', producerEpoch: next, topics: [{ topic: TOPIC, partitions: [0] }] });
    expect((await endTxnV5(conn, 'delayed', producerId, next, false)).producerEpoch).toBe(next + 1);
    await waitFor(async () => (await describeTxn(conn, 'delayed')).transactionState === 'CompleteAbort', 'CompleteAbort');
    const mine = loggedBatches(kt, TOPIC, 0).filter((b) => b.producerId === producerId);
    expect(mine.map((b) => [b.marker ?? b.values.join(), b.producerEpoch])).toEqual([['t1-a', old], ['commit', next], ['t2-a', next], ['abort', next + 1]]);
    expect(loggedBatches(kt, TOPIC, 1).filter((b) => b.producerId === producerId)).toEqual([]);
  });

  it('TxnOffsetCommit v5 adds the group partition (no AddOffsetsToTxn); the offsets are visible once committed', async () => {
    const { producerId, producerEpoch } = await initPid(conn, 'offsets');
    // Version 4 keeps part 1's verification: the group's partition was never added.
    expect(await txnOffsetCommit(conn, 4, 'offsets', 'g-tv2', producerId, producerEpoch, 41)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect(await txnOffsetCommit(conn, 5, 'offsets', 'g-tv2', producerId, producerEpoch + 3, 42)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await txnOffsetCommit(conn, 5, 'offsets', 'g-tv2', producerId, producerEpoch, 42)).toBe(0);
    const offsetsPartition = kt.server.groupCoordinator.partitionFor('g-tv2');
    expect(await describeTxn(conn, 'offsets')).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: '__consumer_offsets', partitions: [offsetsPartition] }] });
    expect(await stableOffset(conn, 'g-tv2')).toBe(`E${ErrorCode.UNSTABLE_OFFSET_COMMIT}`);
    const ended = await endTxnV5(conn, 'offsets', producerId, producerEpoch, true);
    expect(ended.producerEpoch).toBe(producerEpoch + 1);
    await waitFor(async () => (await stableOffset(conn, 'g-tv2')) === 42, 'the committed offset');
    expect(markers(kt, '__consumer_offsets', offsetsPartition).filter((m) => m.producerId === producerId)).toEqual([{ marker: 'commit', producerId, producerEpoch: producerEpoch + 1 }]);
    // The old epoch cannot commit offsets into the next transaction.
    expect(await txnOffsetCommit(conn, 5, 'offsets', 'g-tv2', producerId, producerEpoch, 99)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await stableOffset(conn, 'g-tv2')).toBe(42);
  });

  it('markers of a version 2 transaction are written with transactionVersion 2 (the log checks the epoch strictly), older ones without', async () => {
    const seen: { producerId: number; transactionVersion?: number }[] = [];
    const rm = kt.server.replicaManager;
    const appendMarker = rm.appendMarker.bind(rm);
    rm.appendMarker = (image, topic, partition, marker) => {
      seen.push({ producerId: marker.producerId, transactionVersion: marker.transactionVersion });
      return appendMarker(image, topic, partition, marker);
    };
    try {
      const v2 = await initPid(conn, 'marker-v2');
      expect((await produce(conn, 12, 'marker-v2', 2, { producerId: v2.producerId, producerEpoch: v2.producerEpoch, baseSequence: 0 }, ['m'])).errorCode).toBe(0);
      await endTxnV5(conn, 'marker-v2', v2.producerId, v2.producerEpoch, true);
      const v1 = await initPid(conn, 'marker-v1');
      expect(await addPartitions(conn, 'marker-v1', v1.producerId, v1.producerEpoch, { [TOPIC]: [2] })).toEqual({ [`${TOPIC}-2`]: 0 });
      expect((await produce(conn, 9, 'marker-v1', 2, { producerId: v1.producerId, producerEpoch: v1.producerEpoch, baseSequence: 0 }, ['m'])).errorCode).toBe(0);
      expect((await endTxn(conn, 'marker-v1', v1.producerId, v1.producerEpoch, true, 4)).errorCode).toBe(0);
      await waitFor(() => seen.some((m) => m.producerId === v1.producerId), 'the version 1 marker');
      expect(seen.filter((m) => m.producerId === v2.producerId)).toEqual([{ producerId: v2.producerId, transactionVersion: 2 }]);
      expect(seen.filter((m) => m.producerId === v1.producerId)).toEqual([{ producerId: v1.producerId, transactionVersion: undefined }]);
      expect(markers(kt, TOPIC, 2).filter((m) => m.producerId === v1.producerId)).toEqual([{ marker: 'commit', producerId: v1.producerId, producerEpoch: v1.producerEpoch }]);
    } finally {
      rm.appendMarker = appendMarker;
    }
  });

  it('Produce v12 while the previous transaction\'s markers are still being written: retried briefly, then CONCURRENT_TRANSACTIONS', async () => {
    const rm = kt.server.replicaManager;
    const appendMarker = rm.appendMarker.bind(rm);
    let blocked = true;
    rm.appendMarker = (image, topic, partition, marker) => (blocked ? { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, errorMessage: null } : appendMarker(image, topic, partition, marker));
    try {
      const { producerId, producerEpoch } = await initPid(conn, 'concurrent');
      expect((await produce(conn, 12, 'concurrent', 0, { producerId, producerEpoch, baseSequence: 0 }, ['t1'])).errorCode).toBe(0);
      const next = (await endTxn(conn, 'concurrent', producerId, producerEpoch, true, 5)).producerEpoch;
      expect(next).toBe(producerEpoch + 1);
      const started = Date.now();
      const refused = await produce(conn, 12, 'concurrent', 1, { producerId, producerEpoch: next, baseSequence: 0 }, ['t2']);
      expect(refused.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90); // the broker retried before answering
      blocked = false;
      await waitFor(async () => (await describeTxn(conn, 'concurrent')).transactionState === 'CompleteCommit', 'the markers written');
      expect((await produce(conn, 12, 'concurrent', 1, { producerId, producerEpoch: next, baseSequence: 0 }, ['t2'])).errorCode).toBe(0);
      expect(loggedBatches(kt, TOPIC, 1).filter((b) => b.producerId === producerId).map((b) => b.values.join())).toEqual(['t2']);
    } finally {
      rm.appendMarker = appendMarker;
    }
  });

  it('a transaction version 2 transaction that times out is aborted with a bumped epoch', async () => {
    const { producerId, producerEpoch } = await initPid(conn, 'timeout', { timeoutMs: 200 });
    expect((await produce(conn, 12, 'timeout', 1, { producerId, producerEpoch, baseSequence: 0 }, ['never'])).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(conn, 'timeout')).transactionState === 'CompleteAbort', 'the timeout abort', 20_000);
    const abort = markers(kt, TOPIC, 1).filter((m) => m.producerId === producerId);
    expect(abort).toEqual([{ marker: 'abort', producerId, producerEpoch: producerEpoch + 1 }]);
    // The producer that left it open is fenced; its abort is answered as the retry of the coordinator's.
    expect((await produce(conn, 12, 'timeout', 1, { producerId, producerEpoch, baseSequence: 1 }, ['late'])).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});
