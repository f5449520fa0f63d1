/**
 * Real clients against every node of a 3-node combined kt cluster (npm run build first): Debian's
 * confluent-kafka AdminClient, kafkajs admin, and Apache Kafka's own kafka-metadata-quorum
 * (org.apache.kafka.tools.MetadataQuorumCommand from test/java-tools, JDK and Maven needed) each
 * bootstrapped from one node at a time see the same cluster: the same brokers and cluster id, the
 * same quorum leader and voters (Metadata's controllerId is a random live broker, as in Kafka KRaft), and a topic created through node 1 is visible through node 3.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, run, python } from '../helpers/processes.js';
import { startTestCluster, waitForController, waitForTopic, type TestCluster } from '../helpers/cluster.js';

const PROJECT = fileURLToPath(new URL('../java-tools', import.meta.url));
const LIB = join(PROJECT, 'target/lib');

async function buildJavaTools(): Promise<void> {
  if (existsSync(LIB) && readdirSync(LIB).some((f) => f.startsWith('kafka-tools-'))) return;
  const mvn = requireTool('/usr/bin/mvn', 'maven');
  const offline = await run(mvn, ['-q', '-B', '-o', '-f', join(PROJECT, 'pom.xml'), 'process-classes'], { timeoutMs: 300_000 });
  if (offline.code === 0) return;
  const online = await run(mvn, ['-q', '-B', '-f', join(PROJECT, 'pom.xml'), 'process-classes'], { timeoutMs: 600_000 });
  if (online.code !== 0) throw new Error(`building test/java-tools (kafka-tools from Maven Central) failed:\n${online.stdout}${online.stderr}`);
}

function kafkaMetadataQuorum(args: string[]) {
  const java = requireTool('/usr/bin/java', 'default-jdk-headless');
  return run(java, ['-cp', `${LIB}/*`, 'org.apache.kafka.tools.MetadataQuorumCommand', ...args], { timeoutMs: 60_000 });
}

/** The `Key: value` lines of `describe --status`. */
function statusFields(stdout: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\w+):\s+(.*)$/.exec(line);
    if (m) fields[m[1]!] = m[2]!.trim();
  }
  return fields;
}

/** confluent-kafka AdminClient.list_topics from one bootstrap node, as JSON. */
async function confluentListTopics(bootstrap: string, create?: string): Promise<{ cluster_id: string; controller_id: number; brokers: number[]; topics: string[]; created?: string }> {
  const script = `
import json
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': ${JSON.stringify(bootstrap)}})
out = {}
create = ${JSON.stringify(create ?? '')}
if create:
    fs = a.create_topics([NewTopic(create, num_partitions=3, replication_factor=1)], operation_timeout=15)
    fs[create].result(20)
    out['created'] = create
md = a.list_topics(timeout=15)
out.update(cluster_id=md.cluster_id, controller_id=md.controller_id, brokers=sorted(md.brokers.keys()),
           topics=sorted(t for t in md.topics if not t.startswith('__')))
print(json.dumps(out))
`;
  const result = await python(script, 60_000);
  if (result.code !== 0) throw new Error(`confluent-kafka against ${bootstrap} failed (${result.code}):\n${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!);
}

describe('clients against every node of a 3-node kt cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    await buildJavaTools();
    cluster = await startTestCluster({ nodes: 3 });
    expect(cluster.formation?.formed ?? true, cluster.logs()).toBe(true);
    await waitForController(cluster);
  }, 900_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('confluent-kafka AdminClient: the same brokers and cluster id from every node, a live broker as controller; a topic created via node 1 is seen via node 3', async () => {
    const views = [];
    for (const node of cluster.nodes) views.push({ node: node.nodeId, ...(await confluentListTopics(node.bootstrap)) });
    for (const view of views) {
      expect(view.brokers, `via node ${view.node}`).toEqual([1, 2, 3]);
      expect(view.cluster_id, `via node ${view.node}`).toBe(cluster.clusterId);
      // Kafka's KRaft brokers report a random live broker as controllerId (KRaftMetadataCache.getRandomAliveBrokerId),
      // since any broker forwards controller requests; the active controller is compared via DescribeQuorum below.
      expect([1, 2, 3], `via node ${view.node}`).toContain(view.controller_id);
    }

    const topic = `cc-${Date.now()}`;
    const created = await confluentListTopics(cluster.node(1).bootstrap, topic);
    expect(created.created).toBe(topic);
    await waitForTopic(cluster.node(3), topic);
    const via3 = await confluentListTopics(cluster.node(3).bootstrap);
    expect(via3.topics).toContain(topic);
  }, 120_000);

  it('kafkajs admin: describeCluster gives the same brokers and clusterId from every node; listTopics agrees', async () => {
    const topic = `kjs-${Date.now()}`;
    const views = [];
    for (const node of cluster.nodes) {
      const admin = new Kafka({ clientId: `kt-cluster-kafkajs-${node.nodeId}`, brokers: [node.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
      await admin.connect();
      try {
        if (node.nodeId === 2) expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
        const described = await admin.describeCluster();
        views.push({ node: node.nodeId, described });
      } finally {
        await admin.disconnect();
      }
    }
    for (const { node, described } of views) {
      expect(described.clusterId, `via node ${node}`).toBe(cluster.clusterId);
      expect(described.brokers.map((b) => b.nodeId).sort(), `via node ${node}`).toEqual([1, 2, 3]);
      expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort(), `via node ${node}`).toEqual(cluster.nodes.map((n) => n.bootstrap).sort());
      expect([1, 2, 3], `via node ${node} (a random live broker, as Kafka's KRaft brokers report it)`).toContain(described.controller);
    }
    for (const node of cluster.nodes) await waitForTopic(node, topic);
    for (const node of cluster.nodes) {
      const admin = new Kafka({ clientId: `kt-cluster-kafkajs-l${node.nodeId}`, brokers: [node.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
      await admin.connect();
      try {
        expect(await admin.listTopics(), `via node ${node.nodeId}`).toContain(topic);
      } finally {
        await admin.disconnect();
      }
    }
  }, 120_000);

  it("kafka-metadata-quorum --bootstrap-server: the same LeaderId and CurrentVoters from every node", async () => {
    const seen = [];
    for (const node of cluster.nodes) {
      const out = await kafkaMetadataQuorum(['--bootstrap-server', node.bootstrap, 'describe', '--status']);
      expect(out.code, `via node ${node.nodeId}: ${out.stdout}${out.stderr}`).toBe(0);
      const fields = statusFields(out.stdout);
      seen.push({ node: node.nodeId, fields, stdout: out.stdout });
    }
    const first = seen[0]!.fields;
    expect(first.ClusterId).toBe(cluster.clusterId);
    expect(['1', '2', '3']).toContain(first.LeaderId);
    for (const { node, fields, stdout } of seen) {
      expect(fields.ClusterId, `via node ${node}:\n${stdout}`).toBe(first.ClusterId);
      expect(fields.LeaderId, `via node ${node}:\n${stdout}`).toBe(first.LeaderId);
      expect(fields.LeaderEpoch, `via node ${node}:\n${stdout}`).toBe(first.LeaderEpoch);
      expect(fields.CurrentVoters, `via node ${node}:\n${stdout}`).toBe(first.CurrentVoters);
    }
    for (const id of [1, 2, 3]) expect(first.CurrentVoters).toContain(`"id": ${id}`);
    console.log(`kafka-metadata-quorum --bootstrap-server (node 1):\n${seen[0]!.stdout}`);
  }, 180_000);

  it('kafka-metadata-quorum --bootstrap-controller: the same LeaderId and CurrentVoters from every CONTROLLER listener', async () => {
    const seen = [];
    for (const node of cluster.nodes) {
      const out = await kafkaMetadataQuorum(['--bootstrap-controller', `${node.host}:${node.controllerPort}`, 'describe', '--status']);
      expect(out.code, `via controller ${node.nodeId}: ${out.stdout}${out.stderr}`).toBe(0);
      seen.push({ node: node.nodeId, fields: statusFields(out.stdout), stdout: out.stdout });
    }
    const first = seen[0]!.fields;
    expect(first.ClusterId).toBe(cluster.clusterId);
    for (const { node, fields, stdout } of seen) {
      expect(fields.LeaderId, `via controller ${node}:\n${stdout}`).toBe(first.LeaderId);
      expect(fields.CurrentVoters, `via controller ${node}:\n${stdout}`).toBe(first.CurrentVoters);
    }
    console.log(`kafka-metadata-quorum --bootstrap-controller (node 1):\n${seen[0]!.stdout}`);
  }, 180_000);
});
