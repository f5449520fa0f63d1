/**
 * confluent-kafka (python, on librdkafka) against a real kt server: a Producer writes 100,000 keyed
 * records with headers per codec, every delivery report must succeed, and a Consumer reads them back
 * by assignment. Python digests what it consumed per partition; this file computes the expected
 * digests independently (librdkafka's default partitioner is CRC-32 of the key modulo the partition
 * count), so content and order per partition are checked without printing 100k lines. Then the
 * AdminClient creates, lists and deletes topics.
 *
 * Consuming by assignment needs no coordinator: confluent-kafka insists on a group.id, but with
 * enable.auto.commit=false and assign() it never joins or commits. librdkafka looks for the group's
 * coordinator in the background and fetches regardless; against a kt without FindCoordinator it
 * logged "no broker available for coordinator query" and still consumed everything.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { CompressionCodec } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { PYTHON, run } from '../helpers/processes.js';
import { createTopics, expectStoredWith, storedBatchHeaders } from '../helpers/topics.js';

const PARTITIONS = 4;
const CODECS = [
  ['none', CompressionCodec.None, 100_000],
  ['gzip', CompressionCodec.Gzip, 20_000],
  ['snappy', CompressionCodec.Snappy, 20_000],
  ['lz4', CompressionCodec.Lz4, 100_000],
  ['zstd', CompressionCodec.Zstd, 20_000],
] as const;

/** The i-th record's key, value and headers; the same generator is written in python below. */
const record = (codec: string, i: number) => ({
  key: `key-${i % 5003}`,
  value: `${codec}-${i}-${'x'.repeat(i % 50)}`,
  headers: `seq=${i},codec=${codec}`,
});

/** Per partition: record count and sha256 over `offset\tkey\tvalue\theaders\n` lines in offset order. */
function expectedDigests(codec: string, n: number): Record<string, { count: number; sha256: string }> {
  const hashes = Array.from({ length: PARTITIONS }, () => createHash('sha256'));
  const counts = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; i < n; i++) {
    const r = record(codec, i);
    const p = crc32(Buffer.from(r.key)) % PARTITIONS;
    hashes[p]!.update(`${counts[p]}\t${r.key}\t${r.value}\t${r.headers}\n`);
    counts[p]!++;
  }
  return Object.fromEntries(hashes.map((h, p) => [String(p), { count: counts[p]!, sha256: h.digest('hex') }]));
}

const PRODUCE_AND_CONSUME = String.raw`
import hashlib, json, sys, time
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition, OFFSET_BEGINNING

bootstrap, topic, codec, n, partitions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

def record(i):
    return ('key-%d' % (i % 5003), '%s-%d-%s' % (codec, i, 'x' * (i % 50)), [('seq', str(i)), ('codec', codec)])

delivered = {'ok': 0, 'failed': 0, 'errors': [], 'offsets': {}}
def on_delivery(err, msg):
    if err is not None:
        delivered['failed'] += 1
        if len(delivered['errors']) < 5: delivered['errors'].append(str(err))
        return
    delivered['ok'] += 1
    delivered['offsets'].setdefault(msg.partition(), []).append(msg.offset())

producer = Producer({'bootstrap.servers': bootstrap, 'compression.type': codec, 'linger.ms': 5, 'acks': 'all'})
t0 = time.time()
for i in range(n):
    key, value, headers = record(i)
    while True:
        try:
            producer.produce(topic, key=key, value=value, headers=headers, on_delivery=on_delivery)
            break
        except BufferError:
            producer.poll(0.01)
    if i % 5000 == 0:
        producer.poll(0)
remaining = producer.flush(30)
produce_s = time.time() - t0

# Delivery reports arrive in produce order per partition: their offsets must be 0, 1, 2, ...
contiguous = all(offs == list(range(len(offs))) for offs in delivered['offsets'].values())

consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'kt-unused-group', 'enable.auto.commit': False,
                     'enable.partition.eof': True})
consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
hashes = {p: hashlib.sha256() for p in range(partitions)}
counts = {p: 0 for p in range(partitions)}
next_offset = {p: 0 for p in range(partitions)}
gaps, errors, eof = [], [], set()
t1 = time.time()
deadline = t1 + 40
while len(eof) < partitions and time.time() < deadline and not errors:
    for m in consumer.consume(num_messages=10000, timeout=1.0):
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                if counts[m.partition()] == len(delivered['offsets'].get(m.partition(), [])):
                    eof.add(m.partition())
            else:
                errors.append(str(m.error()))
            continue
        p = m.partition()
        if m.offset() != next_offset[p] and len(gaps) < 5:
            gaps.append([p, next_offset[p], m.offset()])
        next_offset[p] = m.offset() + 1
        headers = ','.join('%s=%s' % (k, v.decode()) for k, v in (m.headers() or []))
        hashes[p].update(('%d\t%s\t%s\t%s\n' % (m.offset(), m.key().decode(), m.value().decode(), headers)).encode())
        counts[p] += 1
consume_s = time.time() - t1
consumer.close()
print(json.dumps({
    'delivered': delivered['ok'], 'failed': delivered['failed'], 'errors': delivered['errors'], 'unflushed': remaining,
    'contiguous': contiguous, 'gaps': gaps, 'consumeErrors': errors, 'eof': sorted(eof),
    'partitions': {str(p): {'count': counts[p], 'sha256': hashes[p].hexdigest()} for p in range(partitions)},
    'produceSeconds': round(produce_s, 2), 'consumeSeconds': round(consume_s, 2),
}))
`;

describe('confluent-kafka (librdkafka) producer, consumer and admin', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    await createTopics(conn, CODECS.map(([name]) => ({ name: `ck-${name}`, partitions: PARTITIONS })));
  });
  afterAll(() => kt.stop());

  it.each(CODECS)('compression.type=%s: every record delivered, consumed back by assignment exactly and in order', async (name, codec, n) => {
    const topic = `ck-${name}`;
    const res = await run(PYTHON, ['-c', PRODUCE_AND_CONSUME, kt.bootstrap, topic, name, String(n), String(PARTITIONS)], { timeoutMs: 90_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect({ delivered: out.delivered, failed: out.failed, errors: out.errors, unflushed: out.unflushed }).toEqual({ delivered: n, failed: 0, errors: [], unflushed: 0 });
    expect(out.contiguous).toBe(true);
    expect(out.consumeErrors).toEqual([]);
    expect(out.gaps).toEqual([]);
    expect(out.eof).toEqual([0, 1, 2, 3]);
    expect(out.partitions).toEqual(expectedDigests(name, n));

    // What kt stored: n records, in batches compressed with the codec asked for. (librdkafka disables
    // LZ4 unless the broker advertises FindCoordinator, see kcat.test.ts; this catches that too.)
    const stored = [0, 1, 2, 3].flatMap((p) => storedBatchHeaders(kt, topic, p));
    expect(stored.reduce((sum, h) => sum + h.recordsCount, 0)).toBe(n);
    expectStoredWith(stored, codec, `compression.type=${name}`);
  });

  it('AdminClient creates, lists and deletes topics, and reports TOPIC_ALREADY_EXISTS', async () => {
    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from confluent_kafka import KafkaError
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
out = {}
futures = admin.create_topics([NewTopic('ck-admin-a', num_partitions=3, replication_factor=1),
                               NewTopic('ck-admin-b', num_partitions=1, replication_factor=1, config={'cleanup.policy': 'compact'})],
                              operation_timeout=10)
out['created'] = sorted(t for t, f in futures.items() if f.result() is None)
md = admin.list_topics(timeout=10)
out['listed'] = {t: sorted(md.topics[t].partitions.keys()) for t in md.topics if t.startswith('ck-admin')}
out['leaders'] = sorted({p.leader for p in md.topics['ck-admin-a'].partitions.values()})
try:
    admin.create_topics([NewTopic('ck-admin-a', num_partitions=1, replication_factor=1)])['ck-admin-a'].result()
    out['again'] = 'created twice'
except Exception as e:
    err = e.args[0]
    out['again'] = err.code() == KafkaError.TOPIC_ALREADY_EXISTS and err.name()
futures = admin.delete_topics(['ck-admin-a', 'ck-admin-b'], operation_timeout=10)
out['deleted'] = sorted(t for t, f in futures.items() if f.result() is None)
out['after'] = sorted(t for t in admin.list_topics(timeout=10).topics if t.startswith('ck-admin'))
print(json.dumps(out))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toEqual({
      created: ['ck-admin-a', 'ck-admin-b'],
      listed: { 'ck-admin-a': [0, 1, 2], 'ck-admin-b': [0] },
      leaders: [1],
      again: 'TOPIC_ALREADY_EXISTS',
      deleted: ['ck-admin-a', 'ck-admin-b'],
      after: [],
    });
    // kt's own view agrees.
    expect(kt.server.replicaManager.get('ck-admin-a', 0)).toBeUndefined();
  });
});
