/**
 * Three combined kt nodes (real processes, startCluster) as one KRaft cluster: one leader, topics
 * created through any node reach every node's Metadata, the active controller killed with SIGKILL
 * again and again while topics are created (a new one elected each time, the time measured, no
 * acknowledged topic lost), and a node that was down catches up after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { Producer } from '../../src/engine/client/producer.js';
import { waitFor } from '../helpers/kt.js';
import { run } from '../helpers/processes.js';
import { spawnKt, type KtProcess } from '../helpers/kt-process.js';
import { formatStorage } from '../../src/engine/metadata/meta-properties.js';
import { LOCAL_CLUSTER_TIMEOUTS } from '../../src/engine/cluster/local-cluster.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createTopicVia,
  metadataFrom,
  startTestCluster,
  waitForBrokers,
  waitForController,
  waitForTopic,
  type TestCluster,
} from '../helpers/cluster.js';

let cluster: TestCluster | undefined;
let observer: KtProcess | undefined;

afterEach(async () => {
  await observer?.stop('SIGKILL');
  observer = undefined;
  await cluster?.stop();
  cluster = undefined;
});

async function brokerCount(node: Parameters<typeof metadataFrom>[0]): Promise<number> {
  return (await metadataFrom(node, 3000)).brokers.length;
}

async function topicsOf(node: Parameters<typeof metadataFrom>[0]): Promise<string[]> {
  const md = await metadataFrom(node, 3000);
  return md.topics.filter((t) => t.errorCode === 0).map((t) => t.name).sort();
}

describe('a three-node KRaft cluster', () => {
  it('elects one leader, takes topics through any node and converges every node', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true });
    const controller = await waitForController(cluster);
    expect([1, 2, 3]).toContain(controller.nodeId);
    await waitForBrokers(cluster);
    for (const node of cluster.nodes) {
      expect(await createTopicVia(node, `via-node-${node.nodeId}`, { partitions: 2 }), cluster.logs()).toBe(0);
    }
    const expected = ['via-node-1', 'via-node-2', 'via-node-3'];
    for (const node of cluster.nodes) for (const t of expected) await waitForTopic(node, t);
    const views = await Promise.all(cluster.nodes.map(async (n) => (await metadataFrom(n)).topics.map((t) => `${t.name}:${t.partitions.length}:${t.partitions.map((p) => p.leader).join('/')}`).sort().join(',')));
    expect(new Set(views).size, views.join('\n')).toBe(1);
    // A second create of the same topic through another node is refused by the one controller.
    expect(await createTopicVia(cluster.nodes[2]!, 'via-node-1')).toBe(36); // TOPIC_ALREADY_EXISTS
    // On its CONTROLLER listener a standby controller does not act: NOT_CONTROLLER; its ApiVersions
    // lists the controller's own table (Vote v2 with pre-vote, Fetch from v12, no Produce).
    const standby = cluster.voters.split(',').map((v) => /^(\d+)@(.+):(\d+)$/.exec(v)!).find((m) => Number(m[1]) !== controller.nodeId)!;
    const conn = await BrokerConnection.open(standby[2]!, Number(standby[3]));
    try {
      const versions = await conn.negotiate();
      expect(versions.get(52)).toEqual({ minVersion: 0, maxVersion: 2 });
      expect(versions.get(1)?.minVersion).toBe(12);
      expect(versions.has(0)).toBe(false);
      const response = await conn.send(19, 7, { topics: [{ name: 'on-standby', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
      expect(response.topics[0]!.errorCode).toBe(41); // NOT_CONTROLLER
    } finally {
      conn.close();
    }
  }, 90_000);

  it('serves clients through any node: topics, idempotent producer ids and group offsets all go through the one controller', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true });
    await waitForBrokers(cluster);
    const [n1, n2, n3] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
    expect(await createTopicVia(n2, 'spread', { partitions: 6 })).toBe(0);
    for (const node of cluster.nodes) await waitForTopic(node, 'spread');
    // The producer finds each partition's leader from any node's Metadata.
    const leaders = (await metadataFrom(n1)).topics.find((t) => t.name === 'spread')!.partitions.map((p) => p.leader);
    expect(leaders.every((id) => [1, 2, 3].includes(id))).toBe(true);
    expect(new Set(leaders).size).toBeGreaterThan(1);
    // Idempotent by default: InitProducerId needs a producer id block, which the active controller
    // hands out (AllocateProducerIds forwarded by whichever node coordinates the producer).
    const producer = new Producer({ bootstrapServers: n3.bootstrap, lingerMs: 1 });
    expect(producer.idempotent).toBe(true);
    for (let i = 0; i < 300; i++) void producer.produce({ topic: 'spread', key: `k${i}`, value: `v${i}` });
    await producer.flush();
    await producer.close();
    // A group consumer through another node: __consumer_offsets is created through the controller,
    // FindCoordinator names the node leading the group's partition, offsets are committed there.
    const consumed = await run('node', ['bin/kt', 'console-consumer', '--bootstrap-server', n1.bootstrap, '--topic', 'spread', '--group', 'g1', '--from-beginning', '--max-messages', '300', '--timeout-ms', '30000']);
    expect(consumed.code, consumed.stderr + cluster.logs().slice(-4000)).toBe(0);
    expect(consumed.stdout.trim().split('\n').sort()).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`).sort());
    for (const node of cluster.nodes) await waitForTopic(node, '__consumer_offsets');
    // Auto topic creation through a node that is not necessarily the controller.
    const auto = await run('kcat', ['-b', n2.bootstrap, '-P', '-t', 'auto-created'], { input: 'a\nb\n' });
    expect(auto.code, auto.stderr).toBe(0);
    for (const node of cluster.nodes) await waitForTopic(node, 'auto-created');
  }, 120_000);

  it('a broker-only node follows the quorum as an observer, forwards to the controller, and is fenced once killed', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true });
    await waitForBrokers(cluster);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-observer-'));
    formatStorage([dir], cluster.clusterId, 4);
    const overrides = { ...LOCAL_CLUSTER_TIMEOUTS, 'process.roles': 'broker', 'node.id': '4', 'controller.quorum.voters': cluster.voters, 'controller.listener.names': 'CONTROLLER' };
    observer = await spawnKt(dir, Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`]));
    const node4 = { nodeId: 4, host: '127.0.0.1', port: observer.port };
    await waitForBrokers(cluster, { expected: [1, 2, 3, 4], askNodes: cluster.nodes });
    expect(await createTopicVia(node4, 'from-observer', { partitions: 4 })).toBe(0);
    for (const node of [...cluster.nodes, node4]) await waitForTopic(node, 'from-observer');
    expect(await brokerCount(node4)).toBe(4);
    await observer.stop('SIGKILL');
    observer = undefined;
    // broker.session.timeout.ms (2 s here) without heartbeats: fenced, no longer listed.
    await waitForBrokers(cluster, { expected: [1, 2, 3], timeoutMs: 15_000 });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it("fails over with Kafka's default quorum timeouts: kill -9 of the active controller to the first write committed by the next", async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: false });
    await waitForBrokers(cluster);
    const active = await waitForController(cluster);
    const survivor = cluster.nodes.find((x) => x.nodeId !== active.nodeId)!;
    expect(await createTopicVia(survivor, 'before-kill')).toBe(0);
    const killedAt = Date.now();
    await cluster.node(active.nodeId).kill('SIGKILL');
    let code = -1;
    for (let i = 0; code !== 0 && Date.now() - killedAt < 30_000; i++) code = await createTopicVia(survivor, 'after-kill', { timeoutMs: 20_000 }).catch(() => -1);
    const failoverMs = Date.now() - killedAt;
    console.log(`controller failover with Kafka's defaults (fetch.timeout.ms 2000, election.timeout.ms 1000): kill -9 to the first committed write ${failoverMs} ms`);
    expect(code).toBe(0);
    expect(failoverMs).toBeLessThan(10_000);
  }, 120_000);

  it('survives SIGKILL of the active controller again and again without losing a committed topic, and a restarted node catches up', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true });
    await waitForBrokers(cluster);
    const acknowledged: string[] = [];
    const failoverMs: number[] = [];
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const active = await waitForController(cluster);
      // Keep creating through a node that survives while the controller is killed.
      const survivor = cluster.nodes.find((x) => x.running && x.nodeId !== active.nodeId)!;
      let stop = false;
      const creating = (async () => {
        while (!stop) {
          const name = `t-${round}-${n++}`;
          const code = await createTopicVia(survivor, name, { timeoutMs: 20_000 }).catch(() => -1);
          if (code === 0) acknowledged.push(name);
        }
      })();
      await waitFor(() => acknowledged.length > round * 3 + 2, 'some topics created before the kill', 20_000);
      const killedAt = Date.now();
      await cluster.node(active.nodeId).kill('SIGKILL');
      const next = await waitForController(cluster, { not: active.nodeId, timeoutMs: 30_000 });
      failoverMs.push(Date.now() - killedAt);
      const before = acknowledged.length;
      await waitFor(() => acknowledged.length > before, `a topic created under the new controller ${next.nodeId}`, 30_000);
      stop = true;
      await creating;
      await cluster.node(active.nodeId).restart();
    }
    console.log(`controller failover after SIGKILL (fast timeouts: fetch 750 ms, election 250 ms): ${failoverMs.map((ms) => `${ms} ms`).join(', ')}`);
    // Every node, the restarted ones included, holds every acknowledged topic.
    for (const node of cluster.nodes) {
      await waitFor(async () => {
        const topics = await topicsOf(node).catch(() => []);
        return acknowledged.every((t) => topics.includes(t));
      }, `node ${node.nodeId} to list all ${acknowledged.length} acknowledged topics`, 30_000);
    }
    const views = await Promise.all(cluster.nodes.map((node) => topicsOf(node)));
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    for (const ms of failoverMs) expect(ms).toBeLessThan(10_000);
  }, 240_000);
});
