/**
 * kafkajs consumers in one group: three share a six-partition topic two partitions each; one leaves
 * cleanly while 30,000 records are produced and the other two take over its partitions. Every record
 * is consumed, no record is consumed by a second member after the first one committed past it, and at
 * the end the committed offsets are the log end offsets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

const TOPIC = 'orders';
const RECORDS = 30_000;

interface Member {
  name: string;
  consumer: Consumer;
  assignment: number[];
  generation: number;
}

describe('a kafkajs consumer group', () => {
  let kt: RunningKt;
  let kafka: Kafka;
  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '300', 'offsets.topic.num.partitions': '5' });
    kafka = new Kafka({ clientId: 'kjs', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, retries: 20 } });
  });
  afterAll(() => kt.stop());

  it('shares partitions, survives a member leaving, and loses or re-delivers nothing committed', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });

    let seq = 0;
    // Every consumption and every successful commit, in the order they happened.
    const consumed: { seq: number; member: string; partition: number; offset: number; value: string }[] = [];
    const commits: { seq: number; member: string; partition: number; offset: number }[] = [];
    const members: Member[] = [];
    for (const name of ['c1', 'c2', 'c3']) {
      const consumer = kafka.consumer({ groupId: 'kjs-group', sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      const member: Member = { name, consumer, assignment: [], generation: 0 };
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        member.assignment = [...(e.payload.memberAssignment[TOPIC] ?? [])].sort();
        member.generation = (e.payload as unknown as { groupGenerationId?: number }).groupGenerationId ?? member.generation + 1;
      });
      consumer.on(consumer.events.COMMIT_OFFSETS, (e) => {
        for (const t of e.payload.topics) for (const p of t.partitions) commits.push({ seq: seq++, member: name, partition: Number(p.partition), offset: Number(p.offset) });
      });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          consumed.push({ seq: seq++, member: name, partition, offset: Number(message.offset), value: message.value!.toString() });
        },
      });
      members.push(member);
    }
    const [c1, c2, c3] = members;
    const covered = (ms: Member[], each: number) => ms.every((m) => m.assignment.length === each) && new Set(ms.flatMap((m) => m.assignment)).size === 6;
    await waitFor(() => covered(members, 2), 'three members with two partitions each', 20_000);

    const producer = kafka.producer();
    await producer.connect();
    const produce = async (from: number, to: number) => {
      for (let i = from; i < to; i += 500) {
        const messages = Array.from({ length: Math.min(500, to - i) }, (_, j) => ({ partition: (i + j) % 6, value: `r-${i + j}` }));
        await producer.send({ topic: TOPIC, messages, acks: -1 });
      }
    };
    await produce(0, 10_000);
    await waitFor(() => consumed.some((c) => c.member === 'c3'), 'c3 consuming', 20_000);
    // c3 leaves cleanly (commit, LeaveGroup) while the rest of the records are produced.
    const leaving = c3.consumer.disconnect();
    await produce(10_000, RECORDS);
    await leaving;
    await waitFor(() => covered([c1, c2], 3), 'c1 and c2 holding three partitions each', 20_000);

    await waitFor(() => new Set(consumed.map((c) => c.value)).size === RECORDS, `all ${RECORDS} records consumed`, 60_000);
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const endOf = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    expect([...endOf.values()].reduce((a, b) => a + b, 0)).toBe(RECORDS);
    const committedNow = async () => {
      const [t] = await admin.fetchOffsets({ groupId: 'kjs-group', topics: [TOPIC] });
      return new Map(t.partitions.map((p) => [p.partition, Number(p.offset)]));
    };
    await waitFor(async () => {
      const c = await committedNow();
      return [...endOf].every(([p, end]) => c.get(p) === end);
    }, 'committed offsets at the log end offsets', 20_000);

    // No record went to a second member after the member before it had committed past it.
    const byRecord = new Map<string, typeof consumed>();
    for (const c of consumed) {
      const key = `${c.partition}:${c.offset}`;
      if (!byRecord.has(key)) byRecord.set(key, []);
      byRecord.get(key)!.push(c);
    }
    const violations: string[] = [];
    for (const [key, events] of byRecord) {
      const first = events[0];
      for (const later of events.slice(1).filter((e) => e.member !== first.member)) {
        const committedPast = commits.some((c) => c.member === first.member && c.partition === first.partition && c.offset > first.offset && c.seq < later.seq);
        if (committedPast) violations.push(`${key}: ${first.member} committed past it before ${later.member} consumed it`);
      }
    }
    expect(violations).toEqual([]);
    // Each record was consumed from its partition at the offset it was written to.
    expect(new Set(consumed.map((c) => `${c.partition}:${c.offset}`)).size).toBe(RECORDS);

    const described = await admin.describeGroups(['kjs-group']);
    expect(described.groups[0]).toMatchObject({ groupId: 'kjs-group', state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0].members).toHaveLength(2);

    await Promise.all([c1.consumer.disconnect(), c2.consumer.disconnect(), producer.disconnect()]);
    const empty = await admin.describeGroups(['kjs-group']);
    expect(empty.groups[0]).toMatchObject({ state: 'Empty', members: [] });
    await admin.disconnect();
  });
});
