/**
 * What every replication fault test shares: a 3-node cluster (npm run build first: the nodes run
 * bin/kt from dist/) with a replicated topic, a stop file a client process watches to know when to
 * finish, and the wrapper that makes any failure carry the seed, the timeline of kills and the
 * nodes' logs.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Timeline } from '../helpers/kill-cycles.js';
import { clusterLogTails, createReplicatedTopic, waitForFullIsr } from '../helpers/replicated-cluster.js';

export const PARTITIONS = 3;

export interface FaultEnv {
  cluster: TestCluster;
  topic: string;
  seed: number;
  timeline: Timeline;
  /** A scratch dir for the client's files (acks ledger, stop file), removed by stop(). */
  dir: string;
  stopFile: string;
  /** Tell the client process to finish (it polls for the stop file). */
  signalStop(): void;
  stop(): Promise<void>;
}

/** A 3-node cluster, and `topic` with replication factor 3 and min.insync.replicas=2, fully replicated. */
export async function startFaultEnv(topic: string, seed: number): Promise<FaultEnv> {
  const timeline = new Timeline();
  const cluster = await startTestCluster({ nodes: 3 });
  const dir = mkdtempSync(join(tmpdir(), 'kt-repl-faults-'));
  const stopFile = join(dir, 'stop');
  const env: FaultEnv = {
    cluster,
    topic,
    seed,
    timeline,
    dir,
    stopFile,
    signalStop: () => writeFileSync(stopFile, 'stop\n'),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (cluster.formation && !cluster.formation.formed) throw new Error(`the cluster did not form: ${JSON.stringify(cluster.formation)}`);
    await createReplicatedTopic(cluster.node(1), topic, { partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    await waitForFullIsr(cluster, { topics: [topic], timeoutMs: 30_000 });
    timeline.note(`cluster ${cluster.clusterId} up (${cluster.bootstrap}); ${topic}: ${PARTITIONS} partitions, RF 3, min.insync.replicas 2; seed ${seed}`);
  } catch (err) {
    const e = withEvidence(err, env, 'setup');
    await env.stop(); // the caller never got env, so it cannot stop it
    throw e;
  }
  return env;
}

/** The acknowledged count of a client process's last progress event (0 before the first). */
export function lastAcked(events: { event: string; acked?: number }[]): number {
  for (let k = events.length - 1; k >= 0; k--) if (events[k]!.event === 'progress') return events[k]!.acked ?? 0;
  return 0;
}

/** Whether the stop file was written (for in-process clients). */
export const stopRequested = (env: FaultEnv) => existsSync(env.stopFile);

/**
 * The error, its message extended with the seed (KT_CHAOS_SEED replays the kill choices), the
 * timeline and the nodes' logs. Returns the same error object, so vitest still shows its diff.
 */
export function withEvidence(err: unknown, env: FaultEnv, label: string, extra = ''): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  let logs: string;
  try {
    logs = clusterLogTails(env.cluster, `${label}-seed${env.seed}`);
  } catch (logErr) {
    logs = `(could not read the logs: ${(logErr as Error).message})\n${env.cluster.logs().slice(-60_000)}`;
  }
  e.message += `\n\nseed ${env.seed} (KT_CHAOS_SEED=${env.seed} replays the kill choices)\n${extra ? `${extra}\n` : ''}timeline:\n${env.timeline.text()}\n\n${logs}`;
  return e;
}
