/**
 * Error paths as real clients see them, each followed by proof that the server still serves:
 * unknown topic with auto creation off, an oversized record, an invalid topic name, and a
 * replication factor above the broker count. Each gets Kafka's error code, reported by the client
 * the way it reports that code against Kafka.
 *
 * A corrupt batch CRC is not here: no real client can be made to send one (they all compute the
 * CRC themselves). test/broker/produce-fetch.test.ts covers it by flipping a byte of a built batch
 * and checking CORRUPT_MESSAGE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { PYTHON, run } from '../helpers/processes.js';
import { createTopics } from '../helpers/topics.js';

/** The Kafka error type a kafkajs error carries, looking through its wrappers (retries, aggregates). */
function kafkajsTypes(err: unknown): string[] {
  const out: string[] = [];
  const visit = (value: unknown, depth: number) => {
    if (!value || typeof value !== 'object' || depth > 5) return;
    const e = value as { type?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
    if (typeof e.type === 'string') out.push(e.type);
    visit(e.cause, depth + 1);
    visit(e.originalError, depth + 1);
    if (Array.isArray(e.errors)) for (const inner of e.errors) visit(inner, depth + 1);
  };
  visit(err, 0);
  return [...new Set(out)];
}

async function kafkajsFailure(p: Promise<unknown>): Promise<string[]> {
  try {
    await p;
  } catch (err) {
    return kafkajsTypes(err);
  }
  throw new Error('expected the kafkajs call to fail');
}

describe('errors as real clients see them; the server lives on', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  let admin: Admin;
  let producer: Producer;

  /** A fresh connection's Metadata request succeeds and lists the broker and the topic. */
  const stillServes = async () => {
    const fresh = await kt.connect('alive-check');
    const md = await fresh.send(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'small' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.brokers.map((b: { nodeId: number }) => b.nodeId)).toEqual([1]);
    expect(md.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode])).toEqual([['small', 0]]);
    fresh.close();
  };
  const topicNames = () => [...kt.server.replicaManager.all()].map((h) => h.topicName);

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    await createTopics(conn, [{ name: 'small', partitions: 1, configs: { 'max.message.bytes': '1024' } }]);
    // No retries: every error below is final, and retriable ones must not loop.
    const kafka = new Kafka({ clientId: 'kt-errors', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
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

  it('unknown topic, auto creation off: UNKNOWN_TOPIC_OR_PARTITION in kafkajs, librdkafka and on the wire', async () => {
    expect(await kafkajsFailure(producer.send({ topic: 'no-such-topic', acks: -1, messages: [{ value: 'x' }] }))).toContain('UNKNOWN_TOPIC_OR_PARTITION');
    expect(await kafkajsFailure(admin.fetchTopicMetadata({ topics: ['no-such-topic'] }))).toContain('UNKNOWN_TOPIC_OR_PARTITION');

    // librdkafka learns from Metadata that the topic does not exist and, once
    // topic.metadata.propagation.max.ms (shortened here) has passed, fails the message with the
    // broker's error as it names it.
    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from confluent_kafka import KafkaError, Producer
errors = []
p = Producer({'bootstrap.servers': sys.argv[1], 'topic.metadata.propagation.max.ms': 200, 'message.timeout.ms': 10000})
p.produce('no-such-topic', value=b'x', on_delivery=lambda err, msg: errors.append(err and [err.code(), err.name()]))
p.flush(15)
print(json.dumps({'errors': errors, 'unknownTopic': KafkaError.UNKNOWN_TOPIC_OR_PART}))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim());
    expect(out.unknownTopic).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(out.errors).toEqual([[ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'UNKNOWN_TOPIC_OR_PART']]);

    // kcat consuming it gets the broker's error by name.
    const kcat = await run('kcat', ['-b', kt.bootstrap, '-C', '-e', '-t', 'no-such-topic', '-p', '0', '-o', 'beginning'], { timeoutMs: 30_000 });
    expect(kcat.code).not.toBe(0);
    expect(kcat.stderr).toMatch(/Unknown topic or partition/i);

    // A Produce straight to it answers the code itself.
    const produced = await conn.send(0, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'no-such-topic', partitionData: [{ index: 0, records: buildBatch({ records: [{ value: 'x' }] }) }] }],
    });
    expect(produced.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    expect(topicNames()).not.toContain('no-such-topic');
    await stillServes();
  });

  it('oversized record (topic max.message.bytes=1024): MESSAGE_TOO_LARGE in kafkajs, librdkafka and kafka-python', async () => {
    const big = 'x'.repeat(4000);
    expect(await kafkajsFailure(producer.send({ topic: 'small', acks: -1, messages: [{ key: 'k', value: big }] }))).toContain('MESSAGE_TOO_LARGE');

    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from confluent_kafka import KafkaError, Producer
from kafka import KafkaProducer
from kafka.errors import MessageSizeTooLargeError
out = {}
errors = []
p = Producer({'bootstrap.servers': sys.argv[1], 'message.timeout.ms': 10000, 'acks': 'all'})
p.produce('small', key=b'k', value=b'x' * 4000, on_delivery=lambda err, msg: errors.append(err and [err.code(), err.name()]))
p.flush(15)
# Flushed apart: in one batch with the big record, the whole batch would be refused.
p.produce('small', key=b'k', value=b'fits', on_delivery=lambda err, msg: errors.append(err and [err.code(), err.name()]))
p.flush(15)
out['confluent'] = errors
kp = KafkaProducer(bootstrap_servers=sys.argv[1], acks='all', retries=0)
try:
    kp.send('small', key=b'k', value=b'x' * 4000).get(timeout=10)
    out['kafkaPython'] = 'accepted'
except MessageSizeTooLargeError as e:
    out['kafkaPython'] = type(e).__name__
kp.close(5)
print(json.dumps(out))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toEqual({
      // Broker error 10, as librdkafka names it; the small record after it is still accepted.
      confluent: [[ErrorCode.MESSAGE_TOO_LARGE, 'MSG_SIZE_TOO_LARGE'], null],
      kafkaPython: 'MessageSizeTooLargeError',
    });
    // Only the small record was stored.
    expect(kt.server.replicaManager.get('small', 0)!.log.logEndOffset).toBe(1);
    await stillServes();
  });

  it('invalid topic names: INVALID_TOPIC_EXCEPTION from kafkajs admin and confluent AdminClient', async () => {
    for (const name of ['bad name!', '..', 'x'.repeat(250)]) {
      expect(await kafkajsFailure(admin.createTopics({ topics: [{ topic: name }] })), name).toContain('INVALID_TOPIC_EXCEPTION');
    }
    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from confluent_kafka import KafkaError
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
out = []
for name in ['bad name!', 'slash/name']:
    try:
        admin.create_topics([NewTopic(name, 1, 1)])[name].result()
        out.append('created')
    except Exception as e:
        out.append([e.args[0].code(), e.args[0].name()])
print(json.dumps({'errors': out, 'expected': KafkaError.TOPIC_EXCEPTION}))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim());
    expect(out.expected).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(out.errors).toEqual([
      [ErrorCode.INVALID_TOPIC_EXCEPTION, 'TOPIC_EXCEPTION'],
      [ErrorCode.INVALID_TOPIC_EXCEPTION, 'TOPIC_EXCEPTION'],
    ]);
    expect(topicNames().sort()).toEqual(['small']);
    await stillServes();
  });

  it('replication factor above the broker count: INVALID_REPLICATION_FACTOR from kafkajs admin and confluent AdminClient', async () => {
    expect(await kafkajsFailure(admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 1, replicationFactor: 3 }] }))).toContain('INVALID_REPLICATION_FACTOR');
    const res = await run(PYTHON, ['-c', String.raw`
import json, sys
from confluent_kafka import KafkaError
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': sys.argv[1]})
try:
    admin.create_topics([NewTopic('rf2', num_partitions=2, replication_factor=2)])['rf2'].result()
    print(json.dumps('created'))
except Exception as e:
    print(json.dumps([e.args[0].code(), e.args[0].name(), KafkaError.INVALID_REPLICATION_FACTOR]))
`, kt.bootstrap], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.trim())).toEqual([ErrorCode.INVALID_REPLICATION_FACTOR, 'INVALID_REPLICATION_FACTOR', ErrorCode.INVALID_REPLICATION_FACTOR]);
    expect(topicNames().sort()).toEqual(['small']);
    await stillServes();
  });
});
