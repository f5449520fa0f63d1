/**
 * Starting a local cluster with one command (`kt server-start --nodes 3`) and with startCluster()
 * from a Node process: the nodes are real `kt server-start` processes (npm run build first) on free
 * loopback ports, formatted with one cluster id, each a voter of one static quorum.
 *
 * The last block asserts what makes them one cluster (one broker list, topics visible everywhere, a
 * controller failover after kill -9, a node of another cluster kept out); it needs the server to
 * honour controller.quorum.voters. The failover time printed is from the kill to the moment the
 * surviving nodes report the new controller (DescribeQuorum), polled, so slightly over the real one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseProperties } from '../../src/engine/config/properties.js';
import { describeFormation, LOCAL_CLUSTER_TIMEOUTS, startCluster, type LocalCluster } from '../../src/engine/cluster/local-cluster.js';
import { kt, ktSpawn } from '../cli/cli.js';
import { waitFor } from '../helpers/kt.js';
import { requireTool, run } from '../helpers/processes.js';
import {
  brokerIdsFrom,
  createTopicVia,
  metadataFrom,
  startTestCluster,
  waitForBrokers,
  waitForController,
  waitForTopic,
  type TestCluster,
} from '../helpers/cluster.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface PrintedNode {
  nodeId: number;
  port: number;
  controllerPort: number;
  pid: number;
  log: string;
}

/** What `kt server-start --nodes N` printed: its nodes and bootstrap string. */
function parseStartOutput(out: string) {
  const nodes: PrintedNode[] = [...out.matchAll(/^node (\d+): PLAINTEXT:\/\/127\.0\.0\.1:(\d+) CONTROLLER:\/\/127\.0\.0\.1:(\d+) pid (\d+) log (\S+)$/gm)].map((m) => ({
    nodeId: Number(m[1]),
    port: Number(m[2]),
    controllerPort: Number(m[3]),
    pid: Number(m[4]),
    log: m[5]!,
  }));
  const bootstrap = /^bootstrap servers: (\S+)$/m.exec(out)?.[1];
  const clusterId = /^kt local cluster (\S+): /m.exec(out)?.[1];
  const dir = / nodes? under (\S+)$/m.exec(out)?.[1];
  return { nodes, bootstrap, clusterId, dir };
}

/** Every `kt server-start --nodes` a test started; any still running after it (a failed assertion) is stopped. */
const started: ReturnType<typeof ktSpawn>[] = [];
async function stopStarted(): Promise<void> {
  for (const proc of started.splice(0)) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGTERM');
    await proc.exited;
  }
}
afterEach(stopStarted);

async function startCli(args: string[]) {
  const proc = ktSpawn(['server-start', '--nodes', '3', ...args]);
  started.push(proc);
  await waitFor(() => /^bootstrap servers: /m.test(proc.stdout) || proc.child.exitCode !== null, 'kt server-start --nodes 3 to print its bootstrap string', 60_000);
  expect(proc.child.exitCode, proc.stderr).toBeNull();
  return { proc, printed: parseStartOutput(proc.stdout) };
}

describe('kt server-start --nodes 3', () => {
  it('starts three node processes, prints the bootstrap string and each log, and stops them all on SIGTERM', async () => {
    const { proc, printed } = await startCli([]);
    expect(printed.nodes.map((n) => n.nodeId)).toEqual([1, 2, 3]);
    expect(printed.bootstrap).toBe(printed.nodes.map((n) => `127.0.0.1:${n.port}`).join(','));
    expect(new Set(printed.nodes.flatMap((n) => [n.port, n.controllerPort])).size).toBe(6);
    expect(proc.stdout).toContain(`controller.quorum.voters: ${printed.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',')}`);
    expect(printed.dir!.startsWith(tmpdir())).toBe(true);
    expect(proc.stdout).not.toContain('warning:');
    for (const n of printed.nodes) {
      expect(alive(n.pid)).toBe(true);
      expect(readFileSync(n.log, 'utf8')).toMatch(new RegExp(`\\[KtServer nodeId=${n.nodeId}\\] started \\(cluster\\.id=${printed.clusterId}`));
      // Each process serves Kafka clients on its port, as a member of the printed cluster.
      const md = await metadataFrom({ nodeId: n.nodeId, host: '127.0.0.1', port: n.port });
      expect(md.clusterId).toBe(printed.clusterId);
      // It printed the bootstrap string once every node listed all three (needs the quorum wired).
      expect(md.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    }
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.stdout).toMatch(/stopping 3 nodes\nstopped\n$/);
    for (const n of printed.nodes) expect(alive(n.pid)).toBe(false);
    expect(existsSync(printed.dir!)).toBe(false); // a temp base dir goes with the cluster
  });

  it('with --dir keeps the data, and a second start brings the same cluster back on the same ports (SIGINT stops it)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kt-cluster-dir-')), 'dev');
    try {
      // A Kafka-style server.properties: its per-node keys are replaced, the rest applies to every node.
      const file = join(dir, '..', 'server.properties');
      writeFileSync(file, 'node.id=9\nlisteners=PLAINTEXT://:9092\nlog.dirs=/nonexistent\nauto.create.topics.enable=false\n');
      const first = await startCli([file, '--dir', dir, '--override', 'num.partitions=2']);
      expect(first.printed.dir).toBe(dir);
      expect(first.proc.stdout).toContain("the config file's node.id, listeners, log.dirs are replaced by each node's own");
      expect(parseProperties(readFileSync(join(dir, 'node-3', 'server.properties'), 'utf8')).get('auto.create.topics.enable')).toBe('false');
      expect(await createTopicVia({ nodeId: 1, host: '127.0.0.1', port: first.printed.nodes[0]!.port }, 'kept')).toBe(0);
      first.proc.child.kill('SIGINT');
      expect(await first.proc.exited).toBe(0);
      expect(first.proc.stdout).toContain(`stopped; data and logs kept in ${dir}`);
      expect(parseProperties(readFileSync(join(dir, 'node-2', 'server.properties'), 'utf8')).get('num.partitions')).toBe('2');

      const resized = await kt(['server-start', '--nodes', '2', '--dir', dir]);
      expect(resized.code).toBe(1);
      expect(resized.stderr.trimEnd()).toMatch(/^Error: .* holds a 3-node cluster, not 2 nodes: use another --dir$/);

      const second = await startCli(['--dir', dir]);
      expect(second.printed.clusterId).toBe(first.printed.clusterId);
      expect(second.printed.bootstrap).toBe(first.printed.bootstrap);
      const md = await metadataFrom({ nodeId: 1, host: '127.0.0.1', port: second.printed.nodes[0]!.port });
      expect(md.topics.map((t) => t.name)).toContain('kept');
      expect(readFileSync(second.printed.nodes[0]!.log, 'utf8').match(/----- kt local cluster: node 1, start/g)).toHaveLength(2); // both runs, appended
      second.proc.child.kill('SIGTERM');
      expect(await second.proc.exited).toBe(0);
    } finally {
      await stopStarted(); // before its dir goes
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('refuses, in one line, overrides of what it sets per node, --nodes 0 and --dir without --nodes', async () => {
    for (const [args, pattern] of [
      [['--nodes', '3', '--override', 'node.id=5'], /a local cluster sets node\.id for each node itself/],
      [['--nodes', '2', '--override', 'listeners=PLAINTEXT://:9092', '--override', 'log.dirs=/tmp/x'], /sets listeners, log\.dirs for each node itself; remove them/],
      [['--nodes', '0'], /nodes/],
      [['--dir', '/tmp/kt-nowhere'], /--nodes/],
    ] as const) {
      const r = await kt(['server-start', ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});

describe('startCluster() in a Node process', () => {
  let cluster: LocalCluster;
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, overrides: { 'num.partitions': '3' } });
  });
  afterAll(async () => {
    const dir = cluster?.dir;
    await cluster?.stop();
    if (dir) expect(existsSync(dir)).toBe(false);
  });

  it('formats each node with one cluster id and its own node id, and configures one quorum of all three', () => {
    expect(cluster.bootstrap).toBe(cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(','));
    expect(cluster.voters).toBe(cluster.nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(','));
    for (const node of cluster.nodes) {
      const meta = parseProperties(readFileSync(join(cluster.dir, `node-${node.nodeId}`, 'data', 'meta.properties'), 'utf8'));
      expect([meta.get('cluster.id'), meta.get('node.id')]).toEqual([cluster.clusterId, String(node.nodeId)]);
      const props = parseProperties(readFileSync(node.propertiesFile, 'utf8'));
      expect(props.get('controller.quorum.voters')).toBe(cluster.voters);
      expect(props.get('process.roles')).toBe('broker,controller');
      expect(props.get('listeners')).toBe(`PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`);
      expect(props.get('num.partitions')).toBe('3');
      for (const [k, v] of Object.entries(LOCAL_CLUSTER_TIMEOUTS)) expect(props.get(k)).toBe(v);
    }
  });

  it('serves on every node as that cluster, every node listing all three brokers before it returns', async () => {
    expect(cluster.formation?.formed, cluster.formation && describeFormation(cluster.formation)).toBe(true);
    for (const node of cluster.nodes) {
      expect(node.running).toBe(true);
      const md = await metadataFrom(node);
      expect(md.clusterId).toBe(cluster.clusterId);
      expect(md.brokers.find((b) => b.nodeId === node.nodeId)).toMatchObject({ host: '127.0.0.1', port: node.port });
    }
  });

  it('kills a node with SIGKILL and restarts it on the same port and log dirs', async () => {
    const node = cluster.node(2);
    expect(await createTopicVia(node, 'before-crash', { partitions: 1 })).toBe(0);
    await waitForTopic(node, 'before-crash');
    const pid = node.pid!;
    expect(await node.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(alive(pid)).toBe(false);
    expect(node.running).toBe(false);
    await node.restart();
    expect(node.pid).not.toBe(pid);
    const md = await metadataFrom(node);
    expect(md.clusterId).toBe(cluster.clusterId);
    expect(md.topics.map((t) => t.name)).toContain('before-crash');
    expect(readFileSync(node.logFile, 'utf8').match(/----- kt local cluster: node 2, start \d+/g)).toHaveLength(2);
  });

  it('restarts a node cleanly (SIGTERM)', async () => {
    const node = cluster.node(3);
    expect(await node.restart('SIGTERM')).toEqual({ code: 0, signal: null });
    expect((await metadataFrom(node)).clusterId).toBe(cluster.clusterId);
  });
});

/**
 * One cluster of three: these need the server to honour controller.quorum.voters (a Raft quorum of
 * the three controllers, brokers registering with the active one). Until then each node is a
 * one-node cluster of its own and these fail, saying what each node answered.
 */
describe('three nodes are one cluster', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('every node lists the same three brokers and agrees on one active controller', async () => {
    await waitForBrokers(cluster, { expected: [1, 2, 3], timeoutMs: 15_000 });
    const controller = await waitForController(cluster, { timeoutMs: 10_000 });
    expect([1, 2, 3]).toContain(controller.nodeId);
  });

  it('a topic created through node 1 is visible through node 3', async () => {
    expect(await createTopicVia(cluster.node(1), 'through-node-1', { partitions: 2 })).toBe(0);
    await waitForTopic(cluster.node(3), 'through-node-1', { timeoutMs: 10_000 });
    const md = await metadataFrom(cluster.node(3));
    expect(md.topics.find((t) => t.name === 'through-node-1')?.partitions).toHaveLength(2);
  });

  it('kcat -L against each node sees the same cluster: three brokers, the same topics', async () => {
    const kcat = requireTool('/usr/bin/kcat', 'kcat');
    const views = [];
    for (const node of cluster.nodes) {
      const r = await run(kcat, ['-L', '-J', '-b', node.bootstrap, '-m', '10']);
      expect(r.code, r.stderr).toBe(0);
      const md = JSON.parse(r.stdout) as { brokers: { id: number; name: string }[]; topics: { topic: string }[] };
      views.push({
        brokers: md.brokers.map((b) => `${b.id}@${b.name}`).sort(),
        topics: md.topics.map((t) => t.topic).sort(),
      });
    }
    expect(views[0]!.brokers).toEqual(cluster.nodes.map((n) => `${n.nodeId}@${n.bootstrap}`));
    expect(views[0]!.topics).toContain('through-node-1');
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
  });

  it('kill -9 of the active controller: the others elect a new one, go on creating topics and drop the dead broker', async () => {
    const old = await waitForController(cluster, { timeoutMs: 10_000 });
    const killedAt = Date.now();
    await cluster.node(old.nodeId).kill('SIGKILL');
    const next = await waitForController(cluster, { not: old.nodeId, timeoutMs: 10_000 });
    const failoverMs = Date.now() - killedAt;
    console.log(`controller failover after kill -9 of node ${old.nodeId}: node ${next.nodeId} in ${failoverMs} ms`);
    const [a, b] = cluster.nodes.filter((n) => n.running);
    expect(await createTopicVia(a!, 'after-failover')).toBe(0);
    await waitForTopic(b!, 'after-failover', { timeoutMs: 10_000 });
    await waitForBrokers(cluster, { expected: cluster.nodes.filter((n) => n.running).map((n) => n.nodeId), timeoutMs: 10_000 });

    // Back again: it catches up with what was committed while it was down.
    await cluster.node(old.nodeId).restart();
    await waitForTopic(cluster.node(old.nodeId), 'after-failover', { timeoutMs: 15_000 });
    await waitForBrokers(cluster, { expected: [1, 2, 3], timeoutMs: 15_000 });
  });

  it('a node reformatted for another cluster refuses to start, with a one-line reason', async () => {
    const node = cluster.node(3);
    await node.kill('SIGTERM');
    const data = join(cluster.dir, 'node-3', 'data');
    rmSync(data, { recursive: true, force: true });
    const other = (await kt(['storage', 'random-uuid'])).stdout.trim();
    expect((await kt(['storage', 'format', '-t', other, '-c', node.propertiesFile])).code).toBe(0);
    const error = await node.start(20_000).then(() => undefined, (err: Error) => err);
    expect(error?.message, node.output()).toMatch(new RegExp(`exited \\(code 1\\) before it started: .*Error: .*${other}`));
    expect(await brokerIdsFrom(cluster.node(1))).not.toContain(3);
  });
});
