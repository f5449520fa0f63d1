/**
 * KIP-890 part 1 on the produce path, with kt's own transaction coordinator over the wire: a
 * transactional batch for a partition not added to the producer's ongoing transaction is refused,
 * and a produce delayed past its transaction's end (KAFKA-17754) cannot land in the log. EndTxn's
 * markers, written through the broker's marker writer, make the transaction readable to read_committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { isControl } from '../../src/engine/records/batch-header.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

const TXN_ID = 'verified-producer';

describe('transaction verification on produce (KIP-890 part 1)', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  let producer: { producerId: number; producerEpoch: number };

  const batch = (value: string, baseSequence: number) =>
    buildBatch({ records: [{ key: null, value, timestamp: Date.now() }], ...producer, baseSequence, transactional: true });
  const produce = async (records: Buffer, version = 9) => {
    const res = await conn.send(0, version, { transactionalId: TXN_ID, acks: -1, timeoutMs: 5000, topicData: [{ name: 'verified', partitionData: [{ index: 0, records }] }] });
    return res.responses[0].partitionResponses[0] as Message;
  };
  const readCommitted = async () => {
    const res = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'verified', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    return res.responses[0].partitions[0] as Message;
  };
  const transactionState = async () => {
    const res = await conn.send(65, 0, { transactionalIds: [TXN_ID] });
    return res.transactionStates[0].transactionState as string;
  };

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false', 'transaction.state.log.num.partitions': '2' });
    conn = await kt.connect();
    const created = await conn.send(19, 7, {
      topics: [{ name: 'verified', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(created.topics[0].errorCode).toBe(0);
    // The first InitProducerId creates __transaction_state; retriable errors until it is loaded.
    let init: Message = {};
    await waitFor(async () => {
      init = await conn.send(22, 4, { transactionalId: TXN_ID, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1 });
      return init.errorCode === ErrorCode.NONE;
    }, 'InitProducerId to succeed');
    producer = { producerId: init.producerId, producerEpoch: init.producerEpoch };
  });
  afterAll(() => kt?.stop());

  it('refuses a transactional batch for a partition not in the transaction', async () => {
    const v9 = await produce(batch('early', 0), 9);
    expect(v9.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(v9.errorMessage).toBe('Partition was not added to the transaction');
    // Produce v11 clients understand TRANSACTION_ABORTABLE (KIP-890).
    expect((await produce(batch('early', 0), 11)).errorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect((await readCommitted()).highWatermark).toBe(0);
  });

  it('appends once the partition is added, and EndTxn makes it readable to read_committed', async () => {
    const added = await conn.send(24, 3, {
      v3AndBelowTransactionalId: TXN_ID,
      v3AndBelowProducerId: producer.producerId,
      v3AndBelowProducerEpoch: producer.producerEpoch,
      v3AndBelowTopics: [{ name: 'verified', partitions: [0] }],
    });
    expect(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode).toBe(0);
    expect(await produce(batch('in txn', 0))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await readCommitted()).toMatchObject({ highWatermark: 1, lastStableOffset: 0 });

    const ended = await conn.send(26, 3, { transactionalId: TXN_ID, ...producer, committed: true });
    expect(ended.errorCode).toBe(0);
    await waitFor(async () => (await readCommitted()).lastStableOffset === 2, 'the COMMIT marker');
    const part = await readCommitted();
    expect(part.abortedTransactions).toEqual([]);
    const batches = decodeBatches(part.records);
    expect(batches.map((b) => isControl(b.header.attributes))).toEqual([false, true]);
    expect(batches[0].records[0].value!.toString()).toBe('in txn');
  });

  it('does not let a produce delayed past the end of its transaction land in the log', async () => {
    await waitFor(async () => (await transactionState()) === 'CompleteCommit', 'the transaction to complete');
    const late = await produce(batch('late', 1));
    expect(late.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await readCommitted()).toMatchObject({ highWatermark: 2, lastStableOffset: 2 });
  });
});
