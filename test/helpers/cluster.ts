/**
 * Multi-node kt clusters for the cluster tests: N real `bin/kt server-start` processes (so
 * `npm run build` first), started by startCluster() with the configs `kt server-start --nodes N`
 * uses (one cluster id formatted into every node's dirs, every node a voter, fast timeouts), on
 * ports fixed at creation so a node restarts on the same ports and log dirs. A node can be killed
 * (SIGKILL is a real crash), stopped with SIGTERM and restarted through its LocalClusterNode.
 *
 * With `netns: true` every node runs in a network namespace of its own (test/helpers/netns.ts,
 * needs root and iproute2) on its own address, ports 9092/9093, so a test can cut one off with
 * `cluster.net.isolate(nodeId - 1)` and see what a partition does, not only a kill.
 *
 * Questions are asked of one node directly (a connection to that node only, never rerouted by a
 * client's metadata), each bounded by a timeout so a partitioned node answers "no answer".
 */
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { parseMetadata, type MetadataSnapshot } from '../../src/engine/client/metadata.js';
import { type LocalCluster, type LocalClusterNode, startCluster, type StartClusterOptions } from '../../src/engine/cluster/local-cluster.js';
import { waitFor } from './kt.js';
import { createNetwork, type VirtualNetwork } from './netns.js';

/** Where to reach one node: a LocalClusterNode, or what `kt server-start --nodes` printed. */
export type NodeAddress = Pick<LocalClusterNode, 'nodeId' | 'host' | 'port'>;

export interface TestClusterOptions {
  nodes?: number;
  overrides?: Record<string, string>;
  /** Run each node in its own network namespace (root and iproute2 needed; fails, never skips, without them). */
  netns?: boolean;
  logLevel?: string;
  /** Keep the nodes' dirs after stop() (to read their logs). */
  keepDir?: boolean;
  fastTimeouts?: boolean;
  /** How long startTestCluster waits for every node to list every broker (startCluster's default 30 s; 0 not at all). */
  formationTimeoutMs?: number;
}

export interface TestCluster extends LocalCluster {
  /** The virtual network in netns mode. */
  net?: VirtualNetwork;
  /** Every node's log, each under its own heading, for a failing assertion's message. */
  logs(): string;
}

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const count = options.nodes ?? 3;
  const net = options.netns ? createNetwork(count) : undefined;
  const start: StartClusterOptions = {
    nodes: count,
    overrides: options.overrides,
    logLevel: options.logLevel ?? process.env.KT_TEST_LOG_LEVEL ?? 'info',
    fastTimeouts: options.fastTimeouts,
    formationTimeoutMs: options.formationTimeoutMs,
    removeDirOnStop: !options.keepDir && !process.env.KT_KEEP_CLUSTER_DIRS,
  };
  if (net) {
    start.endpoints = net.nodes.map((n) => ({ host: n.address, port: 9092, controllerPort: 9093 }));
    start.spawner = (endpoints, command, args, spawnOptions) => net.spawn(endpoints.nodeId - 1, command, args, spawnOptions);
  }
  let cluster: LocalCluster;
  try {
    cluster = await startCluster(start);
  } catch (err) {
    net?.destroy();
    throw err;
  }
  return {
    ...cluster,
    net,
    node: cluster.node,
    logs: () => cluster.nodes.map((n) => `===== node ${n.nodeId} (${n.logFile}) =====\n${n.output()}`).join('\n'),
    async stop() {
      try {
        return await cluster.stop();
      } finally {
        net?.destroy();
      }
    },
  };
}

/** Resolve with `promise`, or reject after `ms` saying what did not answer (a partitioned node never does). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A connection to this node alone. */
export async function connectTo(node: NodeAddress, timeoutMs = 5000): Promise<BrokerConnection> {
  const conn = await BrokerConnection.open(node.host, node.port, { clientId: `kt-cluster-test-${node.nodeId}`, timeoutMs });
  await within(conn.negotiate(), timeoutMs, `node ${node.nodeId} (ApiVersions)`);
  return conn;
}

/** One request to this node alone, on a fresh connection closed afterwards. */
async function ask<T>(node: NodeAddress, what: string, timeoutMs: number, fn: (conn: BrokerConnection) => Promise<T>): Promise<T> {
  const conn = await connectTo(node, timeoutMs);
  try {
    return await within(fn(conn), timeoutMs, `node ${node.nodeId} (${what})`);
  } finally {
    conn.close();
  }
}

/** Metadata (all topics) as this node answers it. */
export function metadataFrom(node: NodeAddress, timeoutMs = 5000): Promise<MetadataSnapshot> {
  return ask(node, 'Metadata', timeoutMs, async (conn) => {
    const version = conn.versionFor(3, 12)!;
    const response = await conn.send(3, version, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
    return parseMetadata(response);
  });
}

/** The broker ids this node's Metadata lists, sorted. */
export async function brokerIdsFrom(node: NodeAddress, timeoutMs = 5000): Promise<number[]> {
  return (await metadataFrom(node, timeoutMs)).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
}

/**
 * Wait until every node in `askNodes` (the running ones by default) lists exactly `expected` broker
 * ids in its Metadata (the running nodes' ids by default): a cluster whose live brokers all
 * registered and whose dead ones were fenced.
 */
export async function waitForBrokers(
  cluster: LocalCluster,
  options: { expected?: number[]; askNodes?: LocalClusterNode[]; timeoutMs?: number } = {},
): Promise<void> {
  const askNodes = options.askNodes ?? cluster.nodes.filter((n) => n.running);
  const expected = [...(options.expected ?? cluster.nodes.filter((n) => n.running).map((n) => n.nodeId))].sort((a, b) => a - b);
  const seen = new Map<number, string>();
  try {
    await waitFor(
      async () => {
        for (const node of askNodes) {
          const ids = await brokerIdsFrom(node, 2000).then((l) => l.join(','), (err: Error) => `error: ${err.message}`);
          seen.set(node.nodeId, ids);
        }
        return askNodes.every((n) => seen.get(n.nodeId) === expected.join(','));
      },
      `Metadata from nodes ${askNodes.map((n) => n.nodeId).join(', ')} to list brokers ${expected.join(', ')}`,
      options.timeoutMs ?? 20_000,
    );
  } catch (err) {
    const last = [...seen].map(([id, ids]) => `node ${id}: [${ids}]`).join('; ');
    throw new Error(`${(err as Error).message} (last answers: ${last})`);
  }
}

/** CreateTopics sent to this node (it forwards to the active controller when it is not it). */
export async function createTopicVia(node: NodeAddress, name: string, options: { partitions?: number; replicationFactor?: number; timeoutMs?: number } = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return ask(node, 'CreateTopics', timeoutMs, async (conn) => {
    const version = conn.versionFor(19, 7)!;
    const response = await conn.send(19, version, {
      topics: [{ name, numPartitions: options.partitions ?? 1, replicationFactor: options.replicationFactor ?? 1, assignments: [], configs: [] }],
      timeoutMs,
      validateOnly: false,
    });
    return response.topics[0]!.errorCode;
  });
}

/** DeleteTopics sent to this node. */
export async function deleteTopicVia(node: NodeAddress, name: string, timeoutMs = 10_000): Promise<number> {
  return ask(node, 'DeleteTopics', timeoutMs, async (conn) => {
    const version = conn.versionFor(20, 5)!;
    const response = await conn.send(20, version, { topicNames: [name], topics: [], timeoutMs });
    return response.responses[0]!.errorCode;
  });
}

/** Wait until this node's Metadata lists `topic` (or, with `present: false`, no longer does). */
export async function waitForTopic(node: NodeAddress, topic: string, options: { present?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const present = options.present ?? true;
  await waitFor(
    async () => {
      const md = await metadataFrom(node, 2000).catch(() => undefined);
      return !!md && md.topics.some((t) => t.name === topic && t.errorCode === 0) === present;
    },
    `node ${node.nodeId}'s Metadata to ${present ? 'list' : 'drop'} topic ${topic}`,
    options.timeoutMs ?? 20_000,
  );
}

export interface ActiveController {
  nodeId: number;
  /** The quorum's epoch (DescribeQuorum), or -1 when only Metadata's controllerId was available. */
  epoch: number;
  /** How it was found. */
  via: 'DescribeQuorum' | 'Metadata';
}

export interface QuorumAnswer {
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: number[];
}

/** DescribeQuorum for __cluster_metadata-0 as this node answers it (a non-leader may say NOT_LEADER_OR_FOLLOWER). */
export function quorumFrom(node: NodeAddress, timeoutMs = 2000): Promise<QuorumAnswer> {
  return ask(node, 'DescribeQuorum', timeoutMs, async (conn) => {
    const version = conn.versionFor(55);
    if (version === undefined) throw new Error(`node ${node.nodeId} does not serve DescribeQuorum`);
    const response = await conn.send(55, version, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    const p = response.topics[0]?.partitions[0];
    const errorCode = response.errorCode !== 0 ? response.errorCode : (p?.errorCode ?? -1);
    return {
      errorCode,
      leaderId: p?.leaderId ?? -1,
      leaderEpoch: p?.leaderEpoch ?? -1,
      highWatermark: p?.highWatermark ?? -1,
      voters: (p?.currentVoters ?? []).map((v) => v.replicaId),
    };
  });
}

/**
 * The active controller, as the running nodes report it: the leader in every DescribeQuorum answer
 * (what `kt metadata-quorum describe --status` prints; nodes that are not the leader may answer
 * NOT_LEADER_OR_FOLLOWER instead, as Kafka 3.x controllers do), undefined while answers disagree
 * (an election). Only when no node serves DescribeQuorum, Metadata's controllerId, if all agree.
 */
export async function activeController(cluster: LocalCluster): Promise<ActiveController | undefined> {
  const running = cluster.nodes.filter((n) => n.running);
  const answers = await Promise.all(running.map((n) => quorumFrom(n).catch(() => undefined)));
  const leaders = answers.filter((a): a is QuorumAnswer => !!a && a.errorCode === 0 && a.leaderId >= 0);
  if (leaders.length > 0) {
    const first = leaders[0]!;
    if (!leaders.every((a) => a.leaderId === first.leaderId && a.leaderEpoch === first.leaderEpoch)) return undefined;
    return { nodeId: first.leaderId, epoch: first.leaderEpoch, via: 'DescribeQuorum' };
  }
  if (answers.some((a) => a !== undefined)) return undefined; // they serve it, and none knows a leader yet
  const ids = await Promise.all(running.map((n) => metadataFrom(n, 2000).then((md) => md.controllerId, () => -1)));
  return ids.length > 0 && ids[0]! >= 0 && ids.every((id) => id === ids[0]) ? { nodeId: ids[0]!, epoch: -1, via: 'Metadata' } : undefined;
}

/** Wait until the running nodes report one active controller, running and other than `not` (a failover); resolves with it. */
export async function waitForController(cluster: LocalCluster, options: { not?: number; timeoutMs?: number } = {}): Promise<ActiveController> {
  let found: ActiveController | undefined;
  await waitFor(
    async () => {
      const c = await activeController(cluster);
      found = c && c.nodeId !== options.not && cluster.nodes.some((n) => n.nodeId === c.nodeId && n.running) ? c : undefined;
      return !!found;
    },
    `the running nodes to report an active controller${options.not !== undefined ? ` other than ${options.not}` : ''}`,
    options.timeoutMs ?? 20_000,
  );
  return found!;
}
