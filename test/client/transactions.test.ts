/**
 * kt's transactional producer against librdkafka's mock cluster (which implements the transaction
 * APIs but writes no markers, and finalizes no transaction.version: the older protocol) and against
 * kt (transaction.version 2): the requests go in Kafka's order (FindCoordinator key type 1,
 * InitProducerId, then on the older protocol AddPartitionsToTxn before a partition's first produce
 * and AddOffsetsToTxn before TxnOffsetCommit; with version 2 Produce v12 and TxnOffsetCommit v5 add
 * them at the broker; EndTxn), retriable coordinator errors are retried,
 * misuse is refused, and a failed send makes the transaction abortable. Against kt: a newer instance
 * fences an older one, and kt's own read_committed consumer sees exactly the committed records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer, type ConsumerRecord } from '../../src/engine/client/consumer.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { GroupConsumer } from '../../src/engine/client/group/group-consumer.js';
import { fetchCommittedOffsets } from '../../src/engine/client/group-offsets.js';
import { Producer, type ProducerOptions } from '../../src/engine/client/producer.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { startKt } from '../helpers/kt.js';
import { startMockBroker } from '../helpers/mock-broker.js';
import { intercept, produceError, wireBatches } from './wire.js';

interface Broker {
  bootstrap: string;
  stop(): Promise<void>;
}

const BROKERS: [string, () => Promise<Broker>][] = [
  ["librdkafka's mock cluster", () => startMockBroker()],
  ['kt', () => startKt({ 'num.partitions': '4', 'transaction.state.log.num.partitions': '4', 'offsets.topic.num.partitions': '4' })],
];

/** An AddPartitionsToTxn answer with `code` for every partition. */
function refuseAdd(response: Message, code: number): Message {
  return {
    ...response,
    resultsByTopicV3AndBelow: (response.resultsByTopicV3AndBelow as Message[]).map((t) => ({
      ...t,
      resultsByPartition: (t.resultsByPartition as Message[]).map((p) => ({ ...p, partitionErrorCode: code })),
    })),
  };
}

describe.each(BROKERS)("kt's transactional producer against %s", (brokerName, start) => {
  let broker: Broker;
  const isKt = brokerName === 'kt';
  beforeAll(async () => {
    broker = await start();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const producer = (transactionalId: string, options: ProducerOptions = {}) =>
    new Producer({ bootstrapServers: broker.bootstrap, transactionalId, lingerMs: 1, retryBackoffMs: 10, maxBlockMs: 20_000, ...options });

  async function readAll(topic: string, partitions: number[], isolationLevel: 'read_committed' | 'read_uncommitted', atLeast: number): Promise<string[]> {
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap, isolationLevel, autoOffsetReset: 'earliest' });
    try {
      await consumer.assign(partitions.map((partition) => ({ topic, partition })));
      const out: ConsumerRecord[] = [];
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        out.push(...(await consumer.poll(200)));
        if (out.length >= atLeast && (await consumer.poll(300)).length === 0) break;
      }
      return out.map((r) => r.value!.toString()).sort();
    } finally {
      consumer.close();
    }
  }

  it(`sends the transaction protocol in order (${isKt ? 'version 2' : 'the older protocol'}): coordinator, producer id, partitions, produce, offsets, EndTxn`, async () => {
    const p = producer('txn-order');
    const calls: string[] = [];
    const versions: string[] = [];
    intercept(p, async (apiKey, body, send) => {
      const answer = await send();
      const b: Message = typeof body === 'function' ? body(answer.version) : body;
      if (apiKey === 10) calls.push(`FindCoordinator(${b.keyType})`);
      if (apiKey === 22) calls.push(`InitProducerId(${b.transactionalId})`);
      if (apiKey === 24) calls.push(`AddPartitionsToTxn(${b.v3AndBelowTopics.map((t: Message) => `${t.name}:${t.partitions.join(',')}`).join(' ')})`);
      if (apiKey === 0) calls.push(`Produce(${b.transactionalId})`);
      if (apiKey === 25) calls.push(`AddOffsetsToTxn(${b.groupId})`);
      if (apiKey === 28) calls.push(`TxnOffsetCommit(${b.groupId})`);
      if (apiKey === 26) calls.push(`EndTxn(${b.committed})`);
      if ([0, 26, 28].includes(apiKey)) versions.push(`${apiKey === 0 ? 'Produce' : apiKey === 26 ? 'EndTxn' : 'TxnOffsetCommit'} v${answer.version}`);
      return answer;
    });
    await p.initTransactions();
    const { producerId, epoch } = p.transactionManager!.identity;
    p.beginTransaction();
    await Promise.all([0, 1, 2].map((i) => p.produce({ topic: 'txn-order', partition: 1, value: `a${i}` })));
    await p.sendOffsetsToTransaction([{ topic: 'txn-order', partition: 0, offset: 3 }], { groupId: 'txn-order-group' });
    await p.commitTransaction();
    await p.close();
    const dedup = calls.filter((c, i) => c !== calls[i - 1]);
    expect(dedup).toEqual([
      'FindCoordinator(1)',
      'InitProducerId(txn-order)',
      ...(isKt ? [] : ['AddPartitionsToTxn(txn-order:1)']),
      'Produce(txn-order)',
      ...(isKt ? [] : ['AddOffsetsToTxn(txn-order-group)']),
      ...(dedup.includes('FindCoordinator(0)') ? ['FindCoordinator(0)'] : []),
      'TxnOffsetCommit(txn-order-group)',
      'EndTxn(true)',
    ]);
    expect(p.transactionManager!.transactionV2).toBe(isKt);
    if (isKt) {
      expect(new Set(versions)).toEqual(new Set(['Produce v12', 'TxnOffsetCommit v5', 'EndTxn v5']));
    } else {
      // The older protocol: Produce and TxnOffsetCommit below the versions that add partitions themselves.
      for (const v of versions) expect(v).toMatch(/^(Produce v([3-9]|1[01])|TxnOffsetCommit v[0-4]|EndTxn v[0-5])$/);
    }
    const batches = (await wireBatches(broker.bootstrap, 'txn-order', 1)).filter((b) => (b.header.attributes & 0x20) === 0);
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b.header.attributes & 0x10).toBe(0x10); // transactional
      expect(b.header).toMatchObject({ producerId, producerEpoch: epoch });
    }
  });

  it('refuses misuse the way Java does', async () => {
    const p = producer('txn-misuse');
    expect(() => p.send({ topic: 'txn-misuse', value: 'x' })).toThrow("Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.");
    await p.initTransactions();
    expect(() => p.send({ topic: 'txn-misuse', value: 'x' })).toThrow('Cannot call send in state READY');
    await expect(p.commitTransaction()).rejects.toThrow('Invalid transition attempted from state READY to state COMMITTING_TRANSACTION');
    p.beginTransaction();
    expect(() => p.beginTransaction()).toThrow('Invalid transition attempted from state IN_TRANSACTION to state IN_TRANSACTION');
    await p.abortTransaction();
    await p.close();
    const plain = new Producer({ bootstrapServers: broker.bootstrap });
    await expect(plain.initTransactions()).rejects.toThrow(/transactional\.id/);
    await plain.close();
  });

  it.each([
    ['CONCURRENT_TRANSACTIONS', 51],
    ['COORDINATOR_LOAD_IN_PROGRESS', 14],
    ['NOT_COORDINATOR', 16],
  ])('retries %s from the transaction coordinator', async (_name, code) => {
    const p = producer(`txn-retry-${code}`);
    let refused = 0;
    let lookups = 0;
    intercept(p, async (apiKey, _body, send) => {
      const answer = await send();
      if (apiKey === 10) lookups++;
      if ((apiKey === 26 || apiKey === 24) && refused < 4) {
        refused++;
        const response = apiKey === 26 ? { ...answer.response, errorCode: code } : refuseAdd(answer.response, code);
        return { ...answer, response };
      }
      return answer;
    });
    await p.initTransactions();
    p.beginTransaction();
    await p.produce({ topic: 'txn-retry', partition: 0, value: 'x' });
    await p.commitTransaction();
    expect(refused).toBe(4);
    expect(p.transactionManager!.state).toBe('READY');
    // A coordinator that says it is not the coordinator (any more) is looked up again.
    if (code === 16) expect(lookups).toBeGreaterThan(1);
    await p.close();
  });

  it('a failed send makes the transaction abortable; after the abort the next transaction commits', async () => {
    const p = producer('txn-abortable');
    await p.initTransactions();
    p.beginTransaction();
    let inject = true;
    intercept(p, (apiKey, body, send) => {
      if (apiKey === 0 && inject) {
        inject = false;
        return Promise.resolve(produceError(body as Message, 87 /* INVALID_RECORD */));
      }
      return send();
    });
    await expect(p.produce({ topic: 'txn-abortable', partition: 0, value: 'doomed' })).rejects.toMatchObject({ name: 'INVALID_RECORD' });
    expect(p.transactionManager!.state).toBe('ABORTABLE_ERROR');
    await expect(p.commitTransaction()).rejects.toThrow(/^Cannot execute transactional method because we are in an error state/);
    expect(() => p.send({ topic: 'txn-abortable', value: 'x' })).not.toThrow(); // reported through the callback / firstError
    const before = { ...p.transactionManager!.identity };
    await p.abortTransaction();
    // The failed batch left a sequence gap: the abort bumped the epoch (KIP-360) so the next transaction starts clean.
    expect(p.transactionManager!.identity.epoch).toBeGreaterThan(before.epoch);
    p.beginTransaction();
    await p.produce({ topic: 'txn-abortable', partition: 0, value: 'kept' });
    await p.commitTransaction();
    await p.close();
    if (isKt) expect(await readAll('txn-abortable', [0], 'read_committed', 1)).toEqual(['kept']);
  });
});

/** What only a broker that writes markers and fences can show (librdkafka 2.0's mock does neither). */
describe("kt's transactional producer and read_committed consumer against kt", () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await BROKERS[1]![1]();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const producer = (transactionalId: string) => new Producer({ bootstrapServers: broker.bootstrap, transactionalId, lingerMs: 1, retryBackoffMs: 10, maxBlockMs: 20_000 });

  async function readAll(topic: string, partitions: number[], isolationLevel: 'read_committed' | 'read_uncommitted', atLeast: number): Promise<string[]> {
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap, isolationLevel, autoOffsetReset: 'earliest' });
    try {
      await consumer.assign(partitions.map((partition) => ({ topic, partition })));
      const out: ConsumerRecord[] = [];
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        out.push(...(await consumer.poll(200)));
        if (out.length >= atLeast && (await consumer.poll(300)).length === 0) break;
      }
      return out.map((r) => r.value!.toString()).sort();
    } finally {
      consumer.close();
    }
  }

  it('commit, abort, commit: read_committed sees exactly the committed records, read_uncommitted all', async () => {
    const p = producer('txn-visibility');
    await p.initTransactions();
    const round = async (name: string, commit: boolean) => {
      p.beginTransaction();
      await Promise.all(Array.from({ length: 30 }, (_, i) => p.produce({ topic: 'txn-visibility', key: `k${i}`, value: `${name}-${i}` })));
      await (commit ? p.commitTransaction() : p.abortTransaction());
    };
    await round('first', true);
    await round('aborted', false);
    await round('third', true);
    // An open transaction holds read_committed readers back at its first offset.
    p.beginTransaction();
    await p.produce({ topic: 'txn-visibility', key: 'k0', value: 'open-0' });
    const committed = Array.from({ length: 30 }, (_, i) => [`first-${i}`, `third-${i}`]).flat().sort();
    const everything = [...committed, ...Array.from({ length: 30 }, (_, i) => `aborted-${i}`), 'open-0'].sort();
    expect(await readAll('txn-visibility', [0, 1, 2, 3], 'read_committed', 60)).toEqual(committed);
    expect(await readAll('txn-visibility', [0, 1, 2, 3], 'read_uncommitted', 91)).toEqual(everything);
    await p.abortTransaction();
    await p.close();
  });

  it("sendOffsetsToTransaction: the group's offsets become visible only when the transaction commits", async () => {
    const p = producer('txn-offsets');
    await new Producer({ bootstrapServers: broker.bootstrap }).produce({ topic: 'txn-offsets-in', partition: 0, value: 'input' });
    await p.initTransactions();
    const coordinators = new GroupCoordinators(p.cluster);
    const committedOffset = async () => (await fetchCommittedOffsets(coordinators, 'txn-offsets-group', [{ topic: 'txn-offsets-in', partition: 0 }], { requireStable: true })).get('txn-offsets-in\u00000')?.offset;
    p.beginTransaction();
    await p.produce({ topic: 'txn-offsets-out', partition: 0, value: 'transformed' });
    await p.sendOffsetsToTransaction([{ topic: 'txn-offsets-in', partition: 0, offset: 42 }], 'txn-offsets-group');
    await p.abortTransaction();
    expect(await committedOffset()).toBeUndefined();
    p.beginTransaction();
    await p.produce({ topic: 'txn-offsets-out', partition: 0, value: 'transformed-again' });
    await p.sendOffsetsToTransaction([{ topic: 'txn-offsets-in', partition: 0, offset: 43 }], 'txn-offsets-group');
    await p.commitTransaction();
    expect(await committedOffset()).toBe(43);
    await p.close();
  });

  it('a newer producer with the same transactional id fences the older one', async () => {
    const older = producer('txn-fence');
    await older.initTransactions();
    older.beginTransaction();
    await older.produce({ topic: 'txn-fence', partition: 0, value: 'zombie' });
    const newer = producer('txn-fence');
    await newer.initTransactions();
    expect(newer.transactionManager!.identity.producerId).toBe(older.transactionManager!.identity.producerId);
    expect(newer.transactionManager!.identity.epoch).toBeGreaterThan(older.transactionManager!.identity.epoch);
    await expect(older.commitTransaction()).rejects.toMatchObject({ name: expect.stringMatching(/^(PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)$/) });
    expect(older.transactionManager!.state).toBe('FATAL_ERROR');
    await expect(older.abortTransaction()).rejects.toMatchObject({ name: expect.stringMatching(/^(PRODUCER_FENCED|INVALID_PRODUCER_EPOCH)$/) });
    newer.beginTransaction();
    await newer.produce({ topic: 'txn-fence', partition: 0, value: 'live' });
    await newer.commitTransaction();
    await Promise.all([older.close(), newer.close()]);
    expect(await readAll('txn-fence', [0], 'read_committed', 1)).toEqual(['live']);
  });

  it('EndTxn v5 (KIP-890 part 2): every commit and abort moves the producer to the next epoch; sequences restart at 0', async () => {
    const p = producer('txn-epoch-per-txn');
    const versions: number[] = [];
    intercept(p, async (apiKey, _body, send) => {
      const answer = await send();
      if (apiKey === 26) versions.push(answer.version);
      return answer;
    });
    await p.initTransactions();
    const epochs = [p.transactionManager!.identity.epoch];
    for (const commit of [true, false, true]) {
      p.beginTransaction();
      await Promise.all([0, 1].map((i) => p.produce({ topic: 'txn-epoch', partition: 0, value: `e${epochs.length}-${i}` })));
      await (commit ? p.commitTransaction() : p.abortTransaction());
      epochs.push(p.transactionManager!.identity.epoch);
    }
    await p.close();
    expect(versions).toEqual([5, 5, 5]);
    expect(epochs).toEqual([epochs[0], epochs[0]! + 1, epochs[0]! + 2, epochs[0]! + 3]);
    const data = (await wireBatches(broker.bootstrap, 'txn-epoch', 0)).filter((b) => (b.header.attributes & 0x20) === 0);
    // Each transaction's records carry its own epoch and count from sequence 0.
    const firstOfEpoch = new Map<number, number>();
    for (const b of data) if (!firstOfEpoch.has(b.header.producerEpoch)) firstOfEpoch.set(b.header.producerEpoch, b.header.baseSequence);
    expect([...firstOfEpoch]).toEqual([
      [epochs[0], 0],
      [epochs[1], 0],
      [epochs[2], 0],
    ]);
  });

  it('consume-transform-produce: a crashed worker\'s transaction leaves no trace; its successor redoes exactly its input', async () => {
    const seed = new Producer({ bootstrapServers: broker.bootstrap });
    await Promise.all(Array.from({ length: 20 }, (_, i) => seed.produce({ topic: 'ctp-in', partition: 0, value: String(i) })));
    await seed.close();
    const worker = async (crashAfter: number | null) => {
      const consumer = new GroupConsumer({ bootstrapServers: broker.bootstrap, groupId: 'ctp', isolationLevel: 'read_committed', autoOffsetReset: 'earliest', enableAutoCommit: false, heartbeatIntervalMs: 100, sessionTimeoutMs: 6000 });
      consumer.subscribe(['ctp-in']);
      const p = producer('ctp-worker');
      await p.initTransactions();
      let done = 0;
      try {
        const deadline = Date.now() + 15_000;
        while (done < 20 && Date.now() < deadline) {
          const records = await consumer.poll(200);
          if (records.length === 0) continue;
          p.beginTransaction();
          for (const r of records) p.send({ topic: 'ctp-out', partition: 0, value: `doubled-${Number(r.value!.toString()) * 2}` });
          const last = records[records.length - 1]!;
          await p.sendOffsetsToTransaction([{ topic: last.topic, partition: last.partition, offset: last.offset + 1 }], consumer.groupMetadata());
          if (crashAfter !== null && done + records.length >= crashAfter) {
            await p.flush(); // the output is in the log, uncommitted, when the worker dies
            return;
          }
          await p.commitTransaction();
          done += records.length;
        }
      } finally {
        await consumer.close();
        p.cluster.close();
      }
    };
    await worker(1); // dies inside its first transaction
    await worker(null); // the successor fences it (same transactional id) and does all the work
    const out = new Consumer({ bootstrapServers: broker.bootstrap, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
    await out.assign([{ topic: 'ctp-out', partition: 0 }]);
    const values: string[] = [];
    const deadline = Date.now() + 5000;
    while (values.length < 20 && Date.now() < deadline) values.push(...(await out.poll(200)).map((r) => r.value!.toString()));
    values.push(...(await out.poll(300)).map((r) => r.value!.toString()));
    out.close();
    expect(values).toEqual(Array.from({ length: 20 }, (_, i) => `doubled-${i * 2}`));
  });
});
