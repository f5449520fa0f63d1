/**
 * KRaft cluster benchmark (issue 10). Figures, not pass/fail; each printed next to its target.
 *
 * 1. Controller failover: kill -9 of the active controller of a 3-node combined cluster to the
 *    first write committed by the new one (cluster-failover.ts), median of KT_BENCH_FAILOVER_KILLS
 *    kills, once with Kafka's default quorum timeouts (a follower stands after
 *    controller.quorum.fetch.timeout.ms, 2 s: target <= 3 s) and once with the timeouts of kt's
 *    one-command local cluster, LOCAL_CLUSTER_TIMEOUTS (`kt server-start --nodes`: target <= 1 s).
 * 2. Metadata operations per second: topic creations from one client, KT_BENCH_OPS_IN_FLIGHT in
 *    flight, KT_BENCH_OPS_S seconds in all in KT_BENCH_OPS_ROUNDS windows (cluster-ops.ts), on a
 *    3-voter quorum as a ratio to a 1-voter quorum (one node whose controller.quorum.voters names
 *    itself); target >= 0.5. Both clusters use LOCAL_CLUSTER_TIMEOUTS (timeouts do not touch a
 *    healthy quorum's commit path). The zero-config single node (no quorum: the controller commits
 *    on a local append) for reference. All three run at once, timed in alternating windows.
 * 3. A stopped node catching up KT_BENCH_CATCHUP_RECORDS (100,000) metadata records through a
 *    snapshot fetched from the leader (cluster-catchup.ts). No target in the issue: a figure.
 *    snapshot.bench.ts measures loading one into an image, outside a cluster.
 *
 * Every node is a real `bin/kt` process on free loopback ports (run `npm run build` first), stopped
 * and its dir removed at the end, on error and on Ctrl-C. The machine's load average is printed
 * before and after, since the failover and rate figures depend on how busy the cores are.
 */
import { availableParallelism, loadavg } from 'node:os';
import { startKt } from './broker-kt.js';
import { median, Procs } from './broker-procs.js';
import { measureFailovers, type FailoverFigures } from './cluster-failover.js';
import { type GuardedCluster, LOCAL_CLUSTER_TIMEOUTS, startGuardedCluster } from './cluster-nodes.js';
import { measureSnapshotCatchUp } from './cluster-catchup.js';
import { interleavedRates, type OpsFigures } from './cluster-ops.js';
import { envNumber } from './measure.js';

const KILLS = envNumber('KT_BENCH_FAILOVER_KILLS', 3);
const OPS_SECONDS = envNumber('KT_BENCH_OPS_S', 5);
const OPS_IN_FLIGHT = envNumber('KT_BENCH_OPS_IN_FLIGHT', 16);
const OPS_ROUNDS = envNumber('KT_BENCH_OPS_ROUNDS', 5);
const CATCH_UP_RECORDS = envNumber('KT_BENCH_CATCHUP_RECORDS', 100_000);

const progress = (s: string) => console.error(`# cluster bench: ${s}`);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function failoverLine(label: string, fastTimeouts: boolean, targetMs: number): Promise<string[]> {
  progress(`failover, ${label}`);
  let figures: FailoverFigures;
  try {
    figures = await measureFailovers(KILLS, fastTimeouts, progress);
  } catch (err) {
    return [`  ${label}: not measured: ${(err as Error).message}`];
  }
  const ms = median(figures.kills.map((k) => k.ms));
  const kills = figures.kills.map((k) => `${k.killed}->${k.next} ${secs(k.ms)}`).join(', ');
  return [
    `  ${label.padEnd(52)} ${secs(ms)}   target <= ${secs(targetMs)}: ${ms <= targetMs ? 'met' : 'NOT met'}`,
    `    (kills: ${kills})`,
  ];
}

/**
 * The 3-voter quorum, the 1-voter quorum and the zero-config single node, all running at once,
 * timed in alternating windows (cluster-ops.ts says why).
 */
async function creationRates(): Promise<Record<string, OpsFigures> | string> {
  progress('topic creations: starting a 3-voter quorum, a 1-voter quorum and a zero-config node');
  const procs = new Procs();
  const clusters: GuardedCluster[] = [];
  try {
    clusters.push(await startGuardedCluster(3, true));
    clusters.push(await startGuardedCluster(1, true));
    const single = await startKt(procs, procs.tempDir('kt-bench-cluster-single-'));
    progress(`topic creations: ${OPS_ROUNDS} rounds of ${(OPS_SECONDS / OPS_ROUNDS).toFixed(1)} s on each`);
    return await interleavedRates({ three: clusters[0]!.cluster.bootstrap, one: clusters[1]!.cluster.bootstrap, single: single.bootstrap }, OPS_IN_FLIGHT, OPS_SECONDS, OPS_ROUNDS);
  } catch (err) {
    return `failed: ${(err as Error).message}`;
  } finally {
    for (const c of clusters) await c.stop();
    await procs.cleanup();
  }
}

async function catchUpLines(): Promise<string[]> {
  progress(`catching up ${CATCH_UP_RECORDS.toLocaleString('en-US')} metadata records through a snapshot`);
  const head = `a stopped node catching up ${CATCH_UP_RECORDS.toLocaleString('en-US')} metadata records through a snapshot (3 combined nodes, local cluster's timeouts):`;
  try {
    const f = await measureSnapshotCatchUp(CATCH_UP_RECORDS, progress);
    const snapshot = f.snapshotRecords === undefined ? 'it fetched NO snapshot (caught up through the log)' : `it fetched a snapshot of ${f.snapshotRecords.toLocaleString('en-US')} records`;
    return [
      head,
      `  ${f.recordsBehind.toLocaleString('en-US')} records behind (written in ${f.loadSeconds.toFixed(1)} s); ${snapshot}`,
      `  spawn to serving (kt serves once its metadata caught up)   ${secs(f.startedMs)}`,
      `  spawn to its log at the leader's high watermark           ${secs(f.caughtUpMs)}`,
    ];
  } catch (err) {
    return [head, `  not measured: ${(err as Error).message}`];
  }
}

const rate = (f: OpsFigures) => `${Math.round(f.perSecond).toLocaleString('en-US').padStart(6)}/s  (${f.created} topics in ${f.seconds.toFixed(1)} s)`;

export async function benchCluster(): Promise<string[]> {
  const loadBefore = load();
  const out: string[] = ['cluster benchmark (KRaft quorum of kt processes on loopback)'];

  const fast = LOCAL_CLUSTER_TIMEOUTS;
  out.push(`controller failover, 3 combined nodes: kill -9 of the active controller to the first committed write by the new one (median of ${KILLS}):`);
  out.push(...(await failoverLine("Kafka's defaults (fetch.timeout 2000, election.timeout 1000)", false, 3000)));
  out.push(
    ...(await failoverLine(
      `local cluster's (fetch.timeout ${fast['controller.quorum.fetch.timeout.ms']}, election.timeout ${fast['controller.quorum.election.timeout.ms']})`,
      true,
      1000,
    )),
  );

  const rates = await creationRates();
  out.push(`topic creations per second (1 partition, rf 1; one Admin client each, ${OPS_IN_FLIGHT} in flight; ${OPS_SECONDS} s each, in ${OPS_ROUNDS} alternating windows, all three running at once):`);
  if (typeof rates === 'string') {
    out.push(`  not measured: ${rates}`);
  } else {
    out.push(`  3-voter quorum                 ${rate(rates.three!)}`);
    out.push(`  1-voter quorum                 ${rate(rates.one!)}`);
    out.push(`  zero-config single node        ${rate(rates.single!)}   (reference)`);
    const ratio = rates.three!.perSecond / rates.one!.perSecond;
    out.push(`  ratio 3-voter / 1-voter        ${ratio.toFixed(2)}   target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
  }

  out.push(...(await catchUpLines()));
  out.push(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()} (${availableParallelism()} cores)`);
  return out;
}
