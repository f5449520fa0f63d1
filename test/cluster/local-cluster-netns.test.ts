/**
 * The cluster helper's network-namespace mode (test/helpers/cluster.ts with `netns: true`): three
 * nodes, each `kt server-start` in a namespace of its own on its own address, and a partition
 * rather than a kill: the isolated active controller loses its quorum, the majority elects a new
 * one and keeps committing, and once healed the old one follows the new log. Needs root and
 * iproute2 (fails saying so otherwise, never skips).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopicVia, startTestCluster, waitForBrokers, waitForController, waitForTopic, quorumFrom, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/kt.js';

describe('a local cluster in network namespaces', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3, netns: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs each node on its own namespace address, one cluster of three', async () => {
    expect(cluster.nodes.map((n) => n.host)).toEqual(cluster.net!.nodes.map((n) => n.address));
    expect(cluster.bootstrap).toBe(cluster.net!.nodes.map((n) => `${n.address}:9092`).join(','));
    await waitForBrokers(cluster, { expected: [1, 2, 3], timeoutMs: 20_000 });
  });

  it('an isolated active controller is replaced by the majority, which keeps committing; healed, it follows', async () => {
    const old = await waitForController(cluster, { timeoutMs: 10_000 });
    const oldNode = cluster.node(old.nodeId);
    const majority = cluster.nodes.filter((n) => n !== oldNode);
    const cutAt = Date.now();
    cluster.net!.isolate(old.nodeId - 1);
    // Asked only of the majority: the isolated node cannot be reached from the test either.
    let newLeader = -1;
    await waitFor(
      async () => {
        const answers = await Promise.all(majority.map((n) => quorumFrom(n).catch(() => undefined)));
        const leader = answers.find((a) => a && a.errorCode === 0 && a.leaderId >= 0 && a.leaderEpoch > old.epoch);
        newLeader = leader?.leaderId ?? -1;
        return newLeader >= 0 && newLeader !== old.nodeId;
      },
      `the majority to elect a controller other than ${old.nodeId}`,
      15_000,
    );
    console.log(`partition of node ${old.nodeId}: node ${newLeader} elected in ${Date.now() - cutAt} ms`);
    expect(await createTopicVia(majority[0]!, 'during-partition')).toBe(0);
    await waitForTopic(majority[1]!, 'during-partition', { timeoutMs: 10_000 });

    cluster.net!.heal(old.nodeId - 1);
    await waitForTopic(oldNode, 'during-partition', { timeoutMs: 20_000 });
    const after = await waitForController(cluster, { timeoutMs: 15_000 });
    expect(after.epoch).toBeGreaterThan(old.epoch);
    await waitForBrokers(cluster, { expected: [1, 2, 3], timeoutMs: 20_000 });
  });
});
