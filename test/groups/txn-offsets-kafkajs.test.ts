/**
 * A real client's transactional offsets: kafkajs's transaction().sendOffsets() (AddOffsetsToTxn and
 * TxnOffsetCommit v0-2, with kafkajs's own producer ids and epochs) against an in-process kt server.
 * Offsets sent in an aborted transaction never become the group's; those of a committed transaction
 * do, as its admin client and a group consumer resuming from them see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

const TOPIC = 'kjs-in';
const GROUP = 'kjs-group';

describe('kafkajs sendOffsets', () => {
  let kt: RunningKt;
  let kafka: Kafka;
  beforeAll(async () => {
    kt = await startKt({ 'offsets.topic.num.partitions': '3', 'transaction.state.log.num.partitions': '3', 'group.initial.rebalance.delay.ms': '0' });
    kafka = new Kafka({ clientId: 'kjs', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();
  });
  afterAll(() => kt.stop());

  it('offsets of an aborted transaction are dropped, those of a committed one become the group offsets', async () => {
    const producer = kafka.producer({ transactionalId: 'kjs-txn', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    const groupOffsets = async () =>
      Object.fromEntries((await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] }))[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    try {
      const aborted = await producer.transaction();
      await aborted.send({ topic: TOPIC, messages: [{ partition: 0, value: 'dropped' }] });
      await aborted.sendOffsets({ consumerGroupId: GROUP, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '7' }] }] });
      await aborted.abort();
      expect(await groupOffsets()).toEqual({ 0: -1, 1: -1 });

      const committed = await producer.transaction();
      await committed.send({ topic: TOPIC, messages: [{ partition: 1, value: 'kept' }] });
      await committed.sendOffsets({ consumerGroupId: GROUP, topics: [{ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }, { partition: 1, offset: '0' }] }] });
      await committed.commit();
      // The markers follow EndTxn's answer.
      await waitFor(async () => JSON.stringify(await groupOffsets()) === JSON.stringify({ 0: 1, 1: 0 }), 'the committed offsets');

      // A read_committed group member resumes from them: on partition 0 past the aborted record, on
      // partition 1 at the committed one.
      const consumer = kafka.consumer({ groupId: GROUP, readUncommitted: false, maxWaitTimeInMs: 100, heartbeatInterval: 300 });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const seen: string[] = [];
      await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push(`${partition}:${message.value}`) });
      try {
        await waitFor(() => seen.length >= 1, 'the committed record', 20_000);
        expect(seen).toEqual(['1:kept']);
      } finally {
        await consumer.disconnect();
      }
    } finally {
      await admin.disconnect();
      await producer.disconnect();
    }
  });
});
