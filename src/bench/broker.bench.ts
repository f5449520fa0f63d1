/**
 * Broker benchmark (issue 4). Figures, not pass/fail; each printed next to its target.
 *
 * 1. Throughput with librdkafka clients (kcat and confluent-kafka, via the peers'
 *    bench_kafka_clients.sh, so both brokers see identical client settings: acks=1, linger.ms=5,
 *    batch.size=1 MB, no compression, queued.min.messages raised), 1 partition, 1,000,000 records
 *    of 100 bytes, against kt and against the peer (librdkafka's in-memory mock cluster) in the same
 *    run; runs interleaved, median of 5 each (single runs vary by ±30% on 2 shared cores); ratio
 *    kt/peer, target >= 1.0. Also each broker's CPU seconds per run: clients and broker share 2
 *    cores, so broker CPU is client throughput lost.
 * 2. End-to-end latency at 10,000 records/s with acks=all against kt (confluent-kafka producer and
 *    consumer processes, send time stamped in the value), p50/p99, target p99 <= 5 ms; the peer's
 *    send-to-ack latency (producer only, see broker-clients.ts) as a yardstick.
 * 3. Start-up of `kt server-start` (fresh log dir) to its first accepted connection, median of 7,
 *    target <= 500 ms; a bare node listener as the yardstick.
 * 4. Resident memory (VmRSS) of an idle kt with 1,000 partitions, target <= 200 MB.
 *
 * Knobs (env): KT_BENCH_RECORDS, KT_BENCH_RUNS, KT_BENCH_STARTS, KT_BENCH_LATENCY_S, KT_BENCH_LATENCY_RUNS,
 * KT_BENCH_SECTIONS (comma list of throughput,latency,startup,memory), KT_PEERS_DIR,
 * KT_PEERS_CACHE, KT_PEER_BUILD_TIMEOUT_S, KT_BENCH_SERVER_NODE_ARGS (see broker-kt.ts).
 */
import { cpus, loadavg } from 'node:os';
import { createTopics, latencyRun, throughputRun, type LatencyResult, type Percentiles, type ThroughputResult } from './broker-clients.js';
import { bareNodeArgs, ktStartArgs, procCpuSeconds, procMemory, startKt, timeStartup, type RunningKt, type StartupSample } from './broker-kt.js';
import { findOrBuildPeer, startPeer, type PeerBinary, type RunningPeer } from './broker-peer.js';
import { envNumber } from './measure.js';
import { median, Procs, sleep } from './broker-procs.js';

const N = envNumber('KT_BENCH_RECORDS', 1_000_000);
const SIZE = 100;
const RUNS = envNumber('KT_BENCH_RUNS', 5);
const STARTS = envNumber('KT_BENCH_STARTS', 7);
const LAT_RATE = 10_000;
const LAT_SECONDS = envNumber('KT_BENCH_LATENCY_S', 10);
const LAT_WARM_S = 2;
const LAT_RUNS = envNumber('KT_BENCH_LATENCY_RUNS', 3);
const latencyTopic = (tag: string, i: number) => `lat${i}-${tag}`;
const MEM_TOPICS = 100;
const MEM_PARTITIONS_PER_TOPIC = 10;
const MEM_IDLE_S = 10;
const SECTIONS = new Set((process.env.KT_BENCH_SECTIONS ?? 'throughput,latency,startup,memory').split(','));

const progress = (s: string) => console.error(`# broker bench: ${s}`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

const FIGURES: [string, string][] = [
  ['kcat_produce', 'kcat produce'],
  ['kcat_consume', 'kcat consume'],
  ['confluent_produce', 'confluent-kafka produce'],
  ['confluent_consume', 'confluent-kafka consume'],
];

export async function benchBroker(): Promise<string[]> {
  const procs = new Procs();
  const out: string[] = [];
  const tag = Date.now().toString(36);
  const load = () => loadavg()[0].toFixed(2);
  const loadAtStart = load();
  try {
    if (SECTIONS.has('throughput') || SECTIONS.has('latency')) await againstPeer(procs, tag, out);
    if (SECTIONS.has('startup')) await startup(procs, out);
    if (SECTIONS.has('memory')) await memory(procs, out);
  } finally {
    await procs.cleanup();
  }
  // Clients and brokers share the machine's cores: other load skews every figure here.
  out.push('');
  out.push(`machine: ${cpus().length} cores, node ${process.version}; 1-minute load average ${loadAtStart} at start, ${load()} at end`);
  return out;
}

async function againstPeer(procs: Procs, tag: string, out: string[]): Promise<void> {
  let peerBin: PeerBinary | undefined;
  let peerNote: string;
  try {
    peerBin = await findOrBuildPeer(procs, progress);
    peerNote =
      peerBin.kind === 'big'
        ? `peer: mockcluster-big (librdkafka 2.0.2 mock cluster, in memory, retention raised), ${peerBin.how}`
        : `peer: WARNING stock mockcluster, NOT mockcluster-big (${peerBin.how}); it keeps only 5 MiB per partition, so its consume figures are wrong`;
  } catch (err) {
    peerNote = `peer: UNAVAILABLE (${(err as Error).message}); kt figures only`;
  }
  out.push(`broker: kt against the peer broker, same machine, same run; clients librdkafka 2.0.2 (kcat, confluent-kafka via /usr/bin/python3)`);
  out.push(peerNote);

  const work = procs.tempDir('kt-bench-broker-');
  const peerTopics = [...Array.from({ length: RUNS }, (_, i) => [`p${i + 1}-${tag}-kcat:1`, `p${i + 1}-${tag}-ck:1`]).flat(), ...Array.from({ length: LAT_RUNS }, (_, i) => `${latencyTopic(tag, i + 1)}:1`)];
  let kt: RunningKt | undefined;
  let peer: RunningPeer | undefined;
  try {
    kt = await startKt(procs, work);
    progress(`kt at ${kt.bootstrap} (pid ${kt.child.pid}, log dir ${work})`);
    if (peerBin) {
      peer = await startPeer(procs, peerBin, peerTopics, work);
      progress(`peer at ${peer.bootstrap} (pid ${peer.child.pid})`);
    }
    if (SECTIONS.has('throughput')) await throughput(procs, tag, kt, peer, out, peerBin?.kind === 'mock');
    if (SECTIONS.has('latency')) await latency(procs, tag, kt, peer, out);
  } catch (err) {
    out.push(`FAILED: ${(err as Error).message}`);
  } finally {
    if (kt) await procs.stop(kt.child, 10_000);
    if (peer) await procs.stop(peer.child);
    procs.removeDir(work);
  }
}

async function throughput(procs: Procs, tag: string, kt: RunningKt, peer: RunningPeer | undefined, out: string[], stockPeer: boolean): Promise<void> {
  const samples = { kt: new Map<string, ThroughputResult[]>(), peer: new Map<string, ThroughputResult[]>() };
  const problems: string[] = [];
  const timeoutS = 120;
  const cpu = { kt: [] as number[], peer: [] as number[] };
  const one = async (who: 'kt' | 'peer', i: number) => {
    const bootstrap = who === 'kt' ? kt.bootstrap : peer!.bootstrap;
    const pid = (who === 'kt' ? kt.child.pid : peer!.child.pid)!;
    const prefix = `${who === 'kt' ? 'k' : 'p'}${i}-${tag}`;
    progress(`throughput run ${i}/${RUNS} against ${who}`);
    const cpu0 = procCpuSeconds(pid);
    const { results, error } = await throughputRun(procs, bootstrap, { n: N, size: SIZE, prefix, noCreate: who === 'peer', timeoutS });
    cpu[who].push(procCpuSeconds(pid) - cpu0);
    if (error) problems.push(`${who} run ${i}: ${error}`);
    for (const r of results) {
      if (!r.ok) problems.push(`${who} run ${i} ${r.figure}: ${r.note}`);
      const list = samples[who].get(r.figure) ?? [];
      list.push(r);
      samples[who].set(r.figure, list);
    }
    progress(results.map((r) => `${r.figure} ${int(r.msgsPerSec)}/s${r.ok ? '' : ' ' + r.note}`).join(', ') || `no results (${error})`);
  };
  for (let i = 1; i <= RUNS; i++) {
    // Alternate who goes first so neither always runs on a warmer or cooler machine.
    const order: ('kt' | 'peer')[] = peer ? (i % 2 ? ['kt', 'peer'] : ['peer', 'kt']) : ['kt'];
    for (const who of order) await one(who, i);
  }

  out.push('');
  out.push(
    `throughput: 1 partition, acks=1, linger.ms=5, batch.size=1000000, no compression, ${int(N)} records x ${SIZE} B, ` +
      `median of ${RUNS} runs each (kt and peer interleaved); MB = 10^6 B of payload`,
  );
  out.push(`${'figure'.padEnd(24)} ${'kt rec/s'.padStart(11)} ${'MB/s'.padStart(7)}  ${'peer rec/s'.padStart(11)} ${'MB/s'.padStart(7)}  ${'kt/peer'.padStart(7)}  target >= 1.0`);
  for (const [key, label] of FIGURES) {
    const k = samples.kt.get(key)?.filter((r) => r.ok) ?? [];
    const p = samples.peer.get(key)?.filter((r) => r.ok) ?? [];
    const km = k.length ? median(k.map((r) => r.msgsPerSec)) : NaN;
    const pm = p.length ? median(p.map((r) => r.msgsPerSec)) : NaN;
    const ratio = km / pm;
    const cell = (v: number) => (Number.isFinite(v) ? int(v) : '-').padStart(11);
    const mb = (v: number) => (Number.isFinite(v) ? ((v * SIZE) / 1e6).toFixed(1) : '-').padStart(7);
    const runs = (rs: ThroughputResult[]) => rs.map((r) => int(r.msgsPerSec)).join(', ');
    out.push(
      `${label.padEnd(24)} ${cell(km)} ${mb(km)}  ${cell(pm)} ${mb(pm)}  ${(Number.isFinite(ratio) ? ratio.toFixed(2) : '-').padStart(7)}  ` +
        `${Number.isFinite(ratio) ? verdict(ratio >= 1) : '-'}   (runs kt: ${runs(k) || '-'}; peer: ${runs(p) || '-'})`,
    );
  }
  // The clients share the machine with the broker, so a broker that needs more CPU leaves them less.
  const kc = median(cpu.kt);
  const pc = cpu.peer.length ? median(cpu.peer) : NaN;
  out.push(
    `broker CPU (user+sys) per run of all four figures: kt ${kc.toFixed(2)} s, peer ${Number.isFinite(pc) ? pc.toFixed(2) : '-'} s` +
      (Number.isFinite(pc) ? ` (kt/peer ${(kc / pc).toFixed(2)})` : '') +
      `   (runs kt: ${cpu.kt.map((c) => c.toFixed(2)).join(', ')}; peer: ${cpu.peer.map((c) => c.toFixed(2)).join(', ') || '-'})`,
  );
  if (stockPeer) out.push('  (peer is the stock mock: its consume figures and the consume ratios are not valid)');
  for (const p of problems) out.push(`  problem: ${p}`);
}

async function latency(procs: Procs, tag: string, kt: RunningKt, peer: RunningPeer | undefined, out: string[]): Promise<void> {
  out.push('');
  out.push(
    `latency: ${int(LAT_RATE)} records/s of ${SIZE} B for ${LAT_SECONDS} s after ${LAT_WARM_S} s warm-up, 1 partition, acks=all, linger.ms=0, ` +
      `socket.nagle.disable=true; confluent-kafka (python) producer and consumer processes, send time stamped in the value; median of ${LAT_RUNS} runs`,
  );
  const kts: LatencyResult[] = [];
  const peers: LatencyResult[] = [];
  const problems: string[] = [];
  for (let i = 1; i <= LAT_RUNS; i++) {
    const topic = latencyTopic(tag, i);
    try {
      progress(`latency run ${i}/${LAT_RUNS} against kt`);
      await createTopics(procs, kt.bootstrap, [[topic, 1]]);
      const r = await latencyRun(procs, kt.bootstrap, { topic, rate: LAT_RATE, seconds: LAT_SECONDS, warmS: LAT_WARM_S, size: SIZE });
      kts.push(r);
      const e = r.endToEnd!;
      progress(`kt end-to-end p50 ${ms(e.p50)} p99 ${ms(e.p99)}; send-to-ack p50 ${ms(r.ack.p50)} p99 ${ms(r.ack.p99)}`);
      if (e.received !== r.ack.sent || r.ack.undelivered || r.ack.errors) {
        problems.push(`kt run ${i}: sent ${r.ack.sent}, received ${e.received}, undelivered ${r.ack.undelivered}, errors ${r.ack.errors}`);
      }
    } catch (err) {
      problems.push(`kt run ${i} FAILED: ${(err as Error).message}`);
    }
    if (!peer) continue;
    try {
      progress(`latency run ${i}/${LAT_RUNS} against the peer (producer only)`);
      const r = await latencyRun(procs, peer.bootstrap, { topic, rate: LAT_RATE, seconds: LAT_SECONDS, warmS: LAT_WARM_S, size: SIZE, consumer: false });
      peers.push(r);
      progress(`peer send-to-ack p50 ${ms(r.ack.p50)} p99 ${ms(r.ack.p99)}`);
    } catch (err) {
      problems.push(`peer run ${i} FAILED: ${(err as Error).message}`);
    }
  }
  const med = (rs: Percentiles[], k: 'p50' | 'p99' | 'p999' | 'max') => median(rs.map((r) => r[k]));
  const runs = (rs: Percentiles[]) => rs.map((r) => `${r.p50.toFixed(2)}/${r.p99.toFixed(2)}`).join(', ');
  const row = (label: string, rs: Percentiles[], extra: string) =>
    rs.length
      ? `${label.padEnd(30)} p50 ${ms(med(rs, 'p50')).padStart(9)}  p99 ${ms(med(rs, 'p99')).padStart(9)}  p99.9 ${ms(med(rs, 'p999')).padStart(9)}  ` +
        `max ${ms(med(rs, 'max')).padStart(9)}  ${extra}   (runs p50/p99: ${runs(rs)})`
      : `${label.padEnd(30)} -`;
  const e2e = kts.map((r) => r.endToEnd!);
  const p99 = e2e.length ? med(e2e, 'p99') : NaN;
  out.push(row('kt end-to-end', e2e, `target p99 <= 5 ms: ${Number.isFinite(p99) ? verdict(p99 <= 5) : '-'}`));
  out.push(row('kt send-to-ack', kts.map((r) => r.ack), ''));
  if (peer) out.push(row('peer send-to-ack (yardstick)', peers.map((r) => r.ack), '(no consumer: see broker-clients.ts)'));
  for (const p of problems) out.push(`  problem: ${p}`);
}

async function startup(procs: Procs, out: string[]): Promise<void> {
  out.push('');
  out.push(`start-up: spawn of \`node bin/kt server-start\` (fresh empty log dir, formatted at start) to its first accepted TCP connection on 127.0.0.1, median of ${STARTS}`);
  const kt: StartupSample[] = [];
  const bare: StartupSample[] = [];
  try {
    progress('start-up times');
    for (let i = 0; i < STARTS; i++) {
      bare.push(await timeStartup(procs, bareNodeArgs, false));
      kt.push(await timeStartup(procs, ktStartArgs, true));
    }
    const conn = median(kt.map((s) => s.connectMs));
    const api = median(kt.map((s) => s.apiVersionsMs));
    const node = median(bare.map((s) => s.connectMs));
    out.push(
      `kt server-start: ${conn.toFixed(0)} ms to first accepted connection, ${api.toFixed(0)} ms to first ApiVersions answer  ` +
        `target <= 500 ms: ${verdict(conn <= 500)}   (runs: ${kt.map((s) => s.connectMs.toFixed(0)).join(', ')})`,
    );
    out.push(`bare node listener (yardstick): ${node.toFixed(0)} ms   (runs: ${bare.map((s) => s.connectMs.toFixed(0)).join(', ')})`);
  } catch (err) {
    out.push(`start-up FAILED: ${(err as Error).message}`);
  }
}

async function memory(procs: Procs, out: string[]): Promise<void> {
  const total = MEM_TOPICS * MEM_PARTITIONS_PER_TOPIC;
  out.push('');
  out.push(
    `idle memory: kt with ${int(total)} partitions (${MEM_TOPICS} topics x ${MEM_PARTITIONS_PER_TOPIC}, created with CreateTopics), ` +
      `VmRSS from /proc/<pid>/status ${MEM_IDLE_S} s after creation; MB = 10^6 B`,
  );
  const dir = procs.tempDir('kt-bench-mem-');
  let kt: RunningKt | undefined;
  try {
    progress(`idle memory with ${total} partitions`);
    kt = await startKt(procs, dir);
    const pid = kt.child.pid!;
    await sleep(2000);
    const fresh = procMemory(pid);
    const spec: [string, number][] = Array.from({ length: MEM_TOPICS }, (_, i) => [`mem-${String(i).padStart(3, '0')}`, MEM_PARTITIONS_PER_TOPIC]);
    const t0 = performance.now();
    await createTopics(procs, kt.bootstrap, spec);
    const createMs = performance.now() - t0;
    await sleep(MEM_IDLE_S * 1000);
    const idle = procMemory(pid);
    out.push(
      `kt idle, ${int(total)} partitions: VmRSS ${idle.rssMB.toFixed(1)} MB  target <= 200 MB: ${verdict(idle.rssMB <= 200)}   ` +
        `(VmHWM ${idle.hwmMB.toFixed(1)} MB; ${idle.fds} open fds, ${idle.threads} threads; ` +
        `just started with no topics: VmRSS ${fresh.rssMB.toFixed(1)} MB; CreateTopics + metadata check took ${createMs.toFixed(0)} ms)`,
    );
  } catch (err) {
    out.push(`idle memory FAILED: ${(err as Error).message}`);
  } finally {
    if (kt) await procs.stop(kt.child, 10_000);
    procs.removeDir(dir);
  }
}
