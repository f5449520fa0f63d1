/**
 * Replica placement for new topics and partitions (replica-placement.ts through the controller):
 * replicas striped round robin over the unfenced brokers from a random start, leaders spread evenly,
 * one replica per rack before any rack gets two, fenced and shutting-down brokers left out, and
 * INVALID_REPLICATION_FACTOR only when too few brokers are unfenced.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { placeReplicas } from '../../src/engine/controller/replica-placement.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { ControllerFixture, seeded } from './broker-lifecycle-fixtures.js';

let fx: ControllerFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const count = (xs: number[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<number, number>());

describe('placement', () => {
  it('spreads leaders and replicas evenly over the brokers, never twice on one broker', async () => {
    fx = await ControllerFixture.open(7);
    await fx.registerUnfenced([1, 2, 3, 4, 5, 6]);
    expect((await fx.createTopic('spread', 12, 3)).errorCode).toBe(ErrorCode.NONE);
    const parts = fx.partitions('spread');
    for (const p of parts) {
      expect(new Set(p.replicas).size).toBe(3);
      expect(p.isr).toEqual(p.replicas);
      expect(p.leader).toBe(p.replicas[0]);
    }
    expect([...count(parts.map((p) => p.leader)).values()]).toEqual([2, 2, 2, 2, 2, 2]);
    expect([...count(parts.flatMap((p) => p.replicas)).values()].every((n) => n === 6)).toBe(true);
  });

  it('starts at a random broker: the same seed places the same way, other seeds elsewhere', () => {
    const brokers = [1, 2, 3, 4, 5].map((id) => ({ id, rack: null }));
    const first = (seed: number) => placeReplicas(brokers, 1, 1, seeded(seed))[0][0];
    expect(placeReplicas(brokers, 5, 2, seeded(3))).toEqual(placeReplicas(brokers, 5, 2, seeded(3)));
    expect(new Set(Array.from({ length: 40 }, (_, seed) => first(seed))).size).toBe(5);
  });

  it('puts each replica of a partition on a different rack when broker.rack is set', async () => {
    fx = await ControllerFixture.open(11);
    await fx.registerUnfenced([1, 2, 3, 4, 5, 6], ['a', 'a', 'b', 'b', 'c', 'c']);
    await fx.createTopic('racked', 9, 3);
    const rackOf = (id: number) => fx!.image.brokers.get(id)!.rack;
    for (const p of fx.partitions('racked')) expect(new Set(p.replicas.map(rackOf)).size).toBe(3);
    expect([...count(fx.partitions('racked').map((p) => p.leader)).values()].every((n) => n >= 1 && n <= 2)).toBe(true);

    // Two racks, replication factor 2: one replica in each.
    const two = placeReplicas([1, 2, 3, 4].map((id) => ({ id, rack: id <= 2 ? 'x' : 'y' })), 8, 2, seeded(5));
    for (const r of two) expect(r.map((id) => (id <= 2 ? 'x' : 'y')).sort()).toEqual(['x', 'y']);
  });

  it('places only on unfenced brokers, and refuses only when too few are unfenced', async () => {
    fx = await ControllerFixture.open(3);
    await fx.registerUnfenced([1, 2]);
    await fx.register(3); // registered, still fenced
    const tooMany = await fx.createTopic('three', 1, 3);
    expect(tooMany.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(tooMany.errorMessage).toContain('only 2 broker(s) are registered and unfenced');
    expect((await fx.createTopic('two', 4, 2)).errorCode).toBe(ErrorCode.NONE);
    for (const p of fx.partitions('two')) expect(p.replicas).not.toContain(3);

    expect((await fx.heartbeat(3)).isFenced).toBe(false);
    expect((await fx.createTopic('three', 1, 3)).errorCode).toBe(ErrorCode.NONE);
  });

  it('continues a topic\'s stripe for its new partitions (CreatePartitions)', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      fx = await ControllerFixture.open(seed);
      await fx.registerUnfenced([1, 2, 3]);
      await fx.createTopic('grow', 2, 2);
      const [res] = await fx.controller.createPartitions([{ name: 'grow', count: 5, assignments: null }], false);
      expect(res.errorCode).toBe(ErrorCode.NONE);
      const parts = fx.partitions('grow');
      expect(parts).toHaveLength(5);
      // Partition 2 leads on the broker after partition 1's, as if all five had been created at once.
      expect(new Set(parts.slice(0, 3).map((p) => p.leader)).size).toBe(3);
      expect([...count(parts.map((p) => p.leader)).values()].sort()).toEqual([1, 2, 2]);
      for (const p of parts) expect(new Set(p.replicas).size).toBe(2);
      await fx.close();
      fx = undefined;
    }
  });

  it('makes a manual assignment\'s ISR its active replicas, and refuses one naming only fenced brokers', async () => {
    fx = await ControllerFixture.open();
    await fx.registerUnfenced([1, 2]);
    await fx.register(3);
    const create = (name: string, brokerIds: number[]) =>
      fx!.controller.createTopics([{ name, numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds }], configs: [] }], { numPartitions: 1, replicationFactor: 1 }, false);
    expect((await create('manual', [3, 2]))[0].errorCode).toBe(ErrorCode.NONE);
    expect(fx.partitions('manual')[0]).toMatchObject({ replicas: [3, 2], isr: [2], leader: 2 });
    expect((await create('fenced-only', [3]))[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});
