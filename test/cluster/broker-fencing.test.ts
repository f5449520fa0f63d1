/**
 * Broker fencing with real processes (npm run build first): three combined controller+broker nodes
 * plus a broker-only node 4 (process.roles=broker, the same controller.quorum.voters, its storage
 * formatted with the cluster's id). A topic has partitions placed on node 4, alone and with another
 * replica. After kill -9 of node 4, within broker.session.timeout.ms (plus slack for polling) every
 * remaining node's Metadata no longer lists broker 4, partitions with another replica are led by it
 * (node 4 out of their ISR), and those on node 4 alone have no leader (-1), as Kafka reports them.
 * The time from the kill to the moment every node answers so is printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClusterNode } from '../../src/engine/cluster/local-cluster.js';
import { freePorts, propertiesText } from '../../src/engine/cluster/local-cluster-config.js';
import { formatStorage } from '../../src/engine/metadata/meta-properties.js';
import type { MetadataSnapshot } from '../../src/engine/client/metadata.js';
import { waitFor } from '../helpers/kt.js';
import { connectTo, metadataFrom, startTestCluster, waitForBrokers, waitForController, within, type TestCluster } from '../helpers/cluster.js';

const SESSION_TIMEOUT_MS = 2000;
const HEARTBEAT_INTERVAL_MS = 250;
/** Slack over the session timeout for the controller's fencing check, the metadata log's commit and propagation, and polling. */
const SLACK_MS = 1500;

/**
 * Per topic, partition -> replicas (the first is the preferred leader). Two topics, since Kafka
 * refuses an assignment whose partitions have different replica counts (INVALID_REPLICA_ASSIGNMENT).
 */
const ASSIGNMENTS: Record<string, Record<number, number[]>> = {
  'fenced-solo': { 0: [4], 1: [1], 2: [4] },
  'fenced-paired': { 0: [4, 1], 1: [4, 2], 2: [2, 4], 3: [4, 3] },
};
/** Who leads each partition once node 4 is fenced (-1: no leader). */
const LEADER_AFTER: Record<string, Record<number, number>> = {
  'fenced-solo': { 0: -1, 1: 1, 2: -1 },
  'fenced-paired': { 0: 1, 1: 2, 2: 2, 3: 3 },
};
const TOPICS = Object.keys(ASSIGNMENTS);

describe('broker fencing: kill -9 of a broker-only node', () => {
  let cluster: TestCluster;
  let broker4: LocalClusterNode;

  beforeAll(async () => {
    const timeouts = { 'broker.session.timeout.ms': String(SESSION_TIMEOUT_MS), 'broker.heartbeat.interval.ms': String(HEARTBEAT_INTERVAL_MS) };
    cluster = await startTestCluster({ nodes: 3, overrides: timeouts });
    expect(cluster.formation?.formed ?? true, cluster.logs()).toBe(true);
    await waitForController(cluster);

    // Node 4: broker only, formatted with the cluster's id the way kafka-storage.sh format does.
    const dir = join(cluster.dir, 'node-4-broker');
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const [port] = await freePorts('127.0.0.1', 1);
    const props = new Map<string, string>([
      ...Object.entries(timeouts),
      ['process.roles', 'broker'],
      ['node.id', '4'],
      ['listeners', `PLAINTEXT://127.0.0.1:${port}`],
      ['controller.listener.names', 'CONTROLLER'],
      ['inter.broker.listener.name', 'PLAINTEXT'],
      ['controller.quorum.voters', cluster.voters],
      ['log.dirs', dataDir],
    ]);
    const propertiesFile = join(dir, 'server.properties');
    writeFileSync(propertiesFile, propertiesText(props, 'broker-only node 4 of the fencing test'));
    formatStorage([dataDir], cluster.clusterId, 4);
    broker4 = new LocalClusterNode({ nodeId: 4, host: '127.0.0.1', port: port!, controllerPort: 0 }, { propertiesFile, logFile: join(dir, 'kt.log'), logLevel: 'info' });
    await broker4.start();
    await waitForBrokers(cluster, { expected: [1, 2, 3, 4], askNodes: [...cluster.nodes, broker4] }).catch((err: Error) => {
      throw new Error(`${err.message}\n===== node 4 =====\n${broker4.output()}\n${cluster.logs()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await broker4?.stop();
    await broker4?.close();
    await cluster?.stop();
  });

  it('a topic placed on node 4 by replica assignment: every node sees node 4 lead its preferred partitions', async () => {
    const conn = await connectTo(cluster.node(2));
    try {
      const version = conn.versionFor(19, 7)!;
      const response = await within(
        conn.send(19, version, {
          topics: TOPICS.map((name) => ({
            name,
            numPartitions: -1,
            replicationFactor: -1,
            assignments: Object.entries(ASSIGNMENTS[name]!).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds })),
            configs: [],
          })),
          timeoutMs: 10_000,
          validateOnly: false,
        }),
        15_000,
        'node 2 (CreateTopics)',
      );
      for (const t of response.topics) expect(t, JSON.stringify(t)).toMatchObject({ errorCode: 0 });
      expect(response.topics.length).toBe(TOPICS.length);
    } finally {
      conn.close();
    }
    const placed = (md: MetadataSnapshot) =>
      TOPICS.every((name) => {
        const t = md.topics.find((x) => x.name === name);
        const assignment = ASSIGNMENTS[name]!;
        return (
          !!t &&
          t.partitions.length === Object.keys(assignment).length &&
          t.partitions.every((p) => JSON.stringify(p.replicas) === JSON.stringify(assignment[p.partition]) && p.leader === assignment[p.partition]![0] && p.isr.length === p.replicas.length)
        );
      });
    for (const node of [...cluster.nodes, broker4]) {
      let last: MetadataSnapshot | undefined;
      await waitFor(
        async () => {
          last = await metadataFrom(node, 2000).catch(() => undefined);
          return !!last && placed(last);
        },
        `node ${node.nodeId} to list ${TOPICS.join(', ')} with the assigned replicas, preferred leaders and full ISR`,
        20_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last: ${JSON.stringify(last?.topics.filter((t) => TOPICS.includes(t.name)))}`);
      });
    }
  }, 60_000);

  it('kill -9 of node 4: within broker.session.timeout.ms every node drops broker 4 and moves leadership', async () => {
    const remaining = cluster.nodes;
    const fencedAt = new Map<number, number>();
    const lastSeen = new Map<number, string>();
    const fenced = (md: MetadataSnapshot) => {
      if (md.brokers.some((b) => b.nodeId === 4)) return false;
      return TOPICS.every((name) => {
        const t = md.topics.find((x) => x.name === name);
        if (!t) return false;
        return t.partitions.every((p) => {
          if (p.leader !== LEADER_AFTER[name]![p.partition]) return false;
          // Where another replica took over, node 4 left the ISR (Kafka keeps a sole replica in its ISR).
          return p.leader === -1 || !p.isr.includes(4);
        });
      });
    };

    const killedAt = Date.now();
    await broker4.kill('SIGKILL');
    const budget = SESSION_TIMEOUT_MS + SLACK_MS;
    while (fencedAt.size < remaining.length && Date.now() - killedAt < budget + 5000) {
      await Promise.all(
        remaining
          .filter((n) => !fencedAt.has(n.nodeId))
          .map(async (n) => {
            const md = await metadataFrom(n, 1000).catch(() => undefined);
            if (!md) return;
            lastSeen.set(n.nodeId, JSON.stringify({ brokers: md.brokers.map((b) => b.nodeId), topics: md.topics.filter((t) => TOPICS.includes(t.name)).map((t) => ({ name: t.name, partitions: t.partitions })) }));
            if (fenced(md)) fencedAt.set(n.nodeId, Date.now() - killedAt);
          }),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    const report = remaining.map((n) => `node ${n.nodeId}: ${fencedAt.has(n.nodeId) ? `${fencedAt.get(n.nodeId)} ms` : `not yet; last ${lastSeen.get(n.nodeId)}`}`).join('; ');
    console.log(`broker 4 fenced after kill -9 (broker.session.timeout.ms=${SESSION_TIMEOUT_MS}): ${report}`);
    expect(fencedAt.size, report).toBe(remaining.length);
    for (const [node, ms] of fencedAt) expect(ms, `node ${node}: ${report}`).toBeLessThanOrEqual(budget);

    // What Kafka answers for the partition whose only replica is gone: no leader, node 4 offline.
    const md = await metadataFrom(cluster.node(1));
    const solo = md.topics.find((t) => t.name === 'fenced-solo')!;
    console.log(`fenced-solo after fencing: ${JSON.stringify(solo.partitions)}`);
    // Kafka (KRaftMetadataCache): leader -1 with LEADER_NOT_AVAILABLE, the dead replica offline, a sole replica kept in the ISR.
    expect(solo.partitions[0]).toMatchObject({ leader: -1, errorCode: 5, replicas: [4], isr: [4], offline: [4] });
    expect(solo.partitions[1]).toMatchObject({ leader: 1, errorCode: 0, replicas: [1], isr: [1], offline: [] });
    const paired = md.topics.find((t) => t.name === 'fenced-paired')!;
    console.log(`fenced-paired after fencing: ${JSON.stringify(paired.partitions)}`);
    for (const p of paired.partitions) {
      expect(p, `fenced-paired-${p.partition}`).toMatchObject({ leader: LEADER_AFTER['fenced-paired']![p.partition], errorCode: 0, isr: [LEADER_AFTER['fenced-paired']![p.partition]], offline: [4] });
      if (ASSIGNMENTS['fenced-paired']![p.partition]![0] === 4) expect(p.leaderEpoch, `fenced-paired-${p.partition}: a new leader, a new epoch`).toBeGreaterThan(0);
    }
  }, 60_000);
});
