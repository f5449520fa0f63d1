/**
 * kt's GroupConsumer against a real kt server: members of one group split a topic's partitions and
 * take over from a member that leaves without losing a record; a kafkajs consumer shares a group
 * with a kt member (so the subscription and assignment bytes are right both ways); a restarted
 * member resumes at the committed offset; a static member that restarts gets its partitions back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, type PartitionAssigner, PartitionAssigners, logLevel } from 'kafkajs';
import { Admin } from '../../src/engine/client/admin.js';
import { Cluster } from '../../src/engine/client/cluster.js';
import { GroupCoordinators } from '../../src/engine/client/coordinator.js';
import { GroupConsumer, type GroupConsumerOptions } from '../../src/engine/client/group/group-consumer.js';
import { fetchCommittedOffsets } from '../../src/engine/client/group-offsets.js';
import { LATEST_TIMESTAMP, listOffsets, type TopicPartition } from '../../src/engine/client/list-offsets.js';
import { Producer } from '../../src/engine/client/producer.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';

/** A GroupConsumer polling in the background, recording what it consumed. */
class Member {
  readonly consumer: GroupConsumer;
  readonly values: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;
  error: unknown;

  constructor(options: GroupConsumerOptions, topic: string | RegExp) {
    this.consumer = new GroupConsumer({ fetchMaxWaitMs: 100, heartbeatIntervalMs: 100, sessionTimeoutMs: 10_000, autoCommitIntervalMs: 200, ...options });
    this.consumer.subscribe(typeof topic === 'string' ? [topic] : topic);
    this.loop = (async () => {
      while (this.running) {
        for (const r of await this.consumer.poll(200)) this.values.push(r.value!.toString());
      }
    })().catch((err: unknown) => (this.error = err));
  }

  partitions(): number[] {
    return this.consumer.assignment().map((tp) => tp.partition).sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    this.running = false;
    this.consumer.wakeup();
    await this.loop;
    await this.consumer.close();
  }
}

describe('GroupConsumer', () => {
  let kt: RunningKt;
  let cluster: Cluster;
  let producer: Producer;
  let options: GroupConsumerOptions;

  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '3', 'group.min.session.timeout.ms': '1000' });
    const admin = new Admin({ bootstrap: kt.bootstrap });
    await admin.createTopics(['six', 'mixed', 'mixed2', 'resume', 'static'].map((name) => ({ name, numPartitions: 6, replicationFactor: 1 })));
    admin.close();
    cluster = new Cluster({ bootstrap: kt.bootstrap });
    producer = new Producer({ clusterOptions: { bootstrap: kt.bootstrap }, lingerMs: 5 });
    options = { clusterOptions: { bootstrap: kt.bootstrap }, autoOffsetReset: 'earliest' };
  });
  afterAll(async () => {
    await producer?.close();
    cluster?.close();
    await kt?.stop();
  });

  const produce = async (topic: string, from: number, to: number) => {
    await Promise.all(Array.from({ length: to - from }, (_, i) => producer.produce({ topic, partition: (from + i) % 6, value: `r-${from + i}` })));
  };
  const logEnds = async (topic: string) => {
    const tps = Array.from({ length: 6 }, (_, partition) => ({ topic, partition, timestamp: LATEST_TIMESTAMP }));
    await cluster.refreshMetadata([topic]);
    return [...(await listOffsets(cluster, tps)).values()].map((a) => a.offset);
  };
  const committed = async (group: string, topic: string) => {
    const tps: TopicPartition[] = Array.from({ length: 6 }, (_, partition) => ({ topic, partition }));
    const got = await fetchCommittedOffsets(new GroupCoordinators(cluster), group, tps);
    return tps.map((tp) => got.get(`${tp.topic}\u0000${tp.partition}`)?.offset ?? -1);
  };
  const covers = (members: Member[], each: number) =>
    members.every((m) => m.partitions().length === each) && new Set(members.flatMap((m) => m.partitions())).size === 6;

  it('splits partitions, takes over from a member that leaves, loses nothing and commits the log end', async () => {
    const members = ['a', 'b', 'c'].map(() => new Member({ ...options, groupId: 'split' }, 'six'));
    await waitFor(() => covers(members, 2), 'three members with two partitions each', 20_000);
    await produce('six', 0, 3000);
    await waitFor(() => members[2]!.values.length > 0, 'the third member consuming');
    const leaving = members[2]!.close();
    await produce('six', 3000, 6000);
    await leaving;
    const rest = members.slice(0, 2);
    await waitFor(() => covers(rest, 3), 'two members with three partitions each', 20_000);
    await waitFor(() => new Set(members.flatMap((m) => m.values)).size === 6000, 'all 6000 records consumed', 30_000);
    const ends = await logEnds('six');
    await waitFor(async () => JSON.stringify(await committed('split', 'six')) === JSON.stringify(ends), 'commits at the log end');
    await Promise.all(rest.map((m) => m.close()));
    expect(members.map((m) => m.error)).toEqual([undefined, undefined, undefined]);
  });

  // kafkajs's default assigner has its own protocol name (RoundRobinAssigner), which no Java client
  // offers: kt joins under that name when told to; under Java's name "roundrobin" the same kafkajs
  // assigner shares a group with kt's defaults.
  const kafkajsRoundRobin: PartitionAssigner = (config) => ({ ...PartitionAssigners.roundRobin(config), name: 'roundrobin' });

  for (const ktFirst of [false, true]) {
    it(`shares a group with a kafkajs consumer (${ktFirst ? 'kt leads, roundrobin' : "kafkajs leads, kafkajs's default RoundRobinAssigner"})`, async () => {
      const group = `mixed-${ktFirst ? 'kt' : 'kjs'}`;
      const topic = ktFirst ? 'mixed2' : 'mixed';
      const kafka = new Kafka({ clientId: 'kjs', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING });
      const assigners = ktFirst ? { partitionAssigners: [kafkajsRoundRobin] } : {};
      const kjs = kafka.consumer({ groupId: group, heartbeatInterval: 100, sessionTimeout: 10_000, maxWaitTimeInMs: 100, ...assigners });
      let kjsPartitions: number[] = [];
      const kjsValues: string[] = [];
      kjs.on(kjs.events.GROUP_JOIN, (e) => (kjsPartitions = [...(e.payload.memberAssignment[topic] ?? [])].sort()));
      const startKafkajs = async () => {
        await kjs.connect();
        await kjs.subscribe({ topic, fromBeginning: true });
        await kjs.run({ eachMessage: async ({ message }) => void kjsValues.push(message.value!.toString()) });
      };
      const strategy = ktFirst ? ['range', 'roundrobin'] : ['RoundRobinAssigner'];
      const startKt = () => new Member({ ...options, groupId: group, partitionAssignmentStrategy: strategy }, topic);
      let member: Member;
      if (ktFirst) {
        member = startKt();
        await waitFor(() => member.partitions().length === 6, 'kt alone holding all six partitions', 20_000);
        await startKafkajs();
      } else {
        await startKafkajs();
        await waitFor(() => kjsPartitions.length === 6, 'kafkajs alone holding all six partitions', 20_000);
        member = startKt();
      }
      await waitFor(() => kjsPartitions.length === 3 && member.partitions().length === 3, 'kafkajs and kt with three partitions each', 20_000);
      expect(new Set([...kjsPartitions, ...member.partitions()]).size).toBe(6);
      await produce(topic, 0, 600);
      await waitFor(() => new Set([...kjsValues, ...member.values]).size === 600, 'all 600 records consumed by the two', 20_000);
      expect(member.values.length).toBeGreaterThan(0);
      expect(kjsValues.length).toBeGreaterThan(0);
      await member.close();
      await kjs.disconnect();
      expect(member.error).toBeUndefined();
    });
  }

  it('resumes a restarted member at the committed offset', async () => {
    await produce('resume', 0, 120);
    const first = new Member({ ...options, groupId: 'resume', maxPollRecords: 10 }, 'resume');
    await waitFor(() => first.values.length >= 30, 'some records consumed');
    await first.close();
    const before = await committed('resume', 'resume');
    expect(before.reduce((a, b) => a + Math.max(b, 0), 0)).toBe(first.values.length);
    await produce('resume', 120, 200);
    const second = new Member({ ...options, groupId: 'resume' }, 'resume');
    await waitFor(() => first.values.length + second.values.length === 200, 'the rest of the records', 20_000);
    expect(new Set([...first.values, ...second.values]).size).toBe(200);
    await second.close();
  });

  it('leaves when the application stops polling, and rejoins as a new member when it polls again', async () => {
    const steady = new Member({ ...options, groupId: 'slow' }, 'six');
    const slow = new GroupConsumer({ ...options, groupId: 'slow', heartbeatIntervalMs: 100, sessionTimeoutMs: 10_000, maxPollIntervalMs: 1500 });
    slow.subscribe(['six']);
    const pollUntil = async (what: string, done: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await slow.poll(100);
      }
    };
    await pollUntil('the slow member sharing the topic', () => slow.assignment().length === 3 && steady.partitions().length === 3);
    const firstId = slow.memberId;
    // No poll for longer than max.poll.interval.ms: the slow member leaves, the steady one takes all.
    await waitFor(() => steady.partitions().length === 6, 'the steady member holding all six partitions', 20_000);
    expect(slow.memberId).toBe('');
    await pollUntil('the slow member back with three partitions', () => slow.assignment().length === 3 && steady.partitions().length === 3);
    expect(slow.memberId).not.toBe(firstId);
    await Promise.all([slow.close(), steady.close()]);
  });

  it('gives a restarted static member its partitions back', async () => {
    const group = { ...options, groupId: 'static', sessionTimeoutMs: 10_000 };
    const one = new Member({ ...group, groupInstanceId: 'one' }, /stat.*/);
    const two = new Member({ ...group, groupInstanceId: 'two' }, /stat.*/);
    await waitFor(() => covers([one, two], 3), 'two static members with three partitions each', 20_000);
    const held = one.partitions();
    const generation = two.consumer.generationId;
    await one.close(); // no LeaveGroup: the seat waits a session timeout for "one"
    const again = new Member({ ...group, groupInstanceId: 'one' }, /stat.*/);
    await waitFor(() => again.partitions().length === 3, 'the restarted static member assigned', 20_000);
    expect(again.partitions()).toEqual(held);
    expect(two.consumer.generationId).toBe(generation);
    await Promise.all([again.close(), two.close()]);
  });
});
