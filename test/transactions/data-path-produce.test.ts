/**
 * The broker's produce path for idempotent and transactional batches, over the wire with hand-made
 * batches: retries answered with their first offset, sequence and epoch errors, and the request-level
 * rules Kafka applies to transactional batches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { buildControlBatch, ControlRecordType } from '../../src/engine/records/control.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

interface Producer {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional?: boolean;
}

function batchOf(values: string[], producer?: Producer): Buffer {
  const now = Date.now();
  return buildBatch({ records: values.map((v, i) => ({ key: null, value: v, timestamp: now + i })), ...producer });
}

describe('idempotent and transactional produce', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  const produceTo = (partitions: { topic: string; partition: number; records: Buffer }[], transactionalId: string | null = null, acks = -1) =>
    conn.send(0, 9, {
      transactionalId,
      acks,
      timeoutMs: 5000,
      topicData: partitions.map((p) => ({ name: p.topic, partitionData: [{ index: p.partition, records: p.records }] })),
    });
  const produce = async (topic: string, records: Buffer, transactionalId: string | null = null) =>
    (await produceTo([{ topic, partition: 0, records }], transactionalId)).responses[0].partitionResponses[0];
  const fetchAll = async (topic: string) => {
    const res = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    return res.responses[0].partitions[0];
  };

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false', 'transaction.partition.verification.enable': 'false' });
    conn = await kt.connect();
    const res = await conn.send(19, 7, {
      topics: ['dedupe', 'epochs', 'rules', 'rules2'].map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics.map((t: { errorCode: number }) => t.errorCode)).toEqual([0, 0, 0, 0]);
  });
  afterAll(() => kt?.stop());

  it('answers a retried batch with the offset it got the first time and does not append it again', async () => {
    const pid = { producerId: 4001, producerEpoch: 0 };
    expect(await produce('dedupe', batchOf(['a', 'b', 'c'], { ...pid, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce('dedupe', batchOf(['d', 'e'], { ...pid, baseSequence: 3 }))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    // Both retried, oldest first, as a producer resends after a lost response.
    expect(await produce('dedupe', batchOf(['a', 'b', 'c'], { ...pid, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce('dedupe', batchOf(['d', 'e'], { ...pid, baseSequence: 3 }))).toMatchObject({ errorCode: 0, baseOffset: 3 });
    expect(await produce('dedupe', batchOf(['f'], { ...pid, baseSequence: 5 }))).toMatchObject({ errorCode: 0, baseOffset: 5 });

    const part = await fetchAll('dedupe');
    expect(part.highWatermark).toBe(6);
    const values = decodeBatches(part.records).flatMap((b) => b.records.map((r) => r.value!.toString()));
    expect(values).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    // Plain batches (no producer id) are never deduplicated.
    expect(await produce('dedupe', batchOf(['g']))).toMatchObject({ errorCode: 0, baseOffset: 6 });
    expect(await produce('dedupe', batchOf(['g']))).toMatchObject({ errorCode: 0, baseOffset: 7 });
  });

  it('refuses a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and an old epoch with INVALID_PRODUCER_EPOCH', async () => {
    const first = { producerId: 4002, producerEpoch: 0 };
    expect(await produce('epochs', batchOf(['x'], { ...first, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const gap = await produce('epochs', batchOf(['y'], { ...first, baseSequence: 7 }));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(gap.baseOffset).toBe(-1);

    // A bumped epoch starts again at sequence 0; the old epoch is fenced from then on.
    expect(await produce('epochs', batchOf(['z'], { producerId: 4002, producerEpoch: 1, baseSequence: 0 }))).toMatchObject({ errorCode: 0, baseOffset: 1 });
    const stale = await produce('epochs', batchOf(['old'], { ...first, baseSequence: 1 }));
    expect(stale.errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await fetchAll('epochs')).highWatermark).toBe(2);
  });

  it("applies Kafka's batch rules: no control batches from clients, no negative sequence with a producer id", async () => {
    const control = buildControlBatch({ producerId: 4003, producerEpoch: 0, type: ControlRecordType.Commit, coordinatorEpoch: 0 });
    expect((await produce('rules', control, 'txn-rules')).errorCode).toBe(ErrorCode.INVALID_RECORD);
    const noSequence = await produce('rules', batchOf(['s'], { producerId: 4003, producerEpoch: 0, baseSequence: -1 }));
    expect(noSequence.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await fetchAll('rules')).highWatermark).toBe(0);
  });

  it('fails a request with transactional batches but no transactional id with TRANSACTIONAL_ID_AUTHORIZATION_FAILED', async () => {
    const res = await produceTo([
      { topic: 'rules', partition: 0, records: batchOf(['t'], { producerId: 4004, producerEpoch: 0, baseSequence: 0, transactional: true }) },
      { topic: 'rules2', partition: 0, records: batchOf(['plain']) },
    ]);
    const codes = res.responses.map((t: { partitionResponses: { errorCode: number }[] }) => t.partitionResponses[0].errorCode);
    expect(codes).toEqual([ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED]);
    expect((await fetchAll('rules2')).highWatermark).toBe(0);
  });

  it('fails a request with transactional batches of two producers with INVALID_PRODUCER_ID_MAPPING', async () => {
    const res = await produceTo(
      [
        { topic: 'rules', partition: 0, records: batchOf(['p1'], { producerId: 4005, producerEpoch: 0, baseSequence: 0, transactional: true }) },
        { topic: 'rules2', partition: 0, records: batchOf(['p2'], { producerId: 4006, producerEpoch: 0, baseSequence: 0, transactional: true }) },
      ],
      'txn-two',
    );
    const codes = res.responses.map((t: { partitionResponses: { errorCode: number }[] }) => t.partitionResponses[0].errorCode);
    expect(codes).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING, ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  });

  it('appends an idempotent batch sent with a transactional id like any idempotent batch', async () => {
    const res = await produce('rules2', batchOf(['idem'], { producerId: 4007, producerEpoch: 0, baseSequence: 0 }), 'txn-idem');
    expect(res).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });
});
