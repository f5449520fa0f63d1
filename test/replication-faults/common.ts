/**
 * What the replication fault tests share: waiting on a condition (never a fixed sleep) with the last
 * value seen in the failure, every failure carrying the nodes' logs (and a copy of them kept on disk,
 * since the cluster's dir goes with stop()), and "settled": every replica's log on disk ending where
 * the leader's high watermark is.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTo, within, type TestCluster } from '../helpers/cluster.js';
import type { VirtualNetwork } from '../helpers/netns.js';
import { fetchAll } from '../helpers/topics.js';
import { describeLog, partitionFrom, readReplicaLog, type PartitionView, type ReplicaLog } from '../helpers/replica-logs.js';

const LOG_TAIL = 40_000;

/**
 * Remove the cuts between two nodes only (both ways), leaving their other cuts: VirtualNetwork heals
 * a node from everyone or nothing, and a test may want the brokers reconnected before the clients.
 * Goes through the network's own uncut so its record of active cuts stays right.
 */
export function healBetween(net: VirtualNetwork, a: number, b: number): void {
  const [x, y] = [net.node(a).address, net.node(b).address];
  const inner = net as unknown as { uncut(from: string, to: string): void };
  for (const [from, to] of [[x, y], [y, x]] as const) if (net.activeCuts().includes(`${from}>${to}`)) inner.uncut(from, to);
}

/** Every node's log (its last LOG_TAIL characters), each under a heading, copied to a kept dir. */
export function nodeLogs(cluster: TestCluster): string {
  const keep = mkdtempSync(join(tmpdir(), 'kt-replication-faults-logs-'));
  const parts: string[] = [`(full node logs copied to ${keep})`];
  for (const n of cluster.nodes) {
    mkdirSync(keep, { recursive: true });
    if (existsSync(n.logFile)) copyFileSync(n.logFile, join(keep, `node-${n.nodeId}.log`));
    const out = n.output();
    parts.push(`===== node ${n.nodeId} (${n.running ? 'running' : 'down'}) =====\n${out.length > LOG_TAIL ? `...${out.slice(-LOG_TAIL)}` : out}`);
  }
  return parts.join('\n');
}

/** Run a test body; a failure's message gets `context()` (clients' reports) and the nodes' logs appended. */
export async function withLogs(cluster: () => TestCluster, body: () => Promise<void>, context: () => string = () => ''): Promise<void> {
  try {
    await body();
  } catch (err) {
    cluster().net?.healAll();
    const e = err as Error;
    let extra = '';
    try {
      extra = context();
    } catch (ctxErr) {
      extra = `(context failed: ${(ctxErr as Error).message})`;
    }
    e.message = `${e.message}\n\n${extra}\n\n${nodeLogs(cluster())}`;
    throw e;
  }
}

/** Poll `probe` until `done` holds for its value; the failure says what the last value was. */
export async function until<T>(what: string, probe: () => Promise<T> | T, done: (t: T) => boolean, timeoutMs = 30_000, show: (t: T) => string = (t) => JSON.stringify(t)): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: string | undefined;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = (err as Error).message;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${lastError ? `error ${lastError}` : last === undefined ? 'nothing' : show(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The partition as each of `nodeIds` reports it (undefined for a node that does not answer). */
export async function viewsFrom(cluster: TestCluster, nodeIds: number[], topic: string, partition = 0): Promise<Map<number, PartitionView | undefined>> {
  const views = await Promise.all(nodeIds.map((id) => partitionFrom(cluster.node(id), topic, partition, 2000).catch(() => undefined)));
  return new Map(nodeIds.map((id, i) => [id, views[i]]));
}

/** The high watermark the leader serves to consumers (a Fetch from offset 0 to it). */
export async function leaderHighWatermark(cluster: TestCluster, leaderId: number, topic: string, partition = 0): Promise<{ highWatermark: number; values: { offset: number; value: string | null }[] }> {
  const conn = await connectTo(cluster.node(leaderId), 3000);
  try {
    const fetched = await within(fetchAll(conn, topic, partition), 10_000, `node ${leaderId} (Fetch ${topic}-${partition})`);
    return { highWatermark: fetched.highWatermark, values: fetched.records.map((r) => ({ offset: r.offset, value: r.value === null ? null : r.value.toString('utf8') })) };
  } finally {
    conn.close();
  }
}

export interface Settled {
  leader: number;
  view: PartitionView;
  highWatermark: number;
  logs: ReplicaLog[];
}

/**
 * Wait until the partition has a leader all of `replicas` agree on, its ISR is exactly `replicas`,
 * and every replica's log on disk ends at the leader's high watermark: nothing in flight anywhere.
 */
export async function waitSettled(cluster: TestCluster, topic: string, replicas: number[], timeoutMs = 45_000, partition = 0): Promise<Settled> {
  const want = [...replicas].sort((a, b) => a - b);
  const settled = await until(
    `${topic}-${partition} settled: ISR [${want}] and every replica's log ending at the leader's high watermark`,
    async (): Promise<Settled | string> => {
      const views = await viewsFrom(cluster, want, topic, partition);
      const leaders = new Set([...views.values()].map((v) => v?.leader ?? -2));
      const view = views.get(want[0]!);
      if (leaders.size !== 1 || !view || view.leader < 0) return `leaders reported: ${JSON.stringify([...views])}`;
      if (view.isr.join(',') !== want.join(',')) return `ISR [${view.isr}] per node ${want[0]} (leader ${view.leader})`;
      const { highWatermark } = await leaderHighWatermark(cluster, view.leader, topic, partition);
      const logs = want.map((id) => readReplicaLog(cluster, id, topic, partition));
      const ends = logs.map((l) => `${l.nodeId}:${l.endOffset}`).join(' ');
      if (logs.some((l) => l.endOffset !== highWatermark)) return `high watermark ${highWatermark}, log ends ${ends}`;
      return { leader: view.leader, view, highWatermark, logs };
    },
    (s) => typeof s !== 'string',
    timeoutMs,
    (s) => (typeof s === 'string' ? s : 'settled'),
  );
  return settled as Settled;
}

/** Every replica's log byte for byte equal to the first's; the message shows each log. */
export function expectIdentical(logs: ReplicaLog[]): string | undefined {
  const first = logs[0]!;
  for (const l of logs.slice(1)) {
    if (!l.bytes.equals(first.bytes)) return `replica logs differ:\n${logs.map((x) => describeLog(x)).join('\n')}`;
  }
  return undefined;
}
