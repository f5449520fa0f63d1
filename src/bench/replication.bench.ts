/**
 * Replication benchmark (issue 11). Figures, not pass/fail; each printed next to its target.
 *
 * 1. Throughput of 3 kt brokers (startCluster, what `kt server-start --nodes 3` runs) with a
 *    replication-factor-3 topic and acks=all, as a ratio to 1 kt broker (`kt server-start`) with
 *    acks=1: kcat and confluent-kafka, 1 partition, 1,000,000 records of 100 B, the peers'
 *    bench_kafka.py with broker.bench.ts's client settings (replication-clients.ts says what differs);
 *    target >= 0.7. The peer (librdkafka's mock cluster, acks=1) in the same run, interleaved, for scale.
 * 2. p99 end-to-end latency at 10,000 records/s, acks=all, on the RF=3 topic (broker-clients.ts's
 *    latencyRun: confluent-kafka producer and consumer processes, send time stamped in the value);
 *    target <= 5 ms. The single broker with acks=all in the same run for reference.
 * 3. SIGKILL of a partition leader to the first acknowledged write on its partition
 *    (replication-failover.ts), with the local cluster's fast timeouts; target <=
 *    broker.session.timeout.ms + 1 s of that cluster.
 * 4. Broker CPU around the four 1M x 100 B figures: utime+stime of the broker process(es) from
 *    /proc/<pid>/stat, sampled at the start of each run and as each figure is printed, so each
 *    figure gets its own phase. The single kt broker against the peer (target kt/peer <= 1.2), and
 *    the sum over the three nodes of the cluster.
 *
 * Every broker runs for the whole benchmark (the others idle while one is measured). Clients and
 * brokers share the machine's cores, so the load average is printed before and after.
 *
 * Knobs (env): KT_BENCH_RECORDS, KT_BENCH_REPL_RUNS (3, per block), KT_BENCH_LATENCY_S (10),
 * KT_BENCH_REPL_LAT_RUNS (3), KT_BENCH_REPL_LAT_REF_RUNS (3), KT_BENCH_REPL_KILLS (3),
 * KT_BENCH_REPL_SECTIONS (comma list of throughput,latency,failover), KT_BENCH_REPL_BROKERS (which
 * brokers the throughput section runs against: single,cluster,peer), and broker.bench.ts's
 * KT_PEERS_DIR, KT_PEERS_CACHE, KT_BENCH_SERVER_NODE_ARGS (the single broker only).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseProperties } from '../engine/config/properties.js';
import { latencyRun, type LatencyResult, type Percentiles } from './broker-clients.js';
import { procCpuSeconds, startKt, type RunningKt } from './broker-kt.js';
import { findOrBuildPeer, startPeer, type PeerBinary, type RunningPeer } from './broker-peer.js';
import { median, Procs } from './broker-procs.js';
import { type GuardedCluster, LOCAL_CLUSTER_TIMEOUTS, startGuardedCluster } from './cluster-nodes.js';
import { envNumber } from './measure.js';
import { createReplicatedTopics, type PhaseResult, throughputPhases } from './replication-clients.js';
import { FAILOVER_PRODUCER_CONFIG, type FailoverKill, measureLeaderFailovers } from './replication-failover.js';

const N = envNumber('KT_BENCH_RECORDS', 1_000_000);
const SIZE = 100;
const RUNS = envNumber('KT_BENCH_REPL_RUNS', 3);
const LAT_RATE = 10_000;
const LAT_SECONDS = envNumber('KT_BENCH_LATENCY_S', 10);
const LAT_WARM_S = 2;
const LAT_RUNS = envNumber('KT_BENCH_REPL_LAT_RUNS', 3);
const LAT_REF_RUNS = envNumber('KT_BENCH_REPL_LAT_REF_RUNS', 3);
const KILLS = envNumber('KT_BENCH_REPL_KILLS', 3);
const FAILOVER_PARTITIONS = 3;
const THROUGHPUT_BROKERS = (process.env.KT_BENCH_REPL_BROKERS ?? 'single,cluster,peer').split(',') as Who[];
const SECTIONS = new Set((process.env.KT_BENCH_REPL_SECTIONS ?? 'throughput,latency,failover').split(','));

const progress = (s: string) => console.error(`# replication bench: ${s}`);
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fx = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const FIGURES: [string, string][] = [
  ['kcat_produce', 'kcat produce'],
  ['kcat_consume', 'kcat consume'],
  ['confluent_produce', 'confluent-kafka produce'],
  ['confluent_consume', 'confluent-kafka consume'],
];

type Who = 'single' | 'cluster' | 'peer';
const WHO_LABEL: Record<Who, string> = { single: '1 kt, acks=1', cluster: '3 kt, rf 3, acks=all', peer: 'peer, acks=1' };

interface Brokers {
  single: RunningKt;
  cluster: GuardedCluster;
  peer?: RunningPeer;
}

export async function benchReplication(): Promise<string[]> {
  const procs = new Procs();
  const out: string[] = [];
  const loadBefore = load();
  const tag = Date.now().toString(36);
  let cluster: GuardedCluster | undefined;
  try {
    let peerBin: PeerBinary | undefined;
    let peerNote: string;
    try {
      peerBin = await findOrBuildPeer(procs, progress);
      peerNote = peerBin.kind === 'big' ? `peer: mockcluster-big (librdkafka 2.0.2 mock cluster, in memory), ${peerBin.how}` : `peer: WARNING stock mock (${peerBin.how}): its consume figures are wrong`;
    } catch (err) {
      peerNote = `peer: UNAVAILABLE (${(err as Error).message})`;
    }
    const work = procs.tempDir('kt-bench-repl-');
    progress('starting 1 kt broker, a 3-node kt cluster and the peer');
    const single = await startKt(procs, work);
    cluster = await startGuardedCluster(3, true);
    const peerTopics = Array.from({ length: RUNS }, (_, i) => [`p${i + 1}-${tag}-kcat:1`, `p${i + 1}-${tag}-ck:1`]).flat();
    const peer = peerBin ? await startPeer(procs, peerBin, peerTopics, work) : undefined;
    const brokers: Brokers = { single, cluster, peer };
    out.push('replication benchmark: kt single broker, kt 3-node local cluster and the peer, same machine, same run; clients librdkafka 2.0.2 (kcat, confluent-kafka via /usr/bin/python3)');
    out.push(peerNote);
    // The target follows the session timeout the nodes were actually given (their server.properties).
    const nodeProps = parseProperties(readFileSync(cluster.cluster.nodes[0]!.propertiesFile, 'utf8'));
    const sessionMs = Number(nodeProps.get('broker.session.timeout.ms') ?? 9000);
    out.push(`cluster: 3 combined broker+controller nodes, local cluster's timeouts (${Object.entries(LOCAL_CLUSTER_TIMEOUTS).map(([k, v]) => `${k}=${v}`).join(', ')}), other settings Kafka's defaults`);
    if (SECTIONS.has('throughput')) await throughput(procs, tag, brokers, out);
    if (SECTIONS.has('latency')) {
      progress(`sync (dirty pages of earlier sections) took ${await flushDirtyPages(procs)}`);
      await latency(procs, tag, brokers, out);
    }
    if (SECTIONS.has('failover')) {
      progress(`sync (dirty pages of earlier sections) took ${await flushDirtyPages(procs)}`);
      await failover(procs, tag, cluster, sessionMs, out);
    }
  } catch (err) {
    out.push(`FAILED: ${(err as Error).message}`);
  } finally {
    await cluster?.stop().catch(() => undefined);
    await procs.cleanup();
  }
  out.push('');
  out.push(`load average (1, 5, 15 min): before ${loadBefore}, after ${load()} (${availableParallelism()} cores, node ${process.version})`);
  return out;
}

const cpuSum = (pids: number[]) => pids.reduce((a, pid) => a + procCpuSeconds(pid), 0);

/**
 * sync(1) between sections: the throughput runs leave gigabytes of dirty pages, whose writeback
 * would otherwise land in the latency or failover figures. Returns how long it took.
 */
async function flushDirtyPages(procs: Procs): Promise<string> {
  const r = await procs.run('sync', [], { timeoutMs: 120_000 });
  return `${fx(r.ms / 1000, 1)} s`;
}

/** The broker processes' pids (the cluster's may change after a restart). */
function pidsOf(who: Who, b: Brokers): number[] {
  if (who === 'single') return [b.single.child.pid!];
  if (who === 'peer') return [b.peer!.child.pid!];
  return b.cluster.cluster.nodes.map((n) => n.pid!);
}

async function throughput(procs: Procs, tag: string, b: Brokers, out: string[]): Promise<void> {
  // Two blocks of interleaved rounds: the single broker against the peer (figure 4's CPU ratio: in
  // runs interleaved with the cluster's, the single broker measured ~1.5x its CPU of runs beside the
  // peer alone, cause not found, so the ratio is taken where the broker bench takes it), then the
  // single broker against the cluster (figure 1's throughput ratio, like against like).
  type Key = Who | 'solo';
  const samples: Record<Key, PhaseResult[][]> = { single: [], cluster: [], peer: [], solo: [] };
  // CPU the brokers NOT being measured spend meanwhile (idle timers, fetchers): background noise.
  const background: Record<Who, number[]> = { single: [], cluster: [], peer: [] };
  const problems: string[] = [];
  const blocks: Who[][] = [
    THROUGHPUT_BROKERS.filter((w) => w === 'single' || (w === 'peer' && b.peer)),
    THROUGHPUT_BROKERS.filter((w) => w === 'cluster' || (w === 'single' && THROUGHPUT_BROKERS.includes('cluster'))),
  ];
  for (const [blockIndex, whos] of blocks.entries()) for (let i = 1; i <= RUNS; i++) {
    // Rotate who goes first, so none always runs on a warmer or cooler machine.
    const order = whos.map((_, j) => whos[(i - 1 + j) % whos.length]!);
    for (const who of order) {
      const key: Key = who === 'single' && blockIndex === 0 ? 'solo' : who;
      const prefix = `${key === 'solo' ? 'o' : key[0]}${i}-${tag}`;
      const bootstrap = who === 'single' ? b.single.bootstrap : who === 'cluster' ? b.cluster.cluster.bootstrap : b.peer!.bootstrap;
      progress(`throughput run ${i}/${RUNS} against ${WHO_LABEL[who]}`);
      try {
        if (who !== 'peer') await createReplicatedTopics(procs, bootstrap, [[`${prefix}-kcat`, 1], [`${prefix}-ck`, 1]], who === 'cluster' ? 3 : 1);
        const others = whos.filter((w) => w !== who);
        const idle0 = others.map((w) => cpuSum(pidsOf(w, b)));
        const { results, error } = await throughputPhases(procs, bootstrap, pidsOf(who, b), { n: N, size: SIZE, prefix, acks: who === 'cluster' ? 'all' : '1', timeoutS: 120 }, false);
        others.forEach((w, j) => background[w].push(cpuSum(pidsOf(w, b)) - idle0[j]!));
        if (error) problems.push(`${who} run ${i}: ${error}`);
        for (const r of results) if (!r.ok) problems.push(`${who} run ${i} ${r.figure}: ${r.note}`);
        samples[key].push(results);
        progress(results.map((r) => `${r.figure} ${int(r.msgsPerSec)}/s cpu ${r.cpu.map((c) => fx(c)).join('+')} s${r.ok ? '' : ' ' + r.note}`).join(', ') || `no results (${error})`);
      } catch (err) {
        problems.push(`${who} run ${i} FAILED: ${(err as Error).message}`);
      }
    }
  }
  const ok = (who: Key, figure: string) => samples[who].flatMap((run) => run.filter((r) => r.figure === figure && r.ok));
  const rate = (who: Key, figure: string) => {
    const rs = ok(who, figure);
    return rs.length ? median(rs.map((r) => r.msgsPerSec)) : NaN;
  };
  const runs = (who: Key, figure: string) => ok(who, figure).map((r) => int(r.msgsPerSec)).join(', ') || '-';

  out.push('');
  out.push(
    `throughput: 1 partition, linger.ms=5, batch.size=1000000, no compression, ${int(N)} records x ${SIZE} B, median of ${RUNS} runs each ` +
      `in two interleaved blocks (1 kt with the peer, then 1 kt with 3 kt); 3 kt: topic replication factor 3 (min.insync.replicas 1), producers acks=all; 1 kt and peer: acks=1`,
  );
  out.push(`${'figure'.padEnd(24)} ${'1 kt rec/s'.padStart(11)} ${'3 kt rec/s'.padStart(11)}  ${'3kt/1kt'.padStart(7)}  target >= 0.7  ${'peer rec/s'.padStart(11)} ${'1 kt rec/s'.padStart(11)}  (beside the peer)`);
  for (const [key, label] of FIGURES) {
    const s = rate('single', key);
    const c = rate('cluster', key);
    const p = rate('peer', key);
    const ratio = c / s;
    out.push(
      `${label.padEnd(24)} ${int(s).padStart(11)} ${int(c).padStart(11)}  ${fx(ratio).padStart(7)}  ${(Number.isFinite(ratio) ? verdict(ratio >= 0.7) : '-').padEnd(13)}  ${int(p).padStart(11)} ${int(rate('solo', key)).padStart(11)}` +
        `   (runs 1 kt: ${runs('single', key)}; 3 kt: ${runs('cluster', key)}; peer: ${runs('peer', key)}; 1 kt beside the peer: ${runs('solo', key)})`,
    );
  }

  // CPU: per figure, the median over runs of the phase's broker CPU (summed over the cluster's nodes).
  const cpu = (who: Key, figure: string) => {
    const rs = ok(who, figure);
    return rs.length ? median(rs.map((r) => r.cpu.reduce((a, x) => a + x, 0))) : NaN;
  };
  // All four: per run (only runs with all four figures good), then the median of those totals.
  const total = (who: Key) => {
    const sums = samples[who].filter((run) => FIGURES.every(([k]) => run.some((r) => r.figure === k && r.ok))).map((run) => run.reduce((a, r) => a + r.cpu.reduce((x, y) => x + y, 0), 0));
    return { median: sums.length ? median(sums) : NaN, runs: sums };
  };
  const nsPerByte = (s: number) => (s * 1e9) / (N * SIZE);
  const cell = (s: number) => `${fx(s)} s ${`(${fx(nsPerByte(s), 1)} ns/B)`.padStart(11)}`.padStart(19);
  out.push('');
  out.push(
    `broker CPU (utime+stime from /proc/<pid>/stat) during each figure's phase, median of the runs; ns/B = CPU ns per payload byte; ` +
      `1 kt and peer from their block; 3 kt = the sum over the three nodes' processes, 3kt/1kt against the 1 kt runs of the cluster's block`,
  );
  out.push(`${'figure'.padEnd(24)} ${'1 kt'.padStart(19)} ${'peer'.padStart(19)}  ${'1kt/peer'.padStart(8)}   ${'3 kt (sum)'.padStart(19)}  ${'3kt/peer'.padStart(8)}  ${'3kt/1kt'.padStart(7)}`);
  for (const [key, label] of FIGURES) {
    const [s, p, c] = [cpu('solo', key), cpu('peer', key), cpu('cluster', key)];
    out.push(`${label.padEnd(24)} ${cell(s)} ${cell(p)}  ${fx(s / p).padStart(8)}   ${cell(c)}  ${fx(c / p).padStart(8)}  ${fx(c / cpu('single', key)).padStart(7)}`);
  }
  const [ts, tp, tc, tb] = [total('solo'), total('peer'), total('cluster'), total('single')];
  const r = ts.median / tp.median;
  out.push(
    `${'all four'.padEnd(24)} ${cell(ts.median)} ${cell(tp.median)}  ${fx(r).padStart(8)}   ${cell(tc.median)}  ${fx(tc.median / tp.median).padStart(8)}  ${fx(tc.median / tb.median).padStart(7)}` +
      `   1 kt/peer target <= 1.2: ${Number.isFinite(r) ? verdict(r <= 1.2) : '-'}`,
  );
  out.push(
    `  (all four per run, s: 1 kt ${ts.runs.map((x) => fx(x)).join(', ') || '-'}; peer ${tp.runs.map((x) => fx(x)).join(', ') || '-'}; 3 kt ${tc.runs.map((x) => fx(x)).join(', ') || '-'}; ` +
      `1 kt in the cluster's block ${tb.runs.map((x) => fx(x)).join(', ') || '-'}, median ${fx(tb.median)} s = ${fx(tb.median / tp.median)}x the peer)`,
  );
  const perNode = samples.cluster.map((run) => {
    const nodes = run[0]?.cpu.map((_, i) => run.reduce((a, x) => a + (x.cpu[i] ?? 0), 0)) ?? [];
    return nodes.map((x) => fx(x)).join('+');
  });
  out.push(`  (3 kt per node 1+2+3, all four, per run: ${perNode.join('; ') || '-'})`);
  const bg = (w: Who) => (background[w].length ? `${fx(median(background[w]))} s` : '-');
  out.push(`  (background: CPU of each idle broker during a run against another, median: 1 kt ${bg('single')}, 3 kt ${bg('cluster')}, peer ${bg('peer')})`);
  for (const p of problems) out.push(`  problem: ${p}`);
}

async function latency(procs: Procs, tag: string, b: Brokers, out: string[]): Promise<void> {
  const results: Record<'cluster' | 'single', LatencyResult[]> = { cluster: [], single: [] };
  const problems: string[] = [];
  const one = async (who: 'cluster' | 'single', i: number) => {
    const topic = `lat${i}-${who}-${tag}`;
    const bootstrap = who === 'cluster' ? b.cluster.cluster.bootstrap : b.single.bootstrap;
    try {
      progress(`latency run ${i} against ${who === 'cluster' ? '3 kt, rf 3' : '1 kt'}`);
      await createReplicatedTopics(procs, bootstrap, [[topic, 1]], who === 'cluster' ? 3 : 1);
      const r = await latencyRun(procs, bootstrap, { topic, rate: LAT_RATE, seconds: LAT_SECONDS, warmS: LAT_WARM_S, size: SIZE });
      results[who].push(r);
      const e = r.endToEnd!;
      progress(`end-to-end p50 ${fx(e.p50)} ms p99 ${fx(e.p99)} ms; send-to-ack p50 ${fx(r.ack.p50)} ms p99 ${fx(r.ack.p99)} ms`);
      if (e.received !== r.ack.sent || r.ack.undelivered || r.ack.errors) {
        problems.push(`${who} run ${i}: sent ${r.ack.sent}, received ${e.received}, undelivered ${r.ack.undelivered}, errors ${r.ack.errors}`);
      }
    } catch (err) {
      problems.push(`${who} run ${i} FAILED: ${(err as Error).message}`);
    }
  };
  for (let i = 1; i <= Math.max(LAT_RUNS, LAT_REF_RUNS); i++) {
    if (i <= LAT_RUNS) await one('cluster', i);
    if (i <= LAT_REF_RUNS) await one('single', i);
  }
  out.push('');
  out.push(
    `latency: ${int(LAT_RATE)} records/s of ${SIZE} B for ${LAT_SECONDS} s after ${LAT_WARM_S} s warm-up, 1 partition, acks=all, linger.ms=0, ` +
      `socket.nagle.disable=true; confluent-kafka producer and consumer processes, send time stamped in the value (broker.bench.ts's method); median of the runs`,
  );
  const med = (rs: Percentiles[], k: 'p50' | 'p99' | 'p999' | 'max') => (rs.length ? median(rs.map((r) => r[k])) : NaN);
  const row = (label: string, rs: Percentiles[], extra: string) =>
    rs.length
      ? `${label.padEnd(34)} p50 ${fx(med(rs, 'p50')).padStart(6)} ms  p99 ${fx(med(rs, 'p99')).padStart(6)} ms  p99.9 ${fx(med(rs, 'p999')).padStart(6)} ms  ` +
        `max ${fx(med(rs, 'max')).padStart(7)} ms  ${extra}   (runs p50/p99: ${rs.map((r) => `${fx(r.p50)}/${fx(r.p99)}`).join(', ')})`
      : `${label.padEnd(34)} not measured`;
  const e2e = results.cluster.map((r) => r.endToEnd!);
  const p99 = med(e2e, 'p99');
  out.push(row('3 kt, rf 3: end-to-end', e2e, `target p99 <= 5 ms: ${Number.isFinite(p99) ? verdict(p99 <= 5) : '-'}`));
  out.push(row('3 kt, rf 3: send-to-ack', results.cluster.map((r) => r.ack), ''));
  out.push(row('1 kt (reference): end-to-end', results.single.map((r) => r.endToEnd!), ''));
  out.push(row('1 kt (reference): send-to-ack', results.single.map((r) => r.ack), ''));
  for (const p of problems) out.push(`  problem: ${p}`);
}

async function failover(procs: Procs, tag: string, cluster: GuardedCluster, sessionMs: number, out: string[]): Promise<void> {
  const props = parseProperties(readFileSync(cluster.cluster.nodes[0]!.propertiesFile, 'utf8'));
  const setting = (k: string) => `${k} ${props.get(k) ?? "Kafka's default"}`;
  const topic = `failover-${tag}`;
  const targetMs = sessionMs + 1000;
  out.push('');
  out.push(
    `leader failover: SIGKILL of a node leading partitions of a ${FAILOVER_PARTITIONS}-partition rf-3 topic to the first acks=all write acknowledged on each ` +
      `(a record sent after the kill); ${KILLS} kills, the node restarted and the ISR full again between kills; the nodes' timeouts ` +
      `(local cluster's: ${setting('broker.session.timeout.ms')}, ${setting('broker.heartbeat.interval.ms')}, ${setting('controller.quorum.fetch.timeout.ms')}, ` +
      `${setting('controller.quorum.election.timeout.ms')}, ${setting('replica.lag.time.max.ms')}); target <= broker.session.timeout.ms + 1 s = ${fx(targetMs / 1000)} s`,
  );
  out.push(`  producer (confluent-kafka, one record per partition per ms, retrying): ${Object.entries(FAILOVER_PRODUCER_CONFIG).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  let kills: FailoverKill[];
  try {
    await createReplicatedTopics(procs, cluster.cluster.bootstrap, [[topic, FAILOVER_PARTITIONS]], 3);
    kills = (await measureLeaderFailovers(procs, cluster.cluster, topic, FAILOVER_PARTITIONS, KILLS, progress)).kills;
  } catch (err) {
    out.push(`  not measured: ${(err as Error).message}`);
    return;
  }
  const rows: [string, FailoverKill[]][] = [
    ['leader not the active controller', kills.filter((k) => !k.wasController)],
    ['leader also the active controller', kills.filter((k) => k.wasController)],
  ];
  for (const [label, ks] of rows) {
    if (ks.length === 0) continue;
    const times = ks.flatMap((k) => k.partitions.map((p) => p.ms ?? Infinity));
    const worst = Math.max(...times);
    const med = median(times);
    const elected = ks.flatMap((k) => k.partitions.map((p) => p.electedMs ?? Infinity));
    const detail = ks
      .map((k) => `node ${k.killed}: ${k.partitions.map((p) => `p${p.partition} ${p.ms === undefined ? 'none' : `${fx(p.ms / 1000)} s`} -> ${p.newLeader ?? '?'}`).join(' ')}, ${k.dropped} dropped`)
      .join('; ');
    out.push(
      `  ${label.padEnd(36)} median ${fx(med / 1000)} s, max ${Number.isFinite(worst) ? fx(worst / 1000) : 'none'} s   ` +
        `target <= ${fx(targetMs / 1000)} s: ${verdict(worst <= targetMs)}   (${detail})`,
    );
    out.push(`  ${''.padEnd(36)} (new leader named in a survivor's Metadata, polled every 10 ms: median ${fx(median(elected) / 1000)} s, max ${fx(Math.max(...elected) / 1000)} s)`);
  }
}
