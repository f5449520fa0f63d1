/**
 * kafkajs against a real kt server: the admin client (create/list/describe/delete topics, add
 * partitions, offsets by latest and by timestamp, delete records) and the producer with acks: -1
 * sending batches over several topics with keys, headers and gzip. kafkajs's consumer only works
 * through a consumer group, so records are read back with kt's own low-level Fetch (independent of
 * kt's group code) and compared exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { murmur2, toPositive } from '../../src/engine/client/partitioner.js';
import { CompressionCodec, compressionOf } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { fetchAll, storedBatchHeaders, text } from '../helpers/topics.js';

describe('kafkajs admin and producer', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    kafka = new Kafka({ clientId: 'kt-kafkajs-test', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await kt?.stop();
  });

  it('createTopics with partitions and configs, listTopics, fetchTopicMetadata, deleteTopics', async () => {
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: 'kjs-admin-a', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }, { name: 'max.message.bytes', value: '65536' }] },
        { topic: 'kjs-admin-b', numPartitions: 1 },
      ],
    });
    expect(created).toBe(true);
    // kafkajs answers false (not an error) when the topics already exist.
    expect(await admin.createTopics({ topics: [{ topic: 'kjs-admin-b' }] })).toBe(false);

    expect((await admin.listTopics()).filter((t) => t.startsWith('kjs-admin')).sort()).toEqual(['kjs-admin-a', 'kjs-admin-b']);
    const md = await admin.fetchTopicMetadata({ topics: ['kjs-admin-a'] });
    expect(md.topics).toHaveLength(1);
    expect(md.topics[0]!.name).toBe('kjs-admin-a');
    expect(md.topics[0]!.partitions.map((p) => ({ ...p })).sort((a, b) => a.partitionId - b.partitionId)).toEqual(
      [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] })),
    );
    // The config entries took effect on the partitions' logs.
    const hosted = kt.server.replicaManager.get('kjs-admin-a', 2)!;
    expect(hosted.config.retentionMs).toBe(3_600_000);
    expect(hosted.config.maxMessageBytes).toBe(65_536);

    await admin.deleteTopics({ topics: ['kjs-admin-a', 'kjs-admin-b'], timeout: 10_000 });
    expect((await admin.listTopics()).filter((t) => t.startsWith('kjs-admin'))).toEqual([]);
    expect(kt.server.replicaManager.get('kjs-admin-a', 0)).toBeUndefined();
  });

  it('producer acks: -1 sends gzip batches to several topics with keys and headers; read back exactly', async () => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'kjs-orders', numPartitions: 4 }, { topic: 'kjs-audit', numPartitions: 2 }] });
    const orders = Array.from({ length: 400 }, (_, i) => ({
      key: `customer-${i % 23}`,
      value: JSON.stringify({ order: i, total: i * 1.5 }),
      headers: { 'content-type': 'application/json', seq: String(i), trace: Buffer.from([0, 1, 2, i & 0xff]) },
    }));
    const audit = Array.from({ length: 100 }, (_, i) => ({ key: `actor-${i % 3}`, value: `audit entry ${i}`, headers: { seq: String(i) } }));

    // Several sendBatch calls, each spanning both topics.
    const acks = [];
    for (let chunk = 0; chunk < 4; chunk++) {
      acks.push(
        ...(await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.GZIP,
          topicMessages: [
            { topic: 'kjs-orders', messages: orders.slice(chunk * 100, chunk * 100 + 100) },
            { topic: 'kjs-audit', messages: audit.slice(chunk * 25, chunk * 25 + 25) },
          ],
        })),
      );
    }
    expect(acks.every((a) => a.errorCode === 0)).toBe(true);

    for (const [topic, messages, partitions] of [
      ['kjs-orders', orders, 4],
      ['kjs-audit', audit, 2],
    ] as const) {
      // kafkajs's default partitioner is Java's: toPositive(murmur2(key)) % partitions; per partition,
      // records keep the order they were sent in.
      const expected = Array.from({ length: partitions }, () => [] as unknown[]);
      for (const m of messages) {
        const p = toPositive(murmur2(Buffer.from(m.key))) % partitions;
        expected[p]!.push([expected[p]!.length, m.key, m.value, Object.entries(m.headers).map(([k, v]) => [k, typeof v === 'string' ? v : v.toString('hex')])]);
      }
      for (let p = 0; p < partitions; p++) {
        const fetched = await fetchAll(conn, topic, p);
        const got = fetched.records.map((r) => [
          r.offset,
          text(r.key),
          text(r.value),
          r.headers.map((h) => [h.key, h.key === 'trace' ? h.value!.toString('hex') : text(h.value)]),
        ]);
        expect(got, `${topic}-${p}`).toEqual(expected[p]);
        expect(fetched.batches.every((b) => compressionOf(b.header.attributes) === CompressionCodec.Gzip)).toBe(true);
        expect(new Set(storedBatchHeaders(kt, topic, p).map((h) => compressionOf(h.attributes)))).toEqual(new Set(expected[p]!.length ? [CompressionCodec.Gzip] : []));
      }
    }

    // producer.send (one topic) with explicit partitions, uncompressed.
    const sent = await producer.send({
      topic: 'kjs-audit',
      acks: -1,
      messages: [
        { partition: 1, key: null, value: 'no key', headers: { a: 'b' } },
        { partition: 1, key: 'k', value: null },
      ],
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topicName: 'kjs-audit', partition: 1, errorCode: 0 });
    const tail = await fetchAll(conn, 'kjs-audit', 1, Number(sent[0]!.baseOffset));
    expect(tail.records.slice(-2).map((r) => [text(r.key), text(r.value), r.headers.map((h) => [h.key, text(h.value)])])).toEqual([
      [null, 'no key', [['a', 'b']]],
      ['k', null, []],
    ]);
  });

  it('createPartitions, fetchTopicOffsets, fetchTopicOffsetsByTimestamp, deleteTopicRecords', async () => {
    const topic = 'kjs-offsets';
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);

    const base = Date.now() - 60_000;
    // Partition 0: ten records one second apart; partition 2 (new): three; partition 1: none.
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, i) => ({ partition: 0, value: `r${i}`, timestamp: String(base + i * 1000) })),
    });
    await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((i) => ({ partition: 2, value: `new ${i}`, timestamp: String(base + i) })) });

    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    expect(offsets).toEqual([
      { partition: 0, offset: '10', high: '10', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
      { partition: 2, offset: '3', high: '3', low: '0' },
    ]);

    // The first offset whose timestamp is >= the one asked for; past every record: the log end.
    const at = async (ts: number) => (await admin.fetchTopicOffsetsByTimestamp(topic, ts)).sort((a, b) => a.partition - b.partition);
    expect(await at(base + 4500)).toEqual([
      { partition: 0, offset: '5' },
      { partition: 1, offset: '0' },
      { partition: 2, offset: '3' },
    ]);
    expect(await at(base - 1)).toEqual([
      { partition: 0, offset: '0' },
      { partition: 1, offset: '0' },
      { partition: 2, offset: '0' },
    ]);

    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '7' }] });
    const after = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === 0);
    expect(after).toEqual({ partition: 0, offset: '10', high: '10', low: '7' });
    expect(kt.server.replicaManager.get(topic, 0)!.log.logStartOffset).toBe(7);
    const remaining = await fetchAll(conn, topic, 0, 7);
    expect(remaining.records.filter((r) => r.offset >= 7).map((r) => text(r.value))).toEqual(['r7', 'r8', 'r9']);
  });
});
