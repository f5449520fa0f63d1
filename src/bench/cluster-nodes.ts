/**
 * Local KRaft clusters for the cluster benchmark: started with startCluster() (what
 * `kt server-start --nodes N` runs: real `bin/kt` processes on free loopback ports), always stopped
 * and their dirs removed, on success, on a thrown error and on Ctrl-C alike, and questions asked of
 * one node at a time (a connection to that node only, bounded in time) to find the active
 * controller and see that every voter has caught up.
 */
import { rmSync } from 'node:fs';
import { BrokerConnection } from '../engine/client/broker-connection.js';
import { type LocalCluster, type LocalClusterNode, startCluster } from '../engine/cluster/local-cluster.js';
import type { Message } from '../engine/protocol/codec.js';

export { LOCAL_CLUSTER_TIMEOUTS } from '../engine/cluster/local-cluster.js';

export type NodeAddress = Pick<LocalClusterNode, 'nodeId' | 'host' | 'port'>;

/** Poll `check` every `everyMs` until it holds; throws `what` past `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolve with `promise`, or reject after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A negotiated connection to this node alone. */
export async function connectTo(node: NodeAddress, timeoutMs = 5000): Promise<BrokerConnection> {
  const conn = await BrokerConnection.open(node.host, node.port, { clientId: `kt-bench-cluster-${node.nodeId}`, timeoutMs });
  try {
    await within(conn.negotiate(), timeoutMs, `node ${node.nodeId} (ApiVersions)`);
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

/** CreateTopics of one topic (1 partition, rf 1) on `conn`; its error code (0: committed by the active controller). */
export async function createTopicOn(conn: BrokerConnection, name: string, timeoutMs: number): Promise<number> {
  const version = conn.versionFor(19, 7)!;
  const response = await within(
    conn.send(19, version, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs, validateOnly: false }) as Promise<Message>,
    timeoutMs + 1000,
    'CreateTopics',
  );
  return (response.topics as Message[])[0]!.errorCode as number;
}

export interface QuorumView {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  /** Each voter's log end offset as the leader last saw it (only the leader knows them). */
  voterEnds: Map<number, number>;
}

/** DescribeQuorum as this node answers it; undefined when it does not answer, errs or knows no leader. */
export async function quorumOf(node: NodeAddress, timeoutMs = 2000): Promise<QuorumView | undefined> {
  let conn: BrokerConnection | undefined;
  try {
    conn = await connectTo(node, timeoutMs);
    const version = conn.versionFor(55);
    if (version === undefined) return undefined;
    const response = (await within(
      conn.send(55, version, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] }) as Promise<Message>,
      timeoutMs,
      `node ${node.nodeId} (DescribeQuorum)`,
    )) as Message;
    const p = (response.topics as Message[])[0]?.partitions[0] as Message | undefined;
    if (response.errorCode !== 0 || !p || p.errorCode !== 0 || p.leaderId < 0) return undefined;
    return {
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      highWatermark: p.highWatermark,
      voterEnds: new Map((p.currentVoters as Message[]).map((v) => [v.replicaId as number, v.logEndOffset as number])),
    };
  } catch {
    return undefined;
  } finally {
    conn?.close();
  }
}

/**
 * The active controller once it has settled: every running node that answers DescribeQuorum names
 * the same leader in the same epoch, that leader is running, its own answer says the log of every
 * running voter has reached its high watermark (a restarted node has caught up), and it is not `not`.
 */
export async function settledController(cluster: LocalCluster, options: { not?: number; timeoutMs?: number } = {}): Promise<QuorumView> {
  let settled: QuorumView | undefined;
  await waitUntil(
    async () => {
      const running = cluster.nodes.filter((n) => n.running);
      const views = await Promise.all(running.map((n) => quorumOf(n)));
      const first = views.find((v) => v !== undefined);
      if (!first || first.leaderId === options.not || !views.every((v) => v && v.leaderId === first.leaderId && v.leaderEpoch === first.leaderEpoch)) return false;
      const leaderView = views[running.findIndex((n) => n.nodeId === first.leaderId)];
      if (!leaderView) return false;
      const runningIds = new Set(running.map((n) => n.nodeId));
      const caughtUp = [...leaderView.voterEnds].every(([id, end]) => !runningIds.has(id) || end >= leaderView.highWatermark);
      settled = leaderView;
      return caughtUp;
    },
    `one active controller${options.not !== undefined ? ` other than ${options.not}` : ''} with every voter caught up`,
    options.timeoutMs ?? 30_000,
    50,
  );
  return settled!;
}

/**
 * A cluster that cannot outlive the benchmark: Ctrl-C, SIGTERM or an exit kill its nodes (SIGKILL,
 * synchronously) and remove its dir; `stop` shuts it down cleanly (SIGTERM, SIGKILL after 5 s).
 */
export interface GuardedCluster {
  cluster: LocalCluster;
  stop(): Promise<void>;
}

export async function startGuardedCluster(nodes: number, fastTimeouts: boolean, overrides: Record<string, string> = {}): Promise<GuardedCluster> {
  const cluster = await startCluster({ nodes, fastTimeouts, overrides, formationTimeoutMs: 60_000 });
  const killAll = () => {
    for (const n of cluster.nodes) {
      const pid = n.pid;
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    rmSync(cluster.dir, { recursive: true, force: true });
  };
  const onSignal = (sig: NodeJS.Signals) => {
    killAll();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      await Promise.all(cluster.nodes.map((n) => n.stop(5000)));
      await cluster.stop();
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', killAll);
      rmSync(cluster.dir, { recursive: true, force: true });
    }
  };
  if (cluster.formation && !cluster.formation.formed) {
    const listed = [...cluster.formation.listed].map(([id, ids]) => `node ${id}: [${ids?.join(',') ?? 'no answer'}]`).join('; ');
    await stop();
    throw new Error(`the ${nodes}-node cluster did not form within 60 s (${listed})`);
  }
  return { cluster, stop };
}
