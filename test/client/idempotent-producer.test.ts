/**
 * kt's producer is idempotent by default (as Java's since Kafka 3.0), against librdkafka's mock
 * cluster and against kt: every batch carries the producer id, epoch and contiguous sequences; a
 * batch whose response was lost is resent with the same sequence, and kt (which, unlike librdkafka
 * 2.0's mock, checks sequences) writes it once; UNKNOWN_PRODUCER_ID / OUT_OF_ORDER_SEQUENCE_NUMBER
 * bump the epoch (locally, as Java's idempotent producer does under KIP-360) and restart the
 * partition's sequences at 0; INVALID_PRODUCER_EPOCH and PRODUCER_FENCED stop the producer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type KafkaError } from '../../src/engine/client/errors.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';
import { Producer, type ProducerOptions } from '../../src/engine/client/producer.js';
import { idempotenceEnabled, PRODUCER_DEFAULTS, producerConfigFrom } from '../../src/engine/client/producer-config.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { startKt } from '../helpers/kt.js';
import { startMockBroker } from '../helpers/mock-broker.js';
import { intercept, loseResponse, produceError, wireBatches } from './wire.js';

const PARTITIONS = 4; // the mock's auto-created topics

describe('idempotence settings, as Java resolves them', () => {
  const resolve = (entries: Record<string, string>) => idempotenceEnabled(producerConfigFrom(new Map(Object.entries(entries))).config);

  it('is on by default, off when asked', () => {
    expect(resolve({})).toBe(true);
    expect(resolve({ 'enable.idempotence': 'false' })).toBe(false);
    expect(() => resolve({ 'enable.idempotence': 'maybe' })).toThrow('Invalid value maybe for configuration enable.idempotence: Expected value to be either true or false');
  });

  it('conflicting acks, retries or max.in.flight turn a defaulted idempotence off silently', () => {
    expect(resolve({ acks: '1' })).toBe(false);
    expect(resolve({ retries: '0' })).toBe(false);
    expect(resolve({ 'max.in.flight.requests.per.connection': '6' })).toBe(false);
    expect(resolve({ acks: 'all', retries: '3', 'max.in.flight.requests.per.connection': '5' })).toBe(true);
  });

  it('with idempotence explicitly on, the same conflicts are config errors', () => {
    expect(() => resolve({ 'enable.idempotence': 'true', acks: '1' })).toThrow('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
    expect(() => resolve({ 'enable.idempotence': 'true', retries: '0' })).toThrow('Must set retries to non-zero when using the idempotent producer.');
    expect(() => resolve({ 'enable.idempotence': 'true', 'max.in.flight.requests.per.connection': '6' })).toThrow(ConfigError);
  });

  it('a transactional.id needs idempotence', () => {
    expect(resolve({ 'transactional.id': 'tx' })).toBe(true);
    expect(() => resolve({ 'transactional.id': 'tx', acks: '1' })).toThrow('Cannot set a transactional.id without also enabling idempotence.');
    expect(() => resolve({ 'transactional.id': 'tx', 'enable.idempotence': 'false' })).toThrow('Cannot set a transactional.id without also enabling idempotence.');
    expect(() => new Producer({ transactionalId: 'tx', acks: 1 })).toThrow(ConfigError);
    expect(PRODUCER_DEFAULTS.enableIdempotence).toBeUndefined();
  });
});

interface Broker {
  bootstrap: string;
  stop(): Promise<void>;
}

const BROKERS: [string, () => Promise<Broker>][] = [
  ["librdkafka's mock cluster", () => startMockBroker()],
  ['kt', () => startKt({ 'num.partitions': String(PARTITIONS) })],
];

describe.each(BROKERS)("kt's idempotent producer against %s", (brokerName, start) => {
  let mock: Broker;
  beforeAll(async () => {
    mock = await start();
  });
  afterAll(async () => {
    await mock?.stop();
  });

  const producer = (options: ProducerOptions = {}) => new Producer({ bootstrapServers: mock.bootstrap, lingerMs: 1, batchSize: 512, retryBackoffMs: 10, ...options });

  /** Send `n` keyed records; resolves with the producer once all are acknowledged. */
  async function sendKeyed(p: Producer, topic: string, n: number, from = 0): Promise<void> {
    await Promise.all(Array.from({ length: n }, (_, i) => p.produce({ topic, key: `k${(from + i) % 40}`, value: `v${from + i}` })));
  }

  /** Each partition holds exactly the records sent to it, once each, in the order sent. */
  async function expectExactlyOnce(topic: string, n: number): Promise<void> {
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const batches = await wireBatches(mock.bootstrap, topic, partition);
      const values = batches.flatMap((b) => b.records.map((r) => r.value!.toString()));
      const expected = Array.from({ length: n }, (_, i) => i)
        .filter((i) => partitionForKey(Buffer.from(`k${i % 40}`), PARTITIONS) === partition)
        .map((i) => `v${i}`);
      expect(values).toEqual(expected);
    }
  }

  it('stamps every batch with the producer id, epoch and contiguous sequence numbers', async () => {
    const p = producer();
    await sendKeyed(p, 'idem-stamped', 2000);
    const { producerId, epoch } = p.transactionManager!.identity;
    expect(p.idempotent).toBe(true);
    expect(producerId).toBeGreaterThanOrEqual(0);
    await p.close();
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const batches = await wireBatches(mock.bootstrap, 'idem-stamped', partition);
      expect(batches.length).toBeGreaterThan(1);
      let sequence = 0;
      for (const b of batches) {
        expect(b.header).toMatchObject({ producerId, producerEpoch: epoch, baseSequence: sequence });
        expect(b.header.attributes & 0x10).toBe(0); // not transactional
        sequence += b.records.length;
      }
    }
    await expectExactlyOnce('idem-stamped', 2000);
  });

  it('enable.idempotence=false sends batches without a producer id', async () => {
    const p = producer({ enableIdempotence: false });
    await sendKeyed(p, 'idem-off', 50);
    expect(p.transactionManager).toBeNull();
    await p.close();
    const batches = await wireBatches(mock.bootstrap, 'idem-off', 0);
    for (const b of batches) expect(b.header).toMatchObject({ producerId: -1, baseSequence: -1 });
  });

  it('a batch whose response was lost is resent as it was: same producer id, epoch and sequence', async () => {
    const p = producer();
    let produces = 0;
    intercept(p, (apiKey, _body, send) => (apiKey === 0 && ++produces % 3 === 1 ? loseResponse(send) : send()));
    await sendKeyed(p, 'idem-lost', 1500);
    await p.close();
    expect(produces).toBeGreaterThan(10);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const bySequence = new Map<number, string>();
      for (const b of await wireBatches(mock.bootstrap, 'idem-lost', partition)) {
        const content = JSON.stringify([b.header.producerId, b.header.producerEpoch, b.records.map((r) => r.value!.toString())]);
        expect(bySequence.get(b.header.baseSequence) ?? content).toBe(content);
        bySequence.set(b.header.baseSequence, content);
      }
    }
    // librdkafka 2.0's mock cluster writes a resent batch again; a broker that checks sequences does not.
    if (brokerName === 'kt') await expectExactlyOnce('idem-lost', 1500);
  });

  it('never has more than five batches of a partition in flight', async () => {
    const p = producer({ batchSize: 64 });
    const inFlight = new Map<string, number>();
    let most = 0;
    intercept(p, async (apiKey, body, send) => {
      if (apiKey !== 0) return send();
      const keys = (body as Message).topicData.flatMap((t: Message) => t.partitionData.map((d: Message) => `${t.name}-${d.index}`));
      for (const k of keys) {
        inFlight.set(k, (inFlight.get(k) ?? 0) + 1);
        most = Math.max(most, inFlight.get(k)!);
      }
      try {
        await new Promise((r) => setTimeout(r, 20));
        return await send();
      } finally {
        for (const k of keys) inFlight.set(k, inFlight.get(k)! - 1);
      }
    });
    await Promise.all(Array.from({ length: 400 }, (_, i) => p.produce({ topic: 'idem-window', partition: 0, value: `v${i}` })));
    await p.close();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(5);
    const values = (await wireBatches(mock.bootstrap, 'idem-window', 0)).flatMap((b) => b.records.map((r) => r.value!.toString()));
    expect(values).toEqual(Array.from({ length: 400 }, (_, i) => `v${i}`));
  });

  it.each([
    ['UNKNOWN_PRODUCER_ID', 59],
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45],
  ])('%s bumps the epoch and restarts the partition at sequence 0; the record is written once', async (name, code) => {
    const topic = `idem-bump-${code}`;
    const p = producer();
    await p.produce({ topic, partition: 1, value: 'before' });
    const first = { ...p.transactionManager!.identity };
    const inits: Message[] = [];
    let injected = false;
    intercept(p, async (apiKey, body, send) => {
      if (apiKey === 22) {
        const answer = await send();
        inits.push(typeof body === 'function' ? body(answer.version) : body);
        return answer;
      }
      // The broker lost the producer's state (or saw a gap) for the next batch: it was not written.
      if (apiKey === 0 && !injected) {
        injected = true;
        return produceError(body as Message, code);
      }
      return send();
    });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => p.produce({ topic, partition: 1, value: `v${i}` })));
    await p.close();
    expect(injected).toBe(true);
    // Java's idempotent producer bumps its epoch itself: no coordinator owns a producer id without a transactional id.
    expect(inits).toEqual([]);
    const bumped = p.transactionManager!.identity;
    expect(bumped).toEqual({ producerId: first.producerId, epoch: first.epoch + 1 });
    expect(results.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const batches = await wireBatches(mock.bootstrap, topic, 1);
    expect(batches.flatMap((b) => b.records.map((r) => r.value!.toString()))).toEqual(['before', ...Array.from({ length: 20 }, (_, i) => `v${i}`)]);
    expect(batches[0]!.header).toMatchObject({ producerId: first.producerId, baseSequence: 0 });
    expect(batches[1]!.header).toMatchObject({ producerId: bumped.producerId, producerEpoch: bumped.epoch, baseSequence: 0 });
    expect(name).toBeTruthy();
  });

  it.each([
    ['INVALID_PRODUCER_EPOCH', 47],
    ['PRODUCER_FENCED', 90],
  ])('%s is fatal: the record fails and so does every later send', async (name, code) => {
    const p = producer();
    await p.produce({ topic: 'idem-fenced', value: 'ok' });
    intercept(p, (apiKey, body, send) => (apiKey === 0 ? Promise.resolve(produceError(body as Message, code)) : send()));
    await expect(p.produce({ topic: 'idem-fenced', value: 'fenced' })).rejects.toMatchObject({ name } satisfies Partial<KafkaError>);
    await expect(p.produce({ topic: 'idem-fenced', value: 'after' })).rejects.toThrow(
      /^Cannot perform send because at least one previous transactional or idempotent request has failed with errors: /,
    );
    expect(p.transactionManager!.state).toBe('FATAL_ERROR');
    await p.close();
  });
});
