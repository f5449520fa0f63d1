/**
 * A consume-transform-produce transaction's offsets, request by request as a transactional producer
 * sends them, against a real in-process kt server with partition verification on (KIP-890 part 1):
 * InitProducerId, AddOffsetsToTxn, TxnOffsetCommit, then EndTxn. The offsets are unstable for
 * requireStable fetches until the coordinator's COMMIT marker lands on the group's partition, never
 * visible after an ABORT, and a TxnOffsetCommit whose group partition was not added to the
 * transaction is refused as each version expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

const TOPIC = 'flow-in';
const GROUP = 'flow-group';
const TXN_ID = 'flow-txn';

describe('transactional offsets through the transaction coordinator', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  let producerId: number;
  let producerEpoch: number;

  beforeAll(async () => {
    kt = await startKt({ 'offsets.topic.num.partitions': '3', 'transaction.state.log.num.partitions': '3', 'transaction.partition.verification.enable': 'true' });
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    await waitFor(async () => (await conn.send(10, 3, { key: GROUP, keyType: 0 })).errorCode === ErrorCode.NONE, 'the group coordinator');
    await waitFor(async () => (await conn.send(10, 3, { key: TXN_ID, keyType: 1 })).errorCode === ErrorCode.NONE, 'the transaction coordinator');
    let init: { errorCode: number; producerId: number; producerEpoch: number } = { errorCode: -1, producerId: -1, producerEpoch: -1 };
    await waitFor(async () => {
      init = (await conn.send(22, 4, { transactionalId: TXN_ID, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })) as typeof init;
      return init.errorCode === ErrorCode.NONE;
    }, 'InitProducerId');
    ({ producerId, producerEpoch } = init);
  });
  afterAll(() => kt.stop());

  const txnCommit = (version: number, offsets: Record<number, number>) =>
    conn.send(28, version, {
      transactionalId: TXN_ID, groupId: GROUP, producerId, producerEpoch, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: TOPIC, partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o, committedLeaderEpoch: -1, committedMetadata: null })) }],
    });
  const partitionErrors = (r: Message): number[] => (r.topics as Message[]).flatMap((t) => (t.partitions as Message[]).map((p) => p.errorCode));
  const fetchStable = async (partition: number): Promise<number | string> => {
    const r = await conn.send(9, 7, { groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [partition] }], requireStable: true });
    const p = r.topics[0].partitions[0];
    return p.errorCode !== 0 ? `E${p.errorCode}` : p.committedOffset;
  };
  const UNSTABLE = `E${ErrorCode.UNSTABLE_OFFSET_COMMIT}`;

  it('refuses offsets of a group whose partition is not in the transaction', async () => {
    expect(partitionErrors(await txnCommit(3, { 0: 1 }))).toEqual([ErrorCode.INVALID_TXN_STATE]);
    expect(partitionErrors(await txnCommit(4, { 0: 1 }))).toEqual([ErrorCode.TRANSACTION_ABORTABLE]);
    expect(await fetchStable(0)).toBe(-1);
  });

  it('commits the offsets with the transaction, and drops them with an aborted one', async () => {
    expect((await conn.send(25, 3, { transactionalId: TXN_ID, producerId, producerEpoch, groupId: GROUP })).errorCode).toBe(ErrorCode.NONE);
    expect(partitionErrors(await txnCommit(3, { 0: 100, 1: 200 }))).toEqual([0, 0]);
    expect(await fetchStable(0)).toBe(UNSTABLE);
    expect((await conn.send(26, 3, { transactionalId: TXN_ID, producerId, producerEpoch, committed: true })).errorCode).toBe(ErrorCode.NONE);
    // The markers are written after EndTxn answers.
    await waitFor(async () => (await fetchStable(0)) === 100, 'the committed offset');
    expect(await fetchStable(1)).toBe(200);

    await waitFor(async () => (await conn.send(25, 3, { transactionalId: TXN_ID, producerId, producerEpoch, groupId: GROUP })).errorCode === ErrorCode.NONE, 'AddOffsetsToTxn of the next transaction');
    expect(partitionErrors(await txnCommit(4, { 0: 150 }))).toEqual([0]);
    expect(await fetchStable(0)).toBe(UNSTABLE);
    expect((await conn.send(26, 3, { transactionalId: TXN_ID, producerId, producerEpoch, committed: false })).errorCode).toBe(ErrorCode.NONE);
    await waitFor(async () => (await fetchStable(0)) === 100, 'the aborted offset dropped');
    expect(await fetchStable(1)).toBe(200);
  });

  it('a producer fenced by a new InitProducerId gets INVALID_PRODUCER_EPOCH, and its offsets never count', async () => {
    await waitFor(async () => (await conn.send(25, 3, { transactionalId: TXN_ID, producerId, producerEpoch, groupId: GROUP })).errorCode === ErrorCode.NONE, 'AddOffsetsToTxn');
    expect(partitionErrors(await txnCommit(3, { 1: 999 }))).toEqual([0]);
    const stale = producerEpoch;
    let init: { errorCode: number; producerId: number; producerEpoch: number } = { errorCode: -1, producerId: -1, producerEpoch: -1 };
    await waitFor(async () => {
      init = (await conn.send(22, 4, { transactionalId: TXN_ID, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 })) as typeof init;
      return init.errorCode === ErrorCode.NONE;
    }, 'the second InitProducerId');
    expect(init.producerEpoch).toBeGreaterThan(stale);
    // The new epoch aborted the open transaction: its offset is dropped.
    await waitFor(async () => (await fetchStable(1)) === 200, 'the fenced transaction aborted');
    producerEpoch = stale;
    expect(partitionErrors(await txnCommit(3, { 1: 1000 }))).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect(await fetchStable(1)).toBe(200);
  });
});
