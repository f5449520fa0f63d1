/**
 * kt's own client against a real kt server: the producer with every acks setting and codec, Java's
 * partitioning, the consumer's seeks and resets, the admin client's topics and configs, and
 * interop with kcat (librdkafka) in both directions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, AlterConfigOp, ResourceType } from '../../src/engine/client/admin.js';
import { Consumer, type ConsumerRecord } from '../../src/engine/client/consumer.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';
import { Producer } from '../../src/engine/client/producer.js';
import { compressionOf } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { run } from '../helpers/processes.js';
import { storedBatchHeaders } from '../helpers/topics.js';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

describe("kt's client against kt", () => {
  let server: RunningKt;
  let admin: Admin;

  /** Everything in the topic's partitions up to their current end, by assignment. */
  async function readAll(topic: string, expected: number, configure: Partial<ConstructorParameters<typeof Consumer>[0]> = {}): Promise<ConsumerRecord[]> {
    const consumer = new Consumer({ bootstrapServers: server.bootstrap, ...configure });
    try {
      const tps = await consumer.partitionsFor(topic);
      await consumer.assign(tps);
      await consumer.seekToBeginning();
      const out: ConsumerRecord[] = [];
      const deadline = Date.now() + 15_000;
      while (out.length < expected && Date.now() < deadline) out.push(...(await consumer.poll(500)));
      return out;
    } finally {
      consumer.close();
    }
  }

  beforeAll(async () => {
    server = await startKt({ 'auto.create.topics.enable': 'false' });
    admin = new Admin({ bootstrap: server.bootstrap });
    const created = await admin.createTopics([
      ...CODECS.map((c) => ({ name: `codec-${c}`, numPartitions: 2, replicationFactor: 1 })),
      { name: 'keyed', numPartitions: 5, replicationFactor: 1 },
      { name: 'seeks', numPartitions: 1, replicationFactor: 1 },
      { name: 'from-kcat', numPartitions: 2, replicationFactor: 1 },
      { name: 'configs', numPartitions: 1, replicationFactor: 1, configs: [['retention.ms', '3600000']] },
    ]);
    expect(created.filter((r) => r.error)).toEqual([]);
  });
  afterAll(async () => {
    admin.close();
    await server.stop();
  });

  it.each(CODECS.map((codec, i) => [codec, ([-1, 1, 0, -1, 1] as const)[i]!] as const))(
    'produces with %s (acks=%i) and reads back exactly, in order per partition',
    async (codec, acks) => {
      const topic = `codec-${codec}`;
      const producer = new Producer({ bootstrapServers: server.bootstrap, acks, compression: ({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const)[codec], lingerMs: 2, batchSize: 4096 });
      const n = 3000;
      const acked: number[] = [];
      for (let i = 0; i < n; i++) {
        producer.send({ topic, key: i % 7 === 0 ? null : `k${i % 50}`, value: `value-${i}`, headers: i % 3 === 0 ? [{ key: 'i', value: String(i) }] : [] }, (err, md) => {
          expect(err).toBeNull();
          acked.push(md!.offset);
        });
      }
      await producer.close();
      expect(acked).toHaveLength(n);
      if (acks === 0) expect(new Set(acked)).toEqual(new Set([-1]));

      const records = await readAll(topic, n);
      expect(records).toHaveLength(n);
      for (const p of [0, 1]) {
        const values = records.filter((r) => r.partition === p).map((r) => Number(r.value!.toString().slice(6)));
        expect(values, `partition ${p} in send order`).toEqual([...values].sort((a, b) => a - b));
        expect(records.filter((r) => r.partition === p).map((r) => r.offset)).toEqual(values.map((_, i) => i));
      }
      const withHeader = records.find((r) => r.value!.toString() === 'value-3')!;
      expect(withHeader.headers.map((h) => [h.key, h.value?.toString()])).toEqual([['i', '3']]);
      expect(withHeader.key?.toString()).toBe('k3');
      const stored = [...storedBatchHeaders(server, topic, 0), ...storedBatchHeaders(server, topic, 1)];
      expect(new Set(stored.map((h) => compressionOf(h.attributes)))).toEqual(new Set([CODECS.indexOf(codec)]));
    },
  );

  it('puts keyed records where Java would and spreads unkeyed ones', async () => {
    const producer = new Producer({ bootstrapServers: server.bootstrap, batchSize: 200 });
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const placed = await Promise.all(keys.map((key) => producer.produce({ topic: 'keyed', key, value: 'v' })));
    expect(placed.map((m) => m.partition)).toEqual(keys.map((k) => partitionForKey(Buffer.from(k), 5)));
    const unkeyed = await Promise.all(Array.from({ length: 200 }, () => producer.produce({ topic: 'keyed', value: 'x'.repeat(50) })));
    expect(new Set(unkeyed.map((m) => m.partition)).size).toBeGreaterThan(1);
    await producer.close();
  });

  it('seeks to offsets, timestamps, the end, and resets past deleted records', async () => {
    const producer = new Producer({ bootstrapServers: server.bootstrap, lingerMs: 0 });
    for (let i = 0; i < 10; i++) await producer.produce({ topic: 'seeks', value: `r${i}`, timestamp: 1_000_000 + i * 1000 });
    await producer.close();
    const tp = { topic: 'seeks', partition: 0 };
    const consumer = new Consumer({ bootstrapServers: server.bootstrap, autoOffsetReset: 'earliest' });
    try {
      await consumer.assign([tp]);
      const next = async () => (await consumer.poll(2000)).map((r) => r.value!.toString());
      consumer.seek(tp, 7);
      expect(await next()).toEqual(['r7', 'r8', 'r9']);
      await consumer.seekToTimestamp(1_000_000 + 4500, [tp]);
      expect(consumer.position(tp)).toBe(5);
      await consumer.seekToEnd([tp]);
      expect(consumer.position(tp)).toBe(10);
      await consumer.seekToTimestamp(9_999_999_999, [tp]);
      expect(consumer.position(tp)).toBe(10);

      await admin.deleteRecords([{ ...tp, offset: 4 }]);
      consumer.seek(tp, 1);
      expect(await next()).toEqual(['r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    } finally {
      consumer.close();
    }
  });

  it('reads records kcat produced with keys, headers and compression', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => `key${i % 13}:payload-${i}`).join('\n');
    const produced = await run('kcat', ['-b', server.bootstrap, '-P', '-t', 'from-kcat', '-K:', '-z', 'gzip', '-H', 'source=kcat'], { input: lines });
    expect(produced.code, produced.stderr).toBe(0);
    const records = await readAll('from-kcat', 500, { maxPartitionFetchBytes: 2048 });
    expect(records.map((r) => `${r.key}:${r.value}`).sort()).toEqual(lines.split('\n').sort());
    expect(records.every((r) => r.headers.length === 1 && r.headers[0]!.key === 'source' && r.headers[0]!.value?.toString() === 'kcat')).toBe(true);
    const viaKcat = await run('kcat', ['-b', server.bootstrap, '-C', '-e', '-t', 'keyed', '-f', '%k\n']);
    expect(viaKcat.stdout.split('\n').filter((l) => l.startsWith('user-')).length).toBe(40);
  });

  it('manages topics and configs', async () => {
    const [dry] = await admin.createTopics([{ name: 'dry-run', numPartitions: 2 }], { validateOnly: true });
    expect(dry!.error).toBeNull();
    expect((await admin.listTopics()).map((t) => t.name)).not.toContain('dry-run');

    const configs = await admin.describeTopicConfigs(['configs']);
    const retention = configs.get('configs')!.find((c) => c.name === 'retention.ms')!;
    expect(retention).toMatchObject({ value: '3600000', isDefault: false });
    await admin.incrementalAlterConfigs([{ resource: { type: ResourceType.TOPIC, name: 'configs' }, changes: [{ name: 'cleanup.policy', op: AlterConfigOp.SET, value: 'compact' }] }]);
    const after = (await admin.describeTopicConfigs(['configs'])).get('configs')!;
    expect(after.find((c) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false });

    const [grown] = await admin.createPartitions(new Map([['configs', 3]]));
    expect(grown!.error).toBeNull();
    const [described] = await admin.describeTopics(['configs']);
    expect(described!.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    await expect(admin.describeTopics(['no-such-topic'])).rejects.toThrow(/no-such-topic/);

    const [deleted] = await admin.deleteTopics(['configs']);
    expect(deleted!.error).toBeNull();
    const [again] = await admin.deleteTopics(['configs']);
    expect(again!.error?.code).toBe(3);
  });
});
