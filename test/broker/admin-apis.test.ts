/** Topic administration through the controller: CreateTopics, DeleteTopics, CreatePartitions, Metadata. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

const topic = (name: string, numPartitions = 1, replicationFactor = 1, configs: { name: string; value: string }[] = []) => ({
  name,
  numPartitions,
  replicationFactor,
  assignments: [],
  configs,
});

describe('topic administration', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
  });
  afterAll(() => kt.stop());

  const create = (topics: object[], validateOnly = false, version = 7) => conn.send(19, version, { topics, timeoutMs: 5000, validateOnly });

  it('creates topics and reports them in Metadata with leaders, replicas and ISR', async () => {
    const res = await create([topic('orders', 3)]);
    expect(res.topics[0]).toMatchObject({ name: 'orders', errorCode: 0, numPartitions: 3, replicationFactor: 1 });
    expect(res.topics[0].topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const md = await conn.send(3, 12, { topics: [{ name: 'orders', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    const t = md.topics[0];
    expect(t.errorCode).toBe(0);
    expect(t.topicId).toBe(res.topics[0].topicId);
    expect(t.partitions.map((p: { partitionIndex: number }) => p.partitionIndex)).toEqual([0, 1, 2]);
    for (const p of t.partitions) expect(p).toMatchObject({ leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] });
  });

  it("answers Kafka's error codes for bad creations", async () => {
    const res = await create([
      topic('orders'),
      topic('bad name!'),
      topic('too-many-replicas', 1, 3),
      topic('zero-partitions', 0),
      topic('bad-config', 1, 1, [{ name: 'retention.ms', value: 'soon' }]),
      topic('unknown-config', 1, 1, [{ name: 'no.such.config', value: '1' }]),
    ]);
    expect(res.topics.map((t: { name: string; errorCode: number }) => [t.name, t.errorCode])).toEqual([
      ['orders', ErrorCode.TOPIC_ALREADY_EXISTS],
      ['bad name!', ErrorCode.INVALID_TOPIC_EXCEPTION],
      ['too-many-replicas', ErrorCode.INVALID_REPLICATION_FACTOR],
      ['zero-partitions', ErrorCode.INVALID_PARTITIONS],
      ['bad-config', ErrorCode.INVALID_CONFIG],
      ['unknown-config', ErrorCode.INVALID_CONFIG],
    ]);
    expect(res.topics[2].errorMessage).toContain('only 1 broker(s) are registered');
    const md = await conn.send(3, 9, { topics: null });
    expect(md.topics.map((t: { name: string }) => t.name)).toEqual(['orders']);
  });

  it('validateOnly checks without creating, and -1 takes the broker defaults', async () => {
    const res = await create([topic('dry-run', -1, -1)], true);
    expect(res.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 1, replicationFactor: 1 });
    const md = await conn.send(3, 9, { topics: [{ name: 'dry-run' }], allowAutoTopicCreation: false });
    expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('adds partitions and refuses to shrink', async () => {
    await create([topic('growing', 1)]);
    const grown = await conn.send(37, 3, { topics: [{ name: 'growing', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(grown.results[0].errorCode).toBe(0);
    const shrink = await conn.send(37, 3, { topics: [{ name: 'growing', count: 2, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(shrink.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    const md = await conn.send(3, 9, { topics: [{ name: 'growing' }], allowAutoTopicCreation: false });
    expect(md.topics[0].partitions).toHaveLength(4);
  });

  it('deletes topics by name and by id, and their logs go with them', async () => {
    await create([topic('doomed-a', 2), topic('doomed-b')]);
    const md = await conn.send(3, 12, { topics: [{ name: 'doomed-b', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    expect(kt.server.replicaManager.get('doomed-a', 1)).toBeDefined();
    const byName = await conn.send(20, 5, { topicNames: ['doomed-a', 'never-was'], timeoutMs: 5000 });
    expect(byName.responses.map((r: { errorCode: number }) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const byId = await conn.send(20, 6, { topics: [{ name: null, topicId: md.topics[0].topicId }], timeoutMs: 5000 });
    expect(byId.responses[0]).toMatchObject({ name: 'doomed-b', errorCode: 0 });
    expect(kt.server.replicaManager.get('doomed-a', 1)).toBeUndefined();
    const after = await conn.send(3, 9, { topics: null });
    expect(after.topics.map((t: { name: string }) => t.name)).not.toContain('doomed-a');
  });

  it('leaves unknown topics unknown when auto creation is off', async () => {
    const md = await conn.send(3, 9, { topics: [{ name: 'auto-nope' }], allowAutoTopicCreation: true });
    expect(md.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('auto topic creation', () => {
  it('creates a topic on first Metadata request with num.partitions partitions', async () => {
    const kt = await startKt({ 'num.partitions': '3' });
    try {
      const conn = await kt.connect();
      const md = await conn.send(3, 9, { topics: [{ name: 'auto-created' }], allowAutoTopicCreation: true });
      expect(md.topics[0].errorCode).toBe(0);
      expect(md.topics[0].partitions).toHaveLength(3);
      const notAllowed = await conn.send(3, 9, { topics: [{ name: 'not-asked' }], allowAutoTopicCreation: false });
      expect(notAllowed.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      await kt.stop();
    }
  });
});
