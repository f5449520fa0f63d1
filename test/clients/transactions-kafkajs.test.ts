/**
 * kafkajs transactions against a kt process: producer.transaction(), send, sendOffsets, commit and
 * abort. Commit, abort, commit: kafkajs consumers read the topic back, a read_committed one
 * (kafkajs's default) seeing the committed records only, a read_uncommitted one all of them; each
 * reads until a final committed sentinel record arrives, so "nothing more" is known without waiting
 * for time to pass. sendOffsets: the group's offsets change when the transaction commits, not when
 * it aborts (read with kafkajs's admin fetchOffsets).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { waitFor } from '../helpers/kt.js';
import { spawnKtWithTopics, type KtWithTopics } from '../helpers/kt-client-process.js';

const TOPIC = 'kjs-txn';
const OFFSETS_TOPIC = 'kjs-txn-input';
const PARTITIONS = 3;
const SENTINEL = 'sentinel';

describe('kafkajs transactions', () => {
  let env: KtWithTopics;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    env = await spawnKtWithTopics([
      { name: TOPIC, partitions: PARTITIONS },
      { name: OFFSETS_TOPIC, partitions: PARTITIONS },
    ]);
    kafka = new Kafka({ clientId: 'kt-kafkajs-txn', brokers: [env.kt.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    producer = kafka.producer({ transactionalId: 'kjs-tid', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await env?.stop();
  });

  const messages = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i % 5}`, value: `${prefix}-${i}` }));
  const values = (prefix: string, n: number) => messages(prefix, n).map((m) => m.value);

  /** Every value a fresh group member reads from the beginning of TOPIC until it has seen every partition's sentinel. */
  async function readUntilSentinel(groupId: string, readUncommitted: boolean): Promise<string[]> {
    const consumer = kafka.consumer({ groupId, readUncommitted, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    const sentinels = () => seen.filter((v) => v === SENTINEL).length;
    await waitFor(() => sentinels() >= PARTITIONS, `${groupId} to read up to the sentinel of every partition (seen ${seen.length})`, 30_000);
    await consumer.disconnect();
    return seen.sort();
  }

  it('commit, abort, commit: read_committed sees the committed records only, read_uncommitted all', async () => {
    const t1 = await producer.transaction();
    await t1.send({ topic: TOPIC, messages: messages('first', 30) });
    await t1.commit();
    const t2 = await producer.transaction();
    await t2.send({ topic: TOPIC, messages: messages('aborted', 30) });
    await t2.abort();
    const t3 = await producer.transaction();
    await t3.send({ topic: TOPIC, messages: messages('second', 30) });
    // The sentinel goes to every partition, so a reader past it has read each partition to its end.
    await t3.send({ topic: TOPIC, messages: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: SENTINEL })) });
    await t3.commit();

    const committed = await readUntilSentinel('kjs-read-committed', false);
    expect(committed.filter((v) => v !== SENTINEL)).toEqual([...values('first', 30), ...values('second', 30)].sort());
    const uncommitted = await readUntilSentinel('kjs-read-uncommitted', true);
    expect(uncommitted.filter((v) => v !== SENTINEL)).toEqual([...values('first', 30), ...values('aborted', 30), ...values('second', 30)].sort());
  });

  it('sendOffsets: the group offsets change with a committed transaction, not with an aborted one', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const groupId = 'kjs-txn-group';
      const offsets = async () =>
        (await admin.fetchOffsets({ groupId, topics: [OFFSETS_TOPIC] }))[0]!.partitions.map((p) => [p.partition, p.offset]).sort((a, b) => Number(a[0]) - Number(b[0]));
      const sendOffsets = (base: number) => ({
        consumerGroupId: groupId,
        topics: [{ topic: OFFSETS_TOPIC, partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: String(base + partition) })) }],
      });

      const committed = await producer.transaction();
      await committed.send({ topic: TOPIC, messages: [{ key: 'ctp', value: 'output-1' }] });
      await committed.sendOffsets(sendOffsets(10));
      await committed.commit();
      expect(await offsets()).toEqual([[0, '10'], [1, '11'], [2, '12']]);

      const aborted = await producer.transaction();
      await aborted.send({ topic: TOPIC, messages: [{ key: 'ctp', value: 'output-2' }] });
      await aborted.sendOffsets(sendOffsets(100));
      await aborted.abort();
      expect(await offsets()).toEqual([[0, '10'], [1, '11'], [2, '12']]);
    } finally {
      await admin.disconnect();
    }
  });
});
