/**
 * kafka-python (Debian's python3-kafka) against a real kt server: KafkaProducer with acks='all'
 * writes keyed records with headers, uncompressed and gzip; KafkaConsumer reads them back with
 * assign() + seek_to_beginning() (no group); KafkaAdminClient creates, lists and deletes topics and
 * raises TopicAlreadyExistsError for a duplicate.
 *
 * Codecs: Debian's kafka-python has gzip only here (kafka.codec.has_snappy/has_lz4/has_zstd are
 * False: python3-snappy, python3-lz4 and zstandard are not installed), so the other codecs are
 * covered by kcat.test.ts and confluent-kafka.test.ts. The first test pins down which codecs this
 * kafka-python has, so a change of environment shows up rather than silently changing coverage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { CompressionCodec } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { PYTHON, run } from '../helpers/processes.js';
import { createTopics, expectStoredWith, fetchAll, storedBatchHeaders, text } from '../helpers/topics.js';

const PRODUCE_AND_CONSUME = String.raw`
import json, sys, time
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, compression, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
kwargs = {} if compression == 'none' else {'compression_type': compression}
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5, **kwargs)
futures = [producer.send(topic, key=('key-%d' % (i % 17)).encode(), value=('%s value %d' % (compression, i)).encode(),
                         headers=[('seq', str(i).encode()), ('empty', b'')]) for i in range(n)]
producer.flush(30)
sent = [f.get(timeout=10) for f in futures]
producer.close(10)
partitions = sorted({m.partition for m in sent})

consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
tps = [TopicPartition(topic, p) for p in partitions]
consumer.assign(tps)
consumer.seek_to_beginning()
end = consumer.end_offsets(tps)
got = {p: [] for p in partitions}
deadline = time.time() + 30
while any(consumer.position(tp) < end[tp] for tp in tps) and time.time() < deadline:
    for tp, msgs in consumer.poll(timeout_ms=1000, max_records=5000).items():
        for m in msgs:
            got[tp.partition].append([m.offset, m.key.decode(), m.value.decode(), [[k, v.decode()] for k, v in m.headers]])
consumer.close()
print(json.dumps({
    'sent': [[m.partition, m.offset] for m in sent],
    'end': {str(tp.partition): end[tp] for tp in tps},
    'got': {str(p): v for p, v in got.items()},
}))
`;

describe('kafka-python producer, consumer and admin', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    await createTopics(conn, [
      { name: 'kp-none', partitions: 3 },
      { name: 'kp-gzip', partitions: 3 },
    ]);
  });
  afterAll(() => kt.stop());

  it('has the codecs this file assumes (gzip only)', async () => {
    const res = await run(PYTHON, ['-c', 'import json; from kafka import codec as c; print(json.dumps([c.has_gzip(), c.has_snappy(), c.has_lz4(), c.has_zstd()]))']);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([true, false, false, false]);
  });

  it.each([
    ['none', CompressionCodec.None],
    ['gzip', CompressionCodec.Gzip],
  ] as const)("compression %s: acks='all' keyed records read back with assign + seek_to_beginning", async (name, codec) => {
    const topic = `kp-${name}`;
    const n = 3000;
    const res = await run(PYTHON, ['-c', PRODUCE_AND_CONSUME, kt.bootstrap, topic, name, String(n)], { timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
      sent: [number, number][];
      end: Record<string, number>;
      got: Record<string, [number, string, string, [string, string][]][]>;
    };

    // Expected per partition, from the producer's own acknowledgements: record i at (partition, offset).
    const expected: Record<string, [number, string, string, [string, string][]][]> = {};
    out.sent.forEach(([p, offset], i) => {
      (expected[p] ??= []).push([offset, `key-${i % 17}`, `${name} value ${i}`, [['seq', String(i)], ['empty', '']]]);
    });
    for (const list of Object.values(expected)) list.sort((a, b) => a[0] - b[0]);
    // The same key always went to the same partition (kafka-python's murmur2 partitioner).
    const partitionOfKey = new Map<string, number>();
    out.sent.forEach(([p], i) => {
      const k = `key-${i % 17}`;
      expect(partitionOfKey.get(k) ?? p, k).toBe(p);
      partitionOfKey.set(k, p);
    });
    expect(Object.keys(expected).length).toBeGreaterThan(1);

    expect(out.got).toEqual(expected);
    for (const [p, list] of Object.entries(expected)) {
      expect(list.map((r) => r[0])).toEqual(list.map((_, i) => i)); // offsets 0..n-1, no gaps
      expect(out.end[p]).toBe(list.length);
    }

    // kt stored them with the producer's codec, and kt's own fetch sees the same bytes.
    for (const p of Object.keys(expected).map(Number)) {
      const stored = storedBatchHeaders(kt, topic, p);
      expectStoredWith(stored, codec, `kafka-python compression ${name}, partition ${p}`);
      const fetched = await fetchAll(conn, topic, p);
      expect(fetched.records.map((r) => [r.offset, text(r.key), text(r.value), r.headers.map((h) => [h.key, text(h.value)])])).toEqual(expected[p]);
    }
  });

  it('KafkaAdminClient creates, lists and deletes topics; a duplicate raises TopicAlreadyExistsError', async () => {
    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError
admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], request_timeout_ms=10000)
out = {}
admin.create_topics([NewTopic('kp-admin', num_partitions=2, replication_factor=1, topic_configs={'retention.ms': '60000'})])
out['listed'] = 'kp-admin' in admin.list_topics()
out['partitions'] = sorted(p['partition'] for p in admin.describe_topics(['kp-admin'])[0]['partitions'])
try:
    admin.create_topics([NewTopic('kp-admin', num_partitions=1, replication_factor=1)])
    out['again'] = 'created twice'
except TopicAlreadyExistsError as e:
    out['again'] = type(e).__name__
admin.delete_topics(['kp-admin'])
out['after'] = 'kp-admin' in admin.list_topics()
admin.close()
print(json.dumps(out))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toEqual({
      listed: true,
      partitions: [0, 1],
      again: 'TopicAlreadyExistsError',
      after: false,
    });
  });
});
