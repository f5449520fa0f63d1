/**
 * A group's offsets held by an open transaction (a transactional producer's sendOffsetsToTransaction):
 * OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT, and kt's GroupConsumer, as Java's,
 * waits — it neither fails nor starts from the older committed offset — and starts from the
 * transaction's offset once it commits (or the older one once it aborts). The member heartbeats
 * while it waits, so it outlives its session timeout and a rebalance interrupts the wait.
 * Against a real kt server, with kt's own transactional producer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { KafkaError, TimeoutError } from '../../src/engine/client/errors.js';
import { GroupConsumer } from '../../src/engine/client/group/group-consumer.js';
import { commitOffsets, fetchCommittedOffsets, fetchStableCommittedOffsets } from '../../src/engine/client/group-offsets.js';
import { Producer } from '../../src/engine/client/producer.js';
import type { ConsumerRecord } from '../../src/engine/client/consumer.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

describe('offsets held by an open transaction', () => {
  let kt: RunningKt;
  let cluster: Cluster;
  let coordinators: GroupCoordinators;

  beforeAll(async () => {
    kt = await startKt({
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1000',
      'offsets.topic.num.partitions': '2',
      'transaction.state.log.num.partitions': '2',
      // The coordinator looks for transactions past their timeout this often (Kafka: every 10 s).
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    });
    cluster = new Cluster({ bootstrap: kt.bootstrap });
    coordinators = new GroupCoordinators(cluster);
  });
  afterAll(async () => {
    cluster?.close();
    await kt?.stop();
  });

  /** A topic of `partitions` partitions holding v0..v9 in each, and `group` committed (plainly) at offset 2 everywhere. */
  async function setUp(topic: string, group: string, partitions = 1): Promise<void> {
    const admin = new Admin({ bootstrap: kt.bootstrap });
    await admin.createTopics([{ name: topic, numPartitions: partitions, replicationFactor: 1 }]);
    admin.close();
    const producer = new Producer({ bootstrapServers: kt.bootstrap, lingerMs: 1 });
    const sent: Promise<unknown>[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      for (let i = 0; i < 10; i++) sent.push(producer.produce({ topic, partition, value: `v${i}` }));
    }
    await Promise.all(sent);
    await producer.close();
    const all = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    await commitOffsets(coordinators, group, all.map((tp) => ({ ...tp, offset: 2 })));
  }

  /** A transaction, left open, that commits `group` at offset 7 on every partition of `topic`. */
  async function openTransaction(transactionalId: string, topic: string, group: string, partitions = 1, transactionTimeoutMs = 60_000): Promise<Producer> {
    const producer = new Producer({ bootstrapServers: kt.bootstrap, transactionalId, lingerMs: 1, retryBackoffMs: 10, transactionTimeoutMs });
    await producer.initTransactions();
    producer.beginTransaction();
    const offsets = Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 7 }));
    await producer.sendOffsetsToTransaction(offsets, group);
    return producer;
  }

  const member = (group: string, topic: string) => {
    const consumer = new GroupConsumer({
      bootstrapServers: kt.bootstrap,
      groupId: group,
      autoOffsetReset: 'earliest',
      enableAutoCommit: false,
      retryBackoffMs: 20,
      fetchMaxWaitMs: 100,
      heartbeatIntervalMs: 100,
      sessionTimeoutMs: 1000,
    });
    consumer.subscribe([topic]);
    return consumer;
  };

  /** Poll (nothing may arrive) until the member is waiting for the transaction. */
  async function untilWaiting(consumer: GroupConsumer): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!consumer.awaitingStableOffsets) {
      if (Date.now() > deadline) throw new Error('the member never waited for the transaction');
      expect(await consumer.poll(50)).toEqual([]);
    }
  }

  async function pollFor(consumer: GroupConsumer, count: number): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    const deadline = Date.now() + 15_000;
    while (out.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${out.length} of ${count} records arrived`);
      out.push(...(await consumer.poll(200)));
    }
    return out;
  }

  it('OffsetFetch requireStable names the held partitions; the stable fetch waits, bounded by its deadline', async () => {
    await setUp('held-fetch', 'held-fetch-group', 2);
    const txn = await openTransaction('held-fetch-txn', 'held-fetch', 'held-fetch-group', 2);
    try {
      const tps = [0, 1].map((partition) => ({ topic: 'held-fetch', partition }));
      const failure = await fetchCommittedOffsets(coordinators, 'held-fetch-group', tps, { requireStable: true }).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(KafkaError);
      expect((failure as KafkaError).code).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
      expect((failure as KafkaError).message).toContain('held-fetch-0, held-fetch-1');
      // Without requireStable the older, stable offsets answer.
      const unstable = await fetchCommittedOffsets(coordinators, 'held-fetch-group', tps);
      expect([...unstable.values()].map((c) => c.offset)).toEqual([2, 2]);

      const retries: number[] = [];
      const started = Date.now();
      const timedOut = await fetchStableCommittedOffsets(coordinators, 'held-fetch-group', tps, {
        retryBackoffMs: 20,
        deadline: Date.now() + 500,
        onRetry: (err) => retries.push((err as KafkaError).code),
      }).catch((err: unknown) => err);
      expect(timedOut).toBeInstanceOf(TimeoutError);
      expect((timedOut as Error).message).toMatch(/unstable offsets/);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(retries.length).toBeGreaterThan(1);
      expect(new Set(retries)).toEqual(new Set([ErrorCode.UNSTABLE_OFFSET_COMMIT]));

      const waiting = fetchStableCommittedOffsets(coordinators, 'held-fetch-group', tps, { retryBackoffMs: 20 });
      await txn.commitTransaction();
      expect([...(await waiting)!.values()].map((c) => c.offset)).toEqual([7, 7]);
    } finally {
      await txn.close();
    }
  });

  it('a joining member waits for the transaction, then starts at the offset it committed', async () => {
    await setUp('held-commit', 'held-commit-group');
    const txn = await openTransaction('held-commit-txn', 'held-commit', 'held-commit-group');
    const consumer = member('held-commit-group', 'held-commit');
    try {
      await untilWaiting(consumer);
      const generation = consumer.generationId;
      expect(generation).toBeGreaterThan(0);
      // Polls keep returning nothing (not the records from the old offset 2) and do not fail.
      for (let i = 0; i < 3; i++) expect(await consumer.poll(200)).toEqual([]);
      expect(consumer.assignment()).toEqual([]);
      expect(consumer.awaitingStableOffsets).toBe(true);

      await txn.commitTransaction();
      const records = await pollFor(consumer, 3);
      expect(records.map((r) => [r.offset, r.value!.toString()])).toEqual([[7, 'v7'], [8, 'v8'], [9, 'v9']]);
      expect(consumer.generationId).toBe(generation);
      expect(consumer.awaitingStableOffsets).toBe(false);
    } finally {
      await consumer.close();
      await txn.close();
    }
  });

  it('after an abort the member starts at the older committed offset', async () => {
    await setUp('held-abort', 'held-abort-group');
    const txn = await openTransaction('held-abort-txn', 'held-abort', 'held-abort-group');
    const consumer = member('held-abort-group', 'held-abort');
    try {
      await untilWaiting(consumer);
      await txn.abortTransaction();
      const records = await pollFor(consumer, 8);
      expect(records.map((r) => r.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await consumer.close();
      await txn.close();
    }
  });

  it('a transaction its producer abandons ends at its timeout, and the member starts at the older offset', async () => {
    await setUp('held-abandoned', 'held-abandoned-group');
    const txn = await openTransaction('held-abandoned-txn', 'held-abandoned', 'held-abandoned-group', 1, 1500);
    const consumer = member('held-abandoned-group', 'held-abandoned');
    try {
      await untilWaiting(consumer);
      const records = await pollFor(consumer, 8);
      expect(records.map((r) => r.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await consumer.close();
      await txn.close();
    }
  });

  it('the waiting member heartbeats past its session timeout, and a rebalance interrupts the wait', async () => {
    await setUp('held-long', 'held-long-group', 2);
    const txn = await openTransaction('held-long-txn', 'held-long', 'held-long-group', 2);
    const first = member('held-long-group', 'held-long');
    let second: GroupConsumer | undefined;
    try {
      await untilWaiting(first);
      const generation = first.generationId;
      // Three times the 1 s session timeout: without heartbeats the coordinator would expel it.
      const until = Date.now() + 3000;
      while (Date.now() < until) expect(await first.poll(200)).toEqual([]);
      expect(first.generationId).toBe(generation);
      expect(first.awaitingStableOffsets).toBe(true);

      // A second member joins: the first hears of the rebalance through its heartbeat, rejoins, and both wait.
      second = member('held-long-group', 'held-long');
      const both = [first, second];
      const deadline = Date.now() + 15_000;
      while (!both.every((c) => c.awaitingStableOffsets && c.generationId > generation)) {
        if (Date.now() > deadline) throw new Error('the group never settled with both members waiting');
        const polled = await Promise.all(both.map((c) => c.poll(50)));
        expect(polled.flat()).toEqual([]);
      }
      expect(first.generationId).toBe(second.generationId);

      await txn.commitTransaction();
      const got = await Promise.all(both.map((c) => pollFor(c, 3)));
      for (const records of got) expect(records.map((r) => r.offset)).toEqual([7, 8, 9]);
      expect(got.map((records) => records[0]!.partition).sort()).toEqual([0, 1]);
    } finally {
      await Promise.all([first.close(), second?.close()]);
      await txn.close();
    }
  });
});
