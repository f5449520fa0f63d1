/**
 * kafkajs's idempotent producer against a kt process: InitProducerId hands it a producer id, and
 * its records are stored once each, in order, at the offsets acknowledged, in batches whose
 * sequence numbers run on without a gap per partition. A second producer gets another id. Read back
 * with kt's own Fetch (topics.ts fetchAll), not with kafkajs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { murmur2, toPositive } from '../../src/engine/client/partitioner.js';
import { spawnKtWithTopics, type KtWithTopics } from '../helpers/kt-client-process.js';
import { fetchAll, text } from '../helpers/topics.js';

const TOPIC = 'kjs-idempotent';
const PARTITIONS = 4;
const SENDS = 50;
const PER_SEND = 100;

describe('kafkajs idempotent producer', () => {
  let env: KtWithTopics;
  let kafka: Kafka;
  const producers: Producer[] = [];

  beforeAll(async () => {
    env = await spawnKtWithTopics([{ name: TOPIC, partitions: PARTITIONS }]);
    kafka = new Kafka({ clientId: 'kt-kafkajs-idempotent', brokers: [env.kt.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await env?.stop();
  });

  async function idempotentProducer(): Promise<Producer> {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    producers.push(p);
    await p.connect();
    return p;
  }

  it(`${SENDS * PER_SEND} keyed records: each stored once, in order, at its acknowledged offset, with gapless sequences`, async () => {
    const producer = await idempotentProducer();
    // Where each send's records went: partition -> [baseOffset, first i] per acknowledgement.
    const acked: { partition: number; baseOffset: number }[] = [];
    for (let s = 0; s < SENDS; s++) {
      const messages = Array.from({ length: PER_SEND }, (_, j) => {
        const i = s * PER_SEND + j;
        return { key: `key-${i % 37}`, value: `v-${i}` };
      });
      const res = await producer.send({ topic: TOPIC, acks: -1, messages });
      for (const r of res) {
        expect(r.errorCode).toBe(0);
        acked.push({ partition: r.partition, baseOffset: Number(r.baseOffset) });
      }
    }

    // What each partition must hold, in order (kafkajs partitions keys like Java: murmur2).
    const expected = Array.from({ length: PARTITIONS }, () => [] as string[]);
    for (let i = 0; i < SENDS * PER_SEND; i++) expected[toPositive(murmur2(Buffer.from(`key-${i % 37}`))) % PARTITIONS]!.push(`v-${i}`);

    const producerIds = new Set<number>();
    for (let p = 0; p < PARTITIONS; p++) {
      const { batches, records } = await fetchAll(env.conn, TOPIC, p);
      expect(records.map((r) => text(r.value)), `partition ${p}`).toEqual(expected[p]);
      // Sequences: the first batch starts at 0, each next one where the last ended; one epoch.
      let nextSequence = 0;
      for (const b of batches) {
        producerIds.add(b.header.producerId);
        expect(b.header.producerEpoch).toBe(batches[0]!.header.producerEpoch);
        expect(b.header.baseSequence, `partition ${p} batch at ${b.header.baseOffset}`).toBe(nextSequence);
        nextSequence += b.header.lastOffsetDelta + 1;
      }
      // Every acknowledgement's base offset is where a batch of this partition starts.
      const starts = new Set(batches.map((b) => b.header.baseOffset));
      for (const a of acked.filter((x) => x.partition === p)) expect(starts.has(a.baseOffset), `ack at ${p}@${a.baseOffset}`).toBe(true);
    }
    expect(producerIds.size).toBe(1);
    expect([...producerIds][0]).toBeGreaterThanOrEqual(0);
  });

  it('a second idempotent producer gets a producer id of its own', async () => {
    const second = await idempotentProducer();
    const [ack] = await second.send({ topic: TOPIC, acks: -1, messages: [{ partition: 0, key: 'second', value: 'from the second producer' }] });
    const { batches } = await fetchAll(env.conn, TOPIC, 0, Number(ack!.baseOffset));
    const mine = batches.find((b) => b.header.baseOffset === Number(ack!.baseOffset))!;
    const { batches: earlier } = await fetchAll(env.conn, TOPIC, 0);
    expect(mine.header.producerId).toBeGreaterThanOrEqual(0);
    expect(mine.header.producerId).not.toBe(earlier[0]!.header.producerId);
    expect(mine.header.baseSequence).toBe(0);
  });
});
