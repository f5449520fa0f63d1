/**
 * Clients for the replication benchmark. Throughput runs the peers' bench_kafka.py (kcat and
 * confluent-kafka, the very settings broker.bench.ts uses: linger.ms=5, batch.size=1 MB, no
 * compression, queued.min.messages raised), with two differences a replicated topic needs and the
 * script has no flag for:
 *
 * - acks: the script hard-codes acks=1; for acks=all its source is run with that one setting
 *   replaced (checked: the run fails rather than silently measuring acks=1);
 * - replication factor: the script creates its topics with replication factor 1, so the topics are
 *   created here first (with the wanted factor) and the script is told --no-create.
 *
 * Each broker process's CPU (utime+stime from /proc/<pid>/stat) is sampled when the run starts and
 * as each RESULT line arrives, so every figure gets the broker CPU spent during its own phase.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PYTHON, type ThroughputResult } from './broker-clients.js';
import { procCpuSeconds } from './broker-kt.js';
import { PEERS_DIR } from './broker-peer.js';
import type { Procs } from './broker-procs.js';

const RESULT_RE = /^RESULT (\S+) msgs=(\d+) bytes=(\d+) secs=(\S+) msgs_s=(\d+) MB_s=(\S+)\s*(.*)$/;
const ACKS_1 = '"acks": "1"';

/** Runs bench_kafka.py's source with acks replaced (`argv[1]`: script path, `argv[2]`: acks, rest: its arguments). */
const WRAPPER = `
import sys
path, acks = sys.argv[1], sys.argv[2]
src = open(path).read()
if acks != "1":
    if ${JSON.stringify(ACKS_1)} not in src:
        sys.exit("bench_kafka.py no longer sets " + ${JSON.stringify(ACKS_1)} + ": cannot run it with acks=" + acks)
    src = src.replace(${JSON.stringify(ACKS_1)}, '"acks": "' + acks + '"')
sys.argv = [path] + sys.argv[3:]
exec(compile(src, path, "exec"), {"__name__": "__main__", "__file__": path})
`;

export interface PhaseResult extends ThroughputResult {
  /** CPU seconds each broker process spent during this figure's phase (same order as `pids`). */
  cpu: number[];
}

/** CPU seconds of every pid; NaN for one that is gone. */
const cpuOf = (pids: number[]) =>
  pids.map((pid) => {
    try {
      return procCpuSeconds(pid);
    } catch {
      return NaN;
    }
  });

/**
 * One run of bench_kafka.py against `bootstrap` (topics `<prefix>-kcat` and `<prefix>-ck`), with
 * `acks`, sampling the CPU of `pids` (the broker's processes) around each of the four figures.
 * `create` false: the topics exist already (made here with a replication factor, or the peer's).
 */
export async function throughputPhases(
  procs: Procs,
  bootstrap: string,
  pids: number[],
  { n, size, prefix, acks, timeoutS }: { n: number; size: number; prefix: string; acks: string; timeoutS: number },
  create: boolean,
): Promise<{ results: PhaseResult[]; error?: string }> {
  const script = join(PEERS_DIR, 'bench_kafka.py');
  readFileSync(script); // fail early, with the path, when the peers dir is missing
  const args = ['-c', WRAPPER, script, acks, bootstrap, '--n', String(n), '--size', String(size), '--topic-prefix', prefix, '--partitions', '1', '--timeout', String(timeoutS)];
  if (!create) args.push('--no-create');
  const child = procs.spawn(PYTHON, args);
  const results: PhaseResult[] = [];
  let before = cpuOf(pids);
  let pending = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const m = line.match(RESULT_RE);
      if (!m) continue;
      // Sampled the moment the figure is printed: the next phase has not started yet.
      const now = cpuOf(pids);
      const note = m[7].trim();
      results.push({
        figure: m[1],
        secs: Number(m[4]),
        msgsPerSec: Number(m[5]),
        mbPerSec: Number(m[6]),
        ok: note.startsWith('ok'),
        note,
        cpu: now.map((c, i) => c - before[i]!),
      });
      before = now;
    }
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void procs.stop(child, 1000);
  }, (4 * timeoutS + 60) * 1000);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  const error = timedOut ? 'timed out' : code !== 0 ? `exit ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}` : undefined;
  return { results, error };
}

/** CreateTopics (confluent-kafka AdminClient) of `spec` ([name, partitions][]) with `replicationFactor`, then every partition has a leader and a full ISR. */
export async function createReplicatedTopics(procs: Procs, bootstrap: string, spec: [string, number][], replicationFactor: number, timeoutS = 60): Promise<void> {
  const script = `
import sys, json, time
from confluent_kafka.admin import AdminClient, NewTopic
adm = AdminClient({"bootstrap.servers": sys.argv[1]})
spec, rf = json.loads(sys.argv[2]), int(sys.argv[3])
fs = adm.create_topics([NewTopic(t, p, rf) for t, p in spec], operation_timeout=${timeoutS}, request_timeout=${timeoutS})
for t, f in fs.items():
    f.result(timeout=${timeoutS})
deadline = time.time() + ${timeoutS}
while True:
    md = adm.list_topics(timeout=10)
    ready = all(t in md.topics and not md.topics[t].error and len(md.topics[t].partitions) == p
                and all(pm.leader >= 0 and len(pm.isrs) == rf for pm in md.topics[t].partitions.values())
                for t, p in spec)
    if ready:
        print("READY", flush=True)
        break
    if time.time() > deadline:
        sys.exit("topics created but not every partition has a leader and a full ISR")
    time.sleep(0.1)
`;
  const r = await procs.run(PYTHON, ['-c', script, bootstrap, JSON.stringify(spec), String(replicationFactor)], { timeoutMs: (2 * timeoutS + 30) * 1000 });
  if (r.code !== 0 || !r.stdout.includes('READY')) throw new Error(`CreateTopics (rf ${replicationFactor}): exit ${r.code}: ${r.stderr.trim().slice(-300)}`);
}
