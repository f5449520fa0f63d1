/**
 * The replication APIs as clients and brokers send them: ElectLeaders, AlterPartitionReassignments
 * and ListPartitionReassignments on a real single-node kt server (forwarded to its controller), and
 * AlterPartition (CONTROLLER listener only) through its handler with the controller behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/engine/broker/handler.js';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { CONTROLLER_HANDLERS } from '../../src/engine/controller/handlers/index.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { ControllerFixture } from '../cluster/broker-lifecycle-fixtures.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

describe('replication APIs on a kt server', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    const res = await conn.send(19, 7, { topics: [{ name: 'r', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(res.topics[0].errorCode).toBe(0);
  });
  afterAll(() => kt.stop());

  it('advertises ElectLeaders 0-2 and the reassignment APIs at v0', async () => {
    const res = await conn.send(18, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1' });
    const keys = new Map(res.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(keys.get(43)).toEqual([0, 2]);
    expect(keys.get(45)).toEqual([0, 0]);
    expect(keys.get(46)).toEqual([0, 0]);
    expect(keys.has(56)).toBe(false); // brokers do not serve AlterPartition
  });

  it('ElectLeaders: the preferred replica already leads', async () => {
    for (const version of [0, 1, 2]) {
      const res = await conn.send(43, version, { electionType: 0, topicPartitions: [{ topic: 'r', partitions: [0, 1] }, { topic: 'missing', partitions: [0] }], timeoutMs: 5000 });
      expect(res.replicaElectionResults).toEqual([
        {
          topic: 'r',
          partitionResult: [0, 1].map((partitionId) => ({ partitionId, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' })),
        },
        { topic: 'missing', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such topic as missing' }] },
      ]);
    }
    const all = await conn.send(43, 2, { electionType: 1, topicPartitions: null, timeoutMs: 5000 });
    expect(all.errorCode).toBe(0);
    expect(all.replicaElectionResults.every((t: { partitionResult: unknown[] }) => t.partitionResult.length === 0)).toBe(true);
  });

  it('AlterPartitionReassignments and ListPartitionReassignments', async () => {
    const alter = (replicas: number[] | null) => conn.send(45, 0, { timeoutMs: 5000, topics: [{ name: 'r', partitions: [{ partitionIndex: 0, replicas }] }] });
    expect((await alter([7])).responses[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
    expect((await alter(null)).responses[0].partitions[0].errorCode).toBe(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS);
    const same = await alter([1]);
    expect(same).toMatchObject({ errorCode: 0, errorMessage: null, responses: [{ name: 'r', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }] });
    const list = await conn.send(46, 0, { timeoutMs: 5000, topics: null });
    expect(list).toMatchObject({ errorCode: 0, topics: [] });
  });
});

describe('AlterPartition on the CONTROLLER listener', () => {
  it('is served by the active controller at v0-3', async () => {
    const f = await ControllerFixture.open();
    try {
      await f.registerUnfenced([1, 2]);
      const [t] = await f.controller.createTopics([{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] }], { numPartitions: 1, replicationFactor: 1 }, false);
      const handler = CONTROLLER_HANDLERS.find((h) => h.apiKey === 56)!;
      expect([handler.minVersion, handler.maxVersion]).toEqual([0, 3]);
      const ctx = { apiVersion: 2, services: { controller: f.controller } } as unknown as RequestContext;
      const p = f.image.topic('t')!.partitions.get(0)!;
      const body = { brokerId: 1, brokerEpoch: f.brokers.get(1)!.epoch, topics: [{ topicId: t!.topicId, partitions: [{ partitionIndex: 0, leaderEpoch: p.leaderEpoch, newIsr: [1], leaderRecoveryState: 0, partitionEpoch: p.partitionEpoch }] }] };
      const res = (await handler.handle(body as never, ctx)) as { topics: { partitions: { errorCode: number; isr: number[] }[] }[] };
      expect(res.topics[0]!.partitions[0]).toMatchObject({ errorCode: 0, isr: [1] });
      expect(f.image.topic('t')!.partitions.get(0)!.isr).toEqual([1]);
    } finally {
      await f.close();
    }
  });
});
