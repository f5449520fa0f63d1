/**
 * kcat (librdkafka) against a real kt server: metadata, produce with keys and headers, consume with
 * format strings, every compression codec (checked both as read back and as stored), and keyed
 * records landing where librdkafka's partitioners put them.
 */
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { murmur2, toPositive } from '../../src/engine/client/partitioner.js';
import { CompressionCodec } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { run, type RunResult } from '../helpers/processes.js';
import { createTopics, expectStoredWith, fetchAll, storedBatchHeaders, text } from '../helpers/topics.js';

const CODECS = [
  ['none', CompressionCodec.None],
  ['gzip', CompressionCodec.Gzip],
  ['snappy', CompressionCodec.Snappy],
  ['lz4', CompressionCodec.Lz4],
  ['zstd', CompressionCodec.Zstd],
] as const;

describe('kcat', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;

  const kcat = async (args: string[], input?: string): Promise<RunResult> => {
    const res = await run('kcat', ['-b', kt.bootstrap, ...args], { input, timeoutMs: 30_000 });
    expect(res.code, `kcat ${args.join(' ')} failed:\n${res.stderr}`).toBe(0);
    return res;
  };
  /** `kcat -C -e -o beginning` with a format string; the output lines, without the trailing empty one. */
  const consume = async (topic: string, format: string): Promise<string[]> => {
    const res = await kcat(['-C', '-e', '-o', 'beginning', '-t', topic, '-f', format]);
    return res.stdout.split('\n').slice(0, -1);
  };
  /** Lines of `p:rest` grouped by partition, in the order they were printed. */
  const byPartition = (lines: string[]): Map<number, string[]> => {
    const out = new Map<number, string[]>();
    for (const line of lines) {
      const i = line.indexOf(':');
      const p = Number(line.slice(0, i));
      if (!out.has(p)) out.set(p, []);
      out.get(p)!.push(line.slice(i + 1));
    }
    return out;
  };

  beforeAll(async () => {
    // Auto creation off: every topic here is created on purpose, so a misrouted name fails loudly.
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    await createTopics(conn, [
      { name: 'listed', partitions: 3 },
      { name: 'keyed-headers', partitions: 3 },
      ...CODECS.map(([name]) => ({ name: `codec-${name}`, partitions: 2 })),
      { name: 'consistent', partitions: 5 },
      { name: 'murmur', partitions: 7 },
    ]);
  });
  afterAll(() => kt.stop());

  it('kcat -L lists the broker, the topics and their partitions', async () => {
    const plain = await kcat(['-L', '-t', 'listed']);
    expect(plain.stdout).toContain(`broker 1 at 127.0.0.1:${kt.port} (controller)`);
    expect(plain.stdout).toContain('topic "listed" with 3 partitions:');
    for (let p = 0; p < 3; p++) expect(plain.stdout).toContain(`partition ${p}, leader 1, replicas: 1, isrs: 1`);

    const json = JSON.parse((await kcat(['-L', '-J'])).stdout);
    const names = json.topics.map((t: { topic: string }) => t.topic).sort();
    expect(names).toEqual(['codec-gzip', 'codec-lz4', 'codec-none', 'codec-snappy', 'codec-zstd', 'consistent', 'keyed-headers', 'listed', 'murmur']);
    const listed = json.topics.find((t: { topic: string }) => t.topic === 'listed');
    expect(listed.partitions).toEqual(
      [0, 1, 2].map((p) => ({ partition: p, leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] })),
    );
  });

  it('produces keys and headers to chosen partitions and consumes them with a format string', async () => {
    const lines = (p: number) => Array.from({ length: 50 }, (_, i) => `key-${p}-${i}:value ${p}/${i}: with colon`);
    for (let p = 0; p < 3; p++) {
      await kcat(['-P', '-t', 'keyed-headers', '-p', String(p), '-K:', '-H', 'source=kcat', '-H', `part=p${p}`], lines(p).join('\n') + '\n');
    }

    const out = await consume('keyed-headers', '%p:%k:%s:%h:%o\n');
    expect(out).toHaveLength(150);
    const grouped = byPartition(out);
    expect([...grouped.keys()].sort()).toEqual([0, 1, 2]);
    for (let p = 0; p < 3; p++) {
      // -K: splits on the first ':' only, so the value keeps its own colon.
      expect(grouped.get(p)).toEqual(Array.from({ length: 50 }, (_, i) => `key-${p}-${i}:value ${p}/${i}: with colon:source=kcat,part=p${p}:${i}`));
    }

    // The same bytes seen by kt's own fetch: exact keys, values and header values.
    const fetched = await fetchAll(conn, 'keyed-headers', 1);
    expect(fetched.highWatermark).toBe(50);
    expect(fetched.records.map((r) => [r.offset, text(r.key), text(r.value), r.headers.map((h) => [h.key, text(h.value)])])).toEqual(
      Array.from({ length: 50 }, (_, i) => [i, `key-1-${i}`, `value 1/${i}: with colon`, [['source', 'kcat'], ['part', 'p1']]]),
    );
  });

  it.each(CODECS)('compression %s: consumed back exactly, in order, and stored with that codec', async (name, codec) => {
    const topic = `codec-${name}`;
    const lines = (p: number) => Array.from({ length: 3000 }, (_, i) => `k${p}-${i % 97}:${name} record ${i} of partition ${p} ${'payload '.repeat(i % 5)}`);
    for (let p = 0; p < 2; p++) {
      await kcat(['-P', '-t', topic, '-p', String(p), '-K:', '-z', name, '-H', `codec=${name}`], lines(p).join('\n') + '\n');
    }

    const grouped = byPartition(await consume(topic, '%p:%o:%k:%s:%h\n'));
    for (let p = 0; p < 2; p++) {
      const expected = lines(p).map((l, i) => `${i}:${l}:codec=${name}`);
      expect(grouped.get(p)).toEqual(expected);
    }

    for (let p = 0; p < 2; p++) {
      const stored = storedBatchHeaders(kt, topic, p);
      expect(stored.reduce((n, h) => n + h.recordsCount, 0)).toBe(3000);
      // librdkafka only uses LZ4 when the broker advertises FindCoordinator (rdkafka_feature.c: its
      // LZ4 feature "depends" on FindCoordinator v0); otherwise it silently sends -z lz4 batches
      // uncompressed, as it did while kt had no consumer groups. This is what catches that.
      expectStoredWith(stored, codec, `kcat -z ${name}, partition ${p}`);
      // Offsets were assigned contiguously, batch after batch.
      let next = 0;
      for (const h of stored) {
        expect(h.baseOffset).toBe(next);
        next = h.baseOffset + h.lastOffsetDelta + 1;
      }
    }
  });

  it("keyed records land on the partition librdkafka's partitioner picks, consistently", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i * 7919}`);
    // Every key three times, interleaved, without -p: librdkafka partitions by key.
    const input = [0, 1, 2].flatMap((round) => keys.map((k) => `${k}:round ${round}`)).join('\n') + '\n';

    // Default partitioner (consistent_random): CRC-32 of the key modulo the partition count.
    await kcat(['-P', '-t', 'consistent', '-K:'], input);
    // Java-compatible murmur2_random: toPositive(murmur2(key)) modulo the partition count.
    await kcat(['-P', '-t', 'murmur', '-K:', '-X', 'partitioner=murmur2_random'], input);

    for (const [topic, count, pick] of [
      ['consistent', 5, (k: string) => crc32(Buffer.from(k)) % 5],
      ['murmur', 7, (k: string) => toPositive(murmur2(Buffer.from(k))) % 7],
    ] as const) {
      const seen = new Map<string, { partitions: Set<number>; values: string[] }>();
      const partitions = new Set<number>();
      for (const line of await consume(topic, '%p:%k:%s\n')) {
        const [p, k, v] = line.split(':');
        partitions.add(Number(p));
        if (!seen.has(k!)) seen.set(k!, { partitions: new Set(), values: [] });
        seen.get(k!)!.partitions.add(Number(p));
        seen.get(k!)!.values.push(v!);
      }
      expect(seen.size).toBe(keys.length);
      for (const k of keys) {
        expect(seen.get(k)!.partitions, `${topic}: key ${k}`).toEqual(new Set([pick(k)]));
        // Same key, same partition: its records keep their order.
        expect(seen.get(k)!.values).toEqual(['round 0', 'round 1', 'round 2']);
      }
      // 40 keys really spread over the partitions (not all on one).
      expect(partitions.size).toBeGreaterThan(count / 2);
    }
  });
});
