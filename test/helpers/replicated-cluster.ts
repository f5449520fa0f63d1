/**
 * Questions about replicated partitions of a running local cluster (test/helpers/cluster.ts), for
 * the fault tests of test/replication-cluster: who leads a partition and who is in its ISR as every
 * running node's Metadata says it, waiting for a full ISR after a restart, reading a partition back
 * from its current leader with kt's own Fetch, and a group's coordinator and committed offsets.
 *
 * Every question goes to one node on a fresh connection bounded by a timeout (a killed node never
 * answers), so a test can ask while nodes die and come back.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { PartitionMetadata, TopicMetadata } from '../../src/engine/client/metadata.js';
import type { LocalCluster, LocalClusterNode } from '../../src/engine/cluster/local-cluster.js';
import { connectTo, metadataFrom, within, type NodeAddress } from './cluster.js';
import { waitFor } from './kt.js';
import { fetchAll, type FetchedPartition } from './topics.js';

const running = (cluster: LocalCluster): LocalClusterNode[] => cluster.nodes.filter((n) => n.running);
const sameSet = (a: number[], b: number[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',');

/** CreateTopics through this node with a replication factor and topic configs; throws unless created. */
export async function createReplicatedTopic(
  node: NodeAddress,
  name: string,
  options: { partitions: number; replicationFactor: number; configs?: Record<string, string>; timeoutMs?: number },
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const conn = await connectTo(node, timeoutMs);
  try {
    const response = await within(
      conn.send(19, conn.versionFor(19, 7)!, {
        topics: [
          {
            name,
            numPartitions: options.partitions,
            replicationFactor: options.replicationFactor,
            assignments: [],
            configs: Object.entries(options.configs ?? {}).map(([k, value]) => ({ name: k, value })),
          },
        ],
        timeoutMs,
        validateOnly: false,
      }),
      timeoutMs,
      `node ${node.nodeId} (CreateTopics ${name})`,
    );
    const t = response.topics[0]!;
    if (t.errorCode !== 0) throw new Error(`CreateTopics ${name} via node ${node.nodeId}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
  } finally {
    conn.close();
  }
}

/** Every topic (internal ones included) as each running node's Metadata lists it; a node that does not answer is missing. */
export async function topicViews(cluster: LocalCluster, timeoutMs = 2000): Promise<Map<number, TopicMetadata[]>> {
  const views = new Map<number, TopicMetadata[]>();
  await Promise.all(
    running(cluster).map(async (n) => {
      const md = await metadataFrom(n, timeoutMs).catch(() => undefined);
      if (md) views.set(n.nodeId, md.topics);
    }),
  );
  return views;
}

const describePartition = (topic: string, p: PartitionMetadata) => `${topic}-${p.partition} leader ${p.leader}@${p.leaderEpoch} replicas [${p.replicas}] isr [${p.isr}]`;

/**
 * What is not yet fully replicated, as `topics` ({} = every topic) stand in these views: each
 * running node must answer, list the same leader and epoch, a running leader, and ISR = replicas.
 * Empty when all is well.
 */
function replicationGaps(cluster: LocalCluster, views: Map<number, TopicMetadata[]>, topics?: string[]): string[] {
  const gaps: string[] = [];
  const live = new Set(running(cluster).map((n) => n.nodeId));
  for (const id of live) if (!views.has(id)) gaps.push(`node ${id} did not answer Metadata`);
  const first = views.values().next().value as TopicMetadata[] | undefined;
  if (!first) return gaps.length > 0 ? gaps : ['no node answered'];
  const names = topics ?? first.map((t) => t.name);
  for (const name of names) {
    const seen = new Map<number, string>(); // partition -> first node's description
    for (const [nodeId, list] of views) {
      const topic = list.find((t) => t.name === name);
      if (!topic || topic.errorCode !== 0 || topic.partitions.length === 0) {
        gaps.push(`node ${nodeId} does not list ${name}`);
        continue;
      }
      for (const p of topic.partitions) {
        const d = describePartition(name, p);
        if (p.leader < 0 || !live.has(p.leader)) gaps.push(`node ${nodeId}: ${d}: no running leader`);
        else if (!sameSet(p.isr, p.replicas)) gaps.push(`node ${nodeId}: ${d}: ISR short`);
        const other = seen.get(p.partition);
        if (other === undefined) seen.set(p.partition, `${p.leader}@${p.leaderEpoch}`);
        else if (other !== `${p.leader}@${p.leaderEpoch}`) gaps.push(`node ${nodeId}: ${d}: another node says leader ${other}`);
      }
    }
  }
  return gaps;
}

/**
 * Wait until every partition of `topics` (every topic, internal ones included, by default) has a
 * running leader all running nodes agree on and its whole replica set in the ISR: a restarted node
 * is back in every ISR, so another node may die without losing min.insync.replicas or the quorum.
 */
export async function waitForFullIsr(cluster: LocalCluster, options: { topics?: string[]; timeoutMs?: number } = {}): Promise<void> {
  let gaps: string[] = [];
  try {
    await waitFor(
      async () => {
        gaps = replicationGaps(cluster, await topicViews(cluster), options.topics);
        return gaps.length === 0;
      },
      `every partition${options.topics ? ` of ${options.topics.join(', ')}` : ''} to have a running leader and a full ISR on every running node`,
      options.timeoutMs ?? 60_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; still: ${gaps.slice(0, 12).join('; ')}${gaps.length > 12 ? ` (+${gaps.length - 12})` : ''}`);
  }
}

/** The partitions of `topic` as the first running node that answers lists them (leader -1 while there is none). */
export async function partitionsOf(cluster: LocalCluster, topic: string): Promise<PartitionMetadata[]> {
  for (const n of running(cluster)) {
    const md = await metadataFrom(n, 2000).catch(() => undefined);
    const t = md?.topics.find((x) => x.name === topic && x.errorCode === 0);
    if (t) return t.partitions;
  }
  throw new Error(`no running node lists ${topic}`);
}

/** The leader of topic-partition as every running node agrees on it, waiting for one that is running (and not `not`). */
export async function waitForLeader(cluster: LocalCluster, topic: string, partition: number, options: { not?: number; timeoutMs?: number } = {}): Promise<number> {
  let leader = -1;
  let last = '';
  await waitFor(
    async () => {
      const views = await topicViews(cluster);
      const leaders = new Set<string>();
      for (const [nodeId, list] of views) {
        const p = list.find((t) => t.name === topic)?.partitions.find((x) => x.partition === partition);
        leaders.add(p ? `${p.leader}` : 'none');
        last = `node ${nodeId}: ${p ? describePartition(topic, p) : 'no such partition'}`;
      }
      const [only] = leaders;
      leader = leaders.size === 1 ? Number(only) : -1;
      return views.size === running(cluster).length && leader >= 0 && leader !== options.not && running(cluster).some((n) => n.nodeId === leader);
    },
    `a running leader of ${topic}-${partition}${options.not !== undefined ? ` other than ${options.not}` : ''}`,
    options.timeoutMs ?? 30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last: ${last})`);
  });
  return leader;
}

/**
 * Read topic-partition from its current leader with kt's own Fetch (topics.ts fetchAll: up to the
 * high watermark), asking Metadata who leads and trying again while leadership moves.
 */
export async function fetchAllFromLeader(cluster: LocalCluster, topic: string, partition: number, timeoutMs = 30_000): Promise<FetchedPartition & { leader: number }> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    const leader = await waitForLeader(cluster, topic, partition, { timeoutMs: Math.max(1000, deadline - Date.now()) });
    let conn: BrokerConnection | undefined;
    try {
      conn = await connectTo(cluster.node(leader));
      const fetched = await within(fetchAll(conn, topic, partition), 20_000, `node ${leader} (Fetch ${topic}-${partition})`);
      return { ...fetched, leader };
    } catch (err) {
      lastError = `node ${leader}: ${(err as Error).message}`;
    } finally {
      conn?.close();
    }
    if (Date.now() > deadline) throw new Error(`could not read ${topic}-${partition} from its leader within ${timeoutMs} ms: ${lastError}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface CoordinatorAnswer {
  errorCode: number;
  nodeId: number;
}

/** FindCoordinator (a group, key type 0) as this node answers it. */
export async function findGroupCoordinatorVia(node: NodeAddress, groupId: string, timeoutMs = 3000): Promise<CoordinatorAnswer> {
  const conn = await connectTo(node, timeoutMs);
  try {
    const response = await within(conn.send(10, conn.versionFor(10, 3)!, { key: groupId, keyType: 0 }), timeoutMs, `node ${node.nodeId} (FindCoordinator)`);
    return { errorCode: response.errorCode, nodeId: response.errorCode === 0 ? response.nodeId : -1 };
  } finally {
    conn.close();
  }
}

/** The group's coordinator as a running node (other than `not`) says, waiting for an answer without error that names a running node. */
export async function waitForGroupCoordinator(cluster: LocalCluster, groupId: string, options: { not?: number; timeoutMs?: number } = {}): Promise<number> {
  let found = -1;
  let last = '';
  await waitFor(
    async () => {
      for (const n of running(cluster)) {
        const a = await findGroupCoordinatorVia(n, groupId).catch((err: Error) => ({ errorCode: -2, nodeId: -1, message: err.message }));
        last = `node ${n.nodeId}: ${JSON.stringify(a)}`;
        if (a.errorCode === 0 && a.nodeId !== options.not && running(cluster).some((r) => r.nodeId === a.nodeId)) {
          found = a.nodeId;
          return true;
        }
      }
      return false;
    },
    `a running coordinator of group ${groupId}${options.not !== undefined ? ` other than ${options.not}` : ''}`,
    options.timeoutMs ?? 30_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last: ${last})`);
  });
  return found;
}

export interface CommittedOffsets {
  /** The group-level error (0 when the answer holds offsets). */
  errorCode: number;
  /** Partition -> committed offset (-1: none); empty on error. */
  offsets: Map<number, number>;
}

/** OffsetFetch (v7, requireStable) of `topic`'s partitions for `groupId`, asked of this node (which must be the coordinator). */
export async function committedOffsetsVia(node: NodeAddress, groupId: string, topic: string, partitions: number[], timeoutMs = 3000): Promise<CommittedOffsets> {
  const conn = await connectTo(node, timeoutMs);
  try {
    const response = await within(
      conn.send(9, conn.versionFor(9, 7)!, { groupId, topics: [{ name: topic, partitionIndexes: partitions }], requireStable: true }),
      timeoutMs,
      `node ${node.nodeId} (OffsetFetch)`,
    );
    const offsets = new Map<number, number>();
    if (response.errorCode !== 0) return { errorCode: response.errorCode, offsets };
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) return { errorCode: p.errorCode, offsets: new Map() };
        offsets.set(p.partitionIndex, Number(p.committedOffset));
      }
    }
    return { errorCode: 0, offsets };
  } finally {
    conn.close();
  }
}

/**
 * The tail of every node's server.log (all its starts, unlike cluster.logs(), which holds only the
 * current process's output), for a failing assertion's message; the whole logs are copied to a
 * directory kept after the cluster's is removed, named in the text.
 */
export function clusterLogTails(cluster: LocalCluster, label: string, bytesPerNode = 24 * 1024): string {
  const keep = join(tmpdir(), 'kt-replication-failures', `${label}-${Date.now()}`);
  mkdirSync(keep, { recursive: true });
  const parts = [`(full node logs copied to ${keep})`];
  for (const n of cluster.nodes) {
    if (!existsSync(n.logFile)) continue;
    copyFileSync(n.logFile, join(keep, `node-${n.nodeId}.log`));
    const size = statSync(n.logFile).size;
    const text = readFileSync(n.logFile, 'utf8');
    parts.push(`===== node ${n.nodeId} (${n.logFile}, last ${Math.min(size, bytesPerNode)} of ${size} bytes) =====\n${text.slice(-bytesPerNode)}`);
  }
  return parts.join('\n');
}
