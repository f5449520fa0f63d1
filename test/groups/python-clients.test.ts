/**
 * librdkafka and kafka-python consumer groups against kt: confluent-kafka with the range and the
 * cooperative-sticky assignors, kafka-python with manual commits, and kcat's balanced consumer (-G).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { python, run } from '../helpers/processes.js';
import { spawnPython } from './python-process.js';
import { confluentPair, kafkaPythonPair } from './python-scripts.js';

describe('python and librdkafka consumer groups', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'group.initial.rebalance.delay.ms': '100', 'offsets.topic.num.partitions': '5' });
    conn = await kt.connect();
  });
  afterAll(() => kt.stop());

  const createTopic = (name: string, partitions: number) =>
    conn.send(19, 7, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });

  const committed = async (group: string, topic: string, partitions: number) => {
    const r = await conn.send(9, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [...Array(partitions).keys()] }] });
    return r.topics[0].partitions.map((p: { committedOffset: number }) => p.committedOffset);
  };

  for (const strategy of ['range', 'cooperative-sticky']) {
    it(`confluent-kafka consumers share a topic with the ${strategy} assignor and commit`, async () => {
      const topic = `ck-${strategy}`;
      const group = `ck-group-${strategy}`;
      await createTopic(topic, 4);
      const proc = spawnPython(confluentPair({ BOOTSTRAP: kt.bootstrap, GROUP: group, TOPIC: topic, STRATEGY: strategy, N: 400, PARTITIONS: 4 }));
      try {
        const balanced = await proc.next((e) => e.event === 'balanced', 'the two consumers to split the partitions', 45_000);
        expect([...balanced.c1, ...balanced.c2].sort()).toEqual([0, 1, 2, 3]);
        expect(balanced.c1).toHaveLength(2);
        const done = await proc.next((e) => e.event === 'done', 'all records consumed', 45_000);
        expect(done.consumed).toBe(400);
        expect(done.by.c1).toBeGreaterThan(0);
        expect(done.by.c2).toBeGreaterThan(0);
        // While both are still members, the group is Stable on the chosen assignor.
        const described = await conn.send(15, 5, { groups: [group], includeAuthorizedOperations: false });
        expect(described.groups[0]).toMatchObject({ groupState: 'Stable', protocolType: 'consumer', protocolData: strategy });
        expect(described.groups[0].members.map((m: { clientId: string }) => m.clientId).sort()).toEqual(['c1', 'c2']);
        expect(await committed(group, topic, 4)).toEqual([100, 100, 100, 100]);
        proc.send('close');
        expect(await proc.exited, proc.stderr()).toBe(0);
        const after = await conn.send(15, 5, { groups: [group], includeAuthorizedOperations: false });
        expect(after.groups[0]).toMatchObject({ groupState: 'Empty', members: [] });
      } finally {
        await proc.kill();
      }
    });
  }

  it('kafka-python consumers in a group commit what they consumed', async () => {
    await createTopic('kp', 3);
    const res = await python(kafkaPythonPair({ BOOTSTRAP: kt.bootstrap, GROUP: 'kp-group', TOPIC: 'kp', N: 300, PARTITIONS: 3 }), 60_000);
    expect(res.code, res.stderr).toBe(0);
    const done = JSON.parse(res.stdout.trim().split('\n').pop()!);
    expect(done.consumed).toBe(300);
    expect([...done.k1, ...done.k2].sort()).toEqual([0, 1, 2]);
    expect(await committed('kp-group', 'kp', 3)).toEqual([100, 100, 100]);
  });

  it("kcat's balanced consumer (-G) consumes and commits on exit; the next run resumes there", async () => {
    await createTopic('kc', 2);
    const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`).join('\n') + '\n';
    for (const p of [0, 1]) {
      const produced = await run('kcat', ['-P', '-b', kt.bootstrap, '-t', 'kc', '-p', String(p)], { input: lines });
      expect(produced.code, produced.stderr).toBe(0);
    }
    const res = await run('kcat', ['-b', kt.bootstrap, '-G', 'kc-group', '-X', 'auto.offset.reset=earliest', '-c', '100', '-f', '%p %o %s\\n', '-X', 'session.timeout.ms=6000', 'kc'], { timeoutMs: 30_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = res.stdout.trim().split('\n');
    expect(out).toHaveLength(100);
    expect(new Set(out).size).toBe(100);
    expect(await committed('kc-group', 'kc', 2)).toEqual([50, 50]);
    // A second run of the same group starts at the committed offsets: nothing left to read.
    await run('kcat', ['-P', '-b', kt.bootstrap, '-t', 'kc', '-p', '1'], { input: 'late\n' });
    const again = await run('kcat', ['-b', kt.bootstrap, '-G', 'kc-group', '-X', 'auto.offset.reset=earliest', '-c', '1', '-f', '%p %o %s\\n', 'kc'], { timeoutMs: 30_000 });
    expect(again.stdout.trim()).toBe('1 50 late');
  });
});
