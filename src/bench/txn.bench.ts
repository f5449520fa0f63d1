/**
 * Exactly-once benchmark (issue 9). Figures, not pass/fail; each printed next to its target and to a
 * yardstick measured in the same run, with the same client (confluent-kafka on librdkafka 2.0.2,
 * Debian's /usr/bin/python3; programs in txn-clients.ts).
 *
 * 1. Idempotent produce throughput as a ratio to plain produce (acks=1, idempotence off) against
 *    kt: 1 partition, KT_BENCH_TXN_RECORDS records of 100 B, linger.ms=5, batch.size=1 MB, a fresh
 *    topic per run, the two modes interleaved; median of KT_BENCH_TXN_RUNS. Target >= 0.9.
 * 2. Transactions per second, each of 100 records of 100 B to 1 partition, one producer committing
 *    back to back for KT_BENCH_TXN_SECONDS, against kt and against the peer (librdkafka's mock
 *    cluster, which implements the transaction APIs), runs interleaved; median of runs. Target
 *    kt/peer >= 1.0. The peer is a built mockcluster binary when one is there (../shared/peers or
 *    the peer cache, see broker-peer.ts), else the same mock cluster started inside a confluent-kafka
 *    python process (test.mock.num.brokers): Debian's librdkafka 2.0.2, the very library the stock
 *    mockcluster binary links to, so no build is needed. Retention (what mockcluster-big changes)
 *    does not matter to this figure.
 * 3. read_committed consume throughput as a ratio to read_uncommitted against kt: one partition
 *    filled with KT_BENCH_TXN_CONSUME_RECORDS records in committed transactions of 1,000 (so a
 *    control batch every 1,000 records and both levels read the same records), read from the
 *    beginning by assignment, the two levels interleaved; median of runs. Target >= 0.9.
 *
 * Knobs (env): KT_BENCH_TXN_RECORDS, KT_BENCH_TXN_RUNS, KT_BENCH_TXN_SECONDS,
 * KT_BENCH_TXN_CONSUME_RECORDS, KT_BENCH_TXN_BUILD_PEER=1 (build mockcluster-big if missing), and the
 * peer knobs of broker.bench.ts (KT_PEERS_DIR, KT_PEERS_CACHE).
 */
import { accessSync, constants } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createTopics, PYTHON } from './broker-clients.js';
import { startKt } from './broker-kt.js';
import { findOrBuildPeer, PEERS_DIR, peerCacheDir, startPeer } from './broker-peer.js';
import { median, Procs, waitForLine } from './broker-procs.js';
import { envNumber } from './measure.js';
import { consumeRun, fillTransactionally, produceRun, transactionsRun, type Rate } from './txn-clients.js';

const RECORDS = envNumber('KT_BENCH_TXN_RECORDS', 500_000);
const RUNS = envNumber('KT_BENCH_TXN_RUNS', 5);
const TXN_SECONDS = envNumber('KT_BENCH_TXN_SECONDS', 5);
const CONSUME_RECORDS = envNumber('KT_BENCH_TXN_CONSUME_RECORDS', 500_000);
const SIZE = 100;
const PER_TXN = 100;
const FILL_PER_TXN = 1000;

const progress = (s: string) => console.error(`# txn bench: ${s}`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
const runs = (rs: Rate[]) => rs.map((r) => int(r.rate)).join(', ');
const med = (rs: Rate[]) => (rs.length ? median(rs.map((r) => r.rate)) : NaN);
const ratioText = (r: number, target: number) => (Number.isFinite(r) ? `ratio ${r.toFixed(3)}  target >= ${target.toFixed(1)}: ${verdict(r >= target)}` : 'ratio -');

interface Peer {
  bootstrap: string;
  what: string;
}

/**
 * A built mockcluster binary if one is there (built only with KT_BENCH_TXN_BUILD_PEER=1: that takes
 * minutes the first time), else the mock inside python.
 */
async function startTxnPeer(procs: Procs, topic: string, workDir: string): Promise<Peer> {
  if (process.env.KT_BENCH_TXN_BUILD_PEER === '1') {
    const bin = await findOrBuildPeer(procs, progress);
    const peer = await startPeer(procs, bin, [`${topic}:1`], workDir);
    return { bootstrap: peer.bootstrap, what: `${bin.kind === 'big' ? 'mockcluster-big' : 'mockcluster'}, ${bin.how}` };
  }
  const dirs = [PEERS_DIR];
  try {
    dirs.push(peerCacheDir());
  } catch {
    /* no cache dir: only the peers dir */
  }
  for (const dir of dirs) {
    for (const kind of ['mockcluster-big', 'mockcluster'] as const) {
      const path = join(dir, kind);
      try {
        accessSync(path, constants.X_OK);
      } catch {
        continue;
      }
      const peer = await startPeer(procs, { kind: kind === 'mockcluster' ? 'mock' : 'big', path, how: 'cached' }, [`${topic}:1`], workDir);
      return { bootstrap: peer.bootstrap, what: `${kind} (${path})` };
    }
  }
  const script = `
import time
from confluent_kafka import Producer
p = Producer({"test.mock.num.brokers": 1, "bootstrap.servers": ""})
b = list(p.list_topics(timeout=10).brokers.values())[0]
print("BOOTSTRAP=%s:%d" % (b.host, b.port), flush=True)
while True:
    time.sleep(3600)
`;
  const child = procs.spawn(PYTHON, ['-c', script]);
  child.stderr!.resume(); // librdkafka logs there: never let an unread pipe block it
  const m = await waitForLine(child, /BOOTSTRAP=(\S+)/, 20_000, 'stdout');
  return { bootstrap: m[1], what: 'librdkafka mock cluster inside a confluent-kafka python process (no built mockcluster found)' };
}

export async function benchTxn(): Promise<string[]> {
  const procs = new Procs();
  const out: string[] = ['exactly-once benchmark (issue 9): confluent-kafka (librdkafka 2.0.2) clients, kt vs its yardsticks in the same run'];
  const load = () => loadavg()[0].toFixed(2);
  const loadAtStart = load();
  const tag = Date.now().toString(36);
  try {
    const dir = procs.tempDir('kt-bench-txn-');
    const kt = await startKt(procs, dir);
    progress(`kt at ${kt.bootstrap} (pid ${kt.child.pid})`);
    const produceTopic = (mode: string, i: number) => `idem-${mode}-${i}-${tag}`;
    const txnTopic = `txn-rate-${tag}`;
    const fillTopic = `rc-fill-${tag}`;
    await createTopics(procs, kt.bootstrap, [
      ...Array.from({ length: RUNS }, (_, i) => [produceTopic('plain', i), produceTopic('idempotent', i)] as [string, string]).flat().map((t): [string, number] => [t, 1]),
      [txnTopic, 1],
      [fillTopic, 1],
    ]);

    // 1. Idempotent vs plain produce, interleaved (alternating which goes first).
    const produced = { plain: [] as Rate[], idempotent: [] as Rate[] };
    const problems: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 ? (['idempotent', 'plain'] as const) : (['plain', 'idempotent'] as const);
      for (const mode of order) {
        progress(`produce run ${i + 1}/${RUNS}, ${mode}`);
        try {
          const r = await produceRun(procs, kt.bootstrap, produceTopic(mode, i), RECORDS, SIZE, mode);
          if (r.failed || r.unflushed) problems.push(`${mode} run ${i + 1}: ${r.failed} failed, ${r.unflushed} unflushed`);
          produced[mode].push(r);
          progress(`${mode}: ${int(r.rate)} records/s`);
        } catch (err) {
          problems.push(`${mode} run ${i + 1} FAILED: ${(err as Error).message}`);
        }
      }
    }
    const plain = med(produced.plain);
    const idem = med(produced.idempotent);
    out.push(
      '',
      `idempotent produce: 1 partition, ${int(RECORDS)} records x ${SIZE} B, linger.ms=5, batch.size=1000000, a fresh topic per run; median of ${RUNS} runs, modes interleaved`,
      `  ${'plain (acks=1, enable.idempotence=false)'.padEnd(48)} kt ${int(plain).padStart(9)} records/s   (runs ${runs(produced.plain) || '-'})`,
      `  ${'idempotent (enable.idempotence=true, acks=all)'.padEnd(48)} kt ${int(idem).padStart(9)} records/s   (runs ${runs(produced.idempotent) || '-'})`,
      `  idempotent/plain ${ratioText(idem / plain, 0.9)}`,
    );

    // 2. Transactions per second, kt and the peer interleaved.
    let peer: Peer | undefined;
    try {
      peer = await startTxnPeer(procs, txnTopic, dir);
      progress(`peer at ${peer.bootstrap}: ${peer.what}`);
    } catch (err) {
      problems.push(`no peer: ${(err as Error).message}`);
    }
    const txns = { kt: [] as Rate[], peer: [] as Rate[] };
    for (let i = 0; i < RUNS; i++) {
      const order = peer ? (i % 2 ? (['peer', 'kt'] as const) : (['kt', 'peer'] as const)) : (['kt'] as const);
      for (const who of order) {
        progress(`transactions run ${i + 1}/${RUNS} against ${who}`);
        try {
          const bootstrap = who === 'kt' ? kt.bootstrap : peer!.bootstrap;
          const r = await transactionsRun(procs, bootstrap, txnTopic, `txn-bench-${who}-${i}-${tag}`, PER_TXN, SIZE, TXN_SECONDS);
          txns[who].push(r);
          progress(`${who}: ${int(r.rate)} transactions/s`);
        } catch (err) {
          problems.push(`transactions ${who} run ${i + 1} FAILED: ${(err as Error).message}`);
        }
      }
    }
    const ktTxn = med(txns.kt);
    const peerTxn = med(txns.peer);
    out.push(
      '',
      `transactions: ${PER_TXN} records x ${SIZE} B each to 1 partition, one producer committing back to back for ${TXN_SECONDS} s; median of ${RUNS} runs, kt and peer interleaved`,
      `  peer: ${peer?.what ?? 'UNAVAILABLE'}`,
      `  kt ${int(ktTxn).padStart(7)} transactions/s (${int(ktTxn * PER_TXN)} records/s)   peer ${int(peerTxn).padStart(7)} transactions/s   ` +
        `kt/peer ${ratioText(ktTxn / peerTxn, 1.0)}   (runs kt: ${runs(txns.kt) || '-'}; peer: ${runs(txns.peer) || '-'})`,
    );

    // 3. read_committed vs read_uncommitted consume.
    progress(`filling ${fillTopic} with ${int(CONSUME_RECORDS)} records in transactions of ${FILL_PER_TXN}`);
    const consumed = { read_uncommitted: [] as Rate[], read_committed: [] as Rate[] };
    try {
      await fillTransactionally(procs, kt.bootstrap, fillTopic, `txn-bench-fill-${tag}`, CONSUME_RECORDS, FILL_PER_TXN, SIZE);
      for (let i = 0; i < RUNS; i++) {
        const order = i % 2 ? (['read_committed', 'read_uncommitted'] as const) : (['read_uncommitted', 'read_committed'] as const);
        for (const isolation of order) {
          progress(`consume run ${i + 1}/${RUNS}, ${isolation}`);
          const r = await consumeRun(procs, kt.bootstrap, fillTopic, CONSUME_RECORDS, isolation);
          if (r.records !== CONSUME_RECORDS) problems.push(`${isolation} run ${i + 1}: read ${r.records} of ${CONSUME_RECORDS}`);
          else consumed[isolation].push(r);
          progress(`${isolation}: ${int(r.rate)} records/s`);
        }
      }
    } catch (err) {
      problems.push(`consume FAILED: ${(err as Error).message}`);
    }
    const ru = med(consumed.read_uncommitted);
    const rc = med(consumed.read_committed);
    out.push(
      '',
      `consume: 1 partition of ${int(CONSUME_RECORDS)} records x ${SIZE} B written in committed transactions of ${FILL_PER_TXN}, read by assignment from the beginning; median of ${RUNS} runs, levels interleaved`,
      `  read_uncommitted  kt ${int(ru).padStart(9)} records/s   (runs ${runs(consumed.read_uncommitted) || '-'})`,
      `  read_committed    kt ${int(rc).padStart(9)} records/s   (runs ${runs(consumed.read_committed) || '-'})`,
      `  read_committed/read_uncommitted ${ratioText(rc / ru, 0.9)}`,
    );
    for (const p of problems) out.push(`  problem: ${p}`);
  } finally {
    await procs.cleanup();
  }
  out.push('', `machine: ${cpus().length} cores, node ${process.version}; 1-minute load average ${loadAtStart} at start, ${load()} at end`);
  return out;
}
