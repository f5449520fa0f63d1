/**
 * Honest crashes of a replicated cluster's nodes while a client works, for the fault tests of
 * test/replication-cluster: each cycle waits for the client to make progress, SIGKILLs a node (the
 * leader of a partition, or every `randomEvery`-th time a node drawn from a seeded random source),
 * waits for the survivors to elect new leaders and for the client to carry on, starts the node again
 * on its dirs and ports, and waits until it is back in every ISR (internal topics included) before
 * the next cycle. Combined nodes are also the Raft voters: one down at a time keeps the quorum, and
 * a full ISR everywhere keeps min.insync.replicas=2 through the next kill.
 *
 * Everything is timed and logged (timeline()) so a failure says what happened when.
 */
import type { LocalCluster, LocalClusterNode } from '../../src/engine/cluster/local-cluster.js';
import { waitFor } from './kt.js';
import { partitionsOf, waitForFullIsr, waitForLeader } from './replicated-cluster.js';

export { seededRandom } from '../../src/engine/raft/prng.js';

/** KT_CHAOS_SEED when set (to replay a run), else a fresh one. */
export function chaosSeed(): number {
  const fromEnv = Number(process.env.KT_CHAOS_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 2 ** 31);
}

/** A timestamped log of what a fault test did, relative to its start. */
export class Timeline {
  private readonly t0 = Date.now();
  readonly lines: string[] = [];
  note(line: string): void {
    this.lines.push(`+${((Date.now() - this.t0) / 1000).toFixed(2)}s ${line}`);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface KillCycleOptions {
  cluster: LocalCluster;
  /** The topic whose partitions' leaders are killed. */
  topic: string;
  kills: number;
  /** Every this-many-th kill (the 3rd, 6th, ...) picks a random node instead of a leader. */
  randomEvery?: number;
  random: () => number;
  /**
   * The client's progress (acknowledged records, commits...) so far; it throws when the client
   * died, which ends the cycles with its error.
   */
  progress: () => number;
  /** How much progress to wait for before each kill and again after it, before the restart. */
  progressStep: number;
  timeline: Timeline;
  /** Pick the victim yourself (e.g. a group's coordinator); the default picks a partition leader or a random node. */
  chooseVictim?: (cycle: number) => Promise<{ nodeId: number; why: string }>;
  /** Wait for this after the kill, besides new leaders of `topic` (e.g. a new coordinator). */
  afterKill?: (victim: number) => Promise<void>;
  progressTimeoutMs?: number;
}

export interface KillRecord {
  cycle: number;
  victim: number;
  why: string;
  /** Progress when the kill was sent, and when the node was started again. */
  progressAtKill: number;
  progressAtRestart: number;
  /** The victim's partitions of `topic` and their new leaders. */
  failedOver: string[];
}

async function waitForProgress(options: KillCycleOptions, target: number, what: string): Promise<void> {
  await waitFor(() => options.progress() >= target, `${what} (progress ${options.progress()} of ${target})`, options.progressTimeoutMs ?? 60_000);
}

async function defaultVictim(options: KillCycleOptions, cycle: number): Promise<{ nodeId: number; why: string }> {
  const every = options.randomEvery ?? 3;
  if ((cycle + 1) % every === 0) {
    const nodes = options.cluster.nodes;
    return { nodeId: nodes[Math.floor(options.random() * nodes.length)]!.nodeId, why: 'a random node' };
  }
  const partitions = await partitionsOf(options.cluster, options.topic);
  const p = partitions[cycle % partitions.length]!;
  const leader = await waitForLeader(options.cluster, options.topic, p.partition);
  return { nodeId: leader, why: `the leader of ${options.topic}-${p.partition}` };
}

/** Run the kill/restart cycles; resolves with what each did once the last victim is back in every ISR. */
export async function killAndRestartCycles(options: KillCycleOptions): Promise<KillRecord[]> {
  const { cluster, timeline } = options;
  const records: KillRecord[] = [];
  for (let cycle = 0; cycle < options.kills; cycle++) {
    await waitForProgress(options, options.progress() + options.progressStep, `the client to make progress before kill ${cycle + 1}`);
    const { nodeId, why } = await (options.chooseVictim ?? ((c) => defaultVictim(options, c)))(cycle);
    const node: LocalClusterNode = cluster.node(nodeId);
    const led = (await partitionsOf(cluster, options.topic)).filter((p) => p.leader === nodeId).map((p) => p.partition);
    const progressAtKill = options.progress();
    timeline.note(`kill ${cycle + 1}/${options.kills}: SIGKILL node ${nodeId} (${why}; it leads ${options.topic} partitions [${led}]), progress ${progressAtKill}`);
    const exit = await node.kill('SIGKILL');
    if (exit.signal !== 'SIGKILL') throw new Error(`node ${nodeId} was not killed by SIGKILL: ${JSON.stringify(exit)}`);

    const failedOver: string[] = [];
    for (const partition of led) {
      const leader = await waitForLeader(cluster, options.topic, partition, { not: nodeId });
      failedOver.push(`${partition}->${leader}`);
    }
    timeline.note(`  new leaders of node ${nodeId}'s partitions: [${failedOver.join(', ')}]`);
    await options.afterKill?.(nodeId);
    await waitForProgress(options, progressAtKill + options.progressStep, `the client to carry on while node ${nodeId} is down`);
    const progressAtRestart = options.progress();
    const states = (await partitionsOf(cluster, options.topic)).map((p) => `${p.partition}: leader ${p.leader}@${p.leaderEpoch} isr [${p.isr}]`);
    timeline.note(`  restarting node ${nodeId}, progress ${progressAtRestart}; ${options.topic} ${states.join(', ')}`);
    await node.start();
    timeline.note(`  node ${nodeId} started; waiting for a full ISR`);
    await waitForFullIsr(cluster);
    timeline.note(`  node ${nodeId} back in every ISR, progress ${options.progress()}`);
    records.push({ cycle, victim: nodeId, why, progressAtKill, progressAtRestart, failedOver });
  }
  return records;
}
