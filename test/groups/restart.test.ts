/**
 * Groups and committed offsets live in __consumer_offsets: after a broker restart they are replayed
 * — Empty groups with their generation, a Stable group with its members and assignments, simple
 * consumers' offsets, deletions — and a consumer restarted in its group resumes at its committed offset.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { encodeSubscription } from '../../src/engine/protocol/consumer-protocol.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, waitFor } from '../helpers/kt.js';

const overrides = { 'group.initial.rebalance.delay.ms': '0', 'offsets.topic.num.partitions': '4' };

describe('groups across a broker restart', () => {
  const dir = tempLogDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('committed offsets and groups survive, and a restarted consumer resumes at its committed offset', async () => {
    const first = await startKt({ ...overrides, 'log.dirs': dir });
    const kafka1 = new Kafka({ clientId: 'rs', brokers: [first.bootstrap], logLevel: logLevel.NOTHING });
    const admin1 = kafka1.admin();
    await admin1.connect();
    await admin1.createTopics({ topics: [{ topic: 'rs', numPartitions: 2 }] });
    const producer1 = kafka1.producer();
    await producer1.connect();
    await producer1.send({ topic: 'rs', messages: Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, value: `r${i}` })) });
    await producer1.disconnect();

    // A kafkajs member consumes everything so far and leaves: an Empty group with committed offsets.
    const consumer1 = kafka1.consumer({ groupId: 'rs-group', heartbeatInterval: 300, maxWaitTimeInMs: 200 });
    await consumer1.connect();
    await consumer1.subscribe({ topic: 'rs', fromBeginning: true });
    let seen1 = 0;
    await consumer1.run({ eachMessage: async () => void seen1++ });
    await waitFor(() => seen1 === 100, 'the first 100 records', 20_000);
    await consumer1.disconnect();

    // Offsets of simple consumers (generation -1, no member id), one of them deleted before the restart.
    const conn1 = await first.connect();
    const simpleCommit = (groupId: string, partition: number, offset: number) =>
      conn1.send(8, 2, { groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'rs', partitions: [{ partitionIndex: partition, committedOffset: offset, committedMetadata: null }] }] });
    await simpleCommit('rs-simple', 1, 7);
    await simpleCommit('rs-deleted', 0, 3);
    await admin1.deleteGroups(['rs-deleted']);
    await admin1.disconnect();

    // A member of a Stable group at shutdown, speaking the protocol directly.
    const protocols = [{ name: 'range', metadata: encodeSubscription(['rs']) }];
    const joined = await conn1.send(11, 5, { groupId: 'rs-live', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 30000, memberId: '', groupInstanceId: 'live-1', protocolType: 'consumer', protocols });
    expect(joined.errorCode).toBe(0);
    await conn1.send(14, 3, { groupId: 'rs-live', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: 'live-1', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('part-0') }] });
    const emptyGeneration = (first.server.groupCoordinator.group('rs-group') as { generationId: number }).generationId;
    await first.stop();

    const second = await startKt({ ...overrides, 'log.dirs': dir });
    try {
      const conn = await second.connect();
      await waitFor(async () => (await conn.send(16, 4, { statesFilter: [] })).errorCode === ErrorCode.NONE, 'the offsets partitions to load');
      const listed = await conn.send(16, 4, { statesFilter: [] });
      const states = Object.fromEntries(listed.groups.map((g: { groupId: string; groupState: string; protocolType: string }) => [g.groupId, `${g.groupState}/${g.protocolType}`]));
      expect(states).toEqual({ 'rs-group': 'Empty/consumer', 'rs-simple': 'Empty/', 'rs-live': 'Stable/consumer' });
      expect((second.server.groupCoordinator.group('rs-group') as { generationId: number }).generationId).toBe(emptyGeneration);

      const live = await conn.send(15, 4, { groups: ['rs-live'], includeAuthorizedOperations: false });
      expect(live.groups[0].members).toHaveLength(1);
      expect(live.groups[0].members[0]).toMatchObject({ memberId: joined.memberId, groupInstanceId: 'live-1', clientId: 'kt-test' });
      expect(Buffer.from(live.groups[0].members[0].memberAssignment).toString()).toBe('part-0');
      // The member itself carries on where it was: same member id, same generation.
      expect((await conn.send(12, 3, { groupId: 'rs-live', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: 'live-1' })).errorCode).toBe(0);

      const offsets = await conn.send(9, 8, {
        groups: ['rs-group', 'rs-simple', 'rs-deleted'].map((groupId) => ({ groupId, topics: null })),
        requireStable: false,
      });
      const flat = Object.fromEntries(offsets.groups.map((g: { groupId: string; topics: { partitions: { partitionIndex: number; committedOffset: number }[] }[] }) => [
        g.groupId,
        g.topics.flatMap((t) => t.partitions.map((p) => `${p.partitionIndex}:${p.committedOffset}`)).sort(),
      ]));
      expect(flat).toEqual({ 'rs-group': ['0:50', '1:50'], 'rs-simple': ['1:7'], 'rs-deleted': [] });

      // New records after the restart; the group's consumer reads those and nothing before them.
      const kafka2 = new Kafka({ clientId: 'rs', brokers: [second.bootstrap], logLevel: logLevel.NOTHING });
      const producer2 = kafka2.producer();
      await producer2.connect();
      await producer2.send({ topic: 'rs', messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `r${100 + i}` })) });
      await producer2.disconnect();
      const consumer2 = kafka2.consumer({ groupId: 'rs-group', heartbeatInterval: 300, maxWaitTimeInMs: 200 });
      await consumer2.connect();
      await consumer2.subscribe({ topic: 'rs', fromBeginning: true });
      const seen2: string[] = [];
      await consumer2.run({ eachMessage: async ({ message }) => void seen2.push(message.value!.toString()) });
      await waitFor(() => seen2.length >= 20, 'the 20 new records', 20_000);
      await consumer2.disconnect();
      expect(seen2.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `r${100 + i}`).sort());
      expect((second.server.groupCoordinator.group('rs-group') as { generationId: number }).generationId).toBeGreaterThan(emptyGeneration);
    } finally {
      await second.stop();
    }
  });
});
