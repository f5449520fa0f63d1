/**
 * The librdkafka clients the broker benchmark drives: the peers' bench_kafka_clients.sh for
 * throughput (kcat and confluent-kafka, identical settings for every broker), and small
 * confluent-kafka (Debian's /usr/bin/python3) programs for end-to-end latency and topic creation.
 */
import { join } from 'node:path';
import type { Procs } from './broker-procs.js';
import { waitForLine } from './broker-procs.js';
import { PEERS_DIR } from './broker-peer.js';

export const PYTHON = '/usr/bin/python3';

export interface ThroughputResult {
  figure: string; // kcat_produce, kcat_consume, confluent_produce, confluent_consume
  secs: number;
  msgsPerSec: number;
  mbPerSec: number;
  ok: boolean;
  note: string;
}

const RESULT_RE = /^RESULT (\S+) msgs=(\d+) bytes=(\d+) secs=(\S+) msgs_s=(\d+) MB_s=(\S+)\s*(.*)$/;

/**
 * One run of bench_kafka_clients.sh: kcat then confluent-kafka, each producing `n` records of
 * `size` bytes to its own 1-partition topic (acks=1, linger.ms=5, batch.size=1 MB) and consuming
 * them back by assignment with queued.min.messages raised.
 */
export async function throughputRun(
  procs: Procs,
  bootstrap: string,
  { n, size, prefix, noCreate, timeoutS }: { n: number; size: number; prefix: string; noCreate: boolean; timeoutS: number },
): Promise<{ results: ThroughputResult[]; error?: string }> {
  const args = [bootstrap, String(n), String(size), '--', '--topic-prefix', prefix, '--partitions', '1', '--timeout', String(timeoutS)];
  if (noCreate) args.push('--no-create');
  const r = await procs.run(join(PEERS_DIR, 'bench_kafka_clients.sh'), args, { timeoutMs: (4 * timeoutS + 60) * 1000 });
  const results: ThroughputResult[] = [];
  for (const l of r.stdout.split('\n')) {
    const m = l.match(RESULT_RE);
    if (!m) continue;
    const note = m[7].trim();
    results.push({ figure: m[1], secs: Number(m[4]), msgsPerSec: Number(m[5]), mbPerSec: Number(m[6]), ok: note.startsWith('ok'), note });
  }
  const error = r.timedOut ? 'timed out' : r.code !== 0 ? `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}` : undefined;
  return { results, error };
}

/** Create topics with CreateTopics (confluent-kafka AdminClient); `spec` is [name, partitions][]. */
export async function createTopics(procs: Procs, bootstrap: string, spec: [string, number][], timeoutS = 120): Promise<void> {
  const script = `
import sys, json
from confluent_kafka.admin import AdminClient, NewTopic
adm = AdminClient({"bootstrap.servers": sys.argv[1]})
spec = json.loads(sys.argv[2])
fs = adm.create_topics([NewTopic(t, p, 1) for t, p in spec], operation_timeout=${timeoutS}, request_timeout=${timeoutS})
bad = []
for t, f in fs.items():
    try:
        f.result(timeout=${timeoutS})
    except Exception as e:
        bad.append(f"{t}: {e}")
md = adm.list_topics(timeout=30)
parts = sum(len(md.topics[t].partitions) for t, _ in spec if t in md.topics)
print(f"PARTITIONS {parts}")
if bad:
    print("ERRORS " + "; ".join(bad[:3]), file=sys.stderr)
    sys.exit(1)
`;
  const r = await procs.run(PYTHON, ['-c', script, bootstrap, JSON.stringify(spec)], { timeoutMs: (timeoutS + 60) * 1000 });
  const want = spec.reduce((a, [, p]) => a + p, 0);
  const got = Number(r.stdout.match(/PARTITIONS (\d+)/)?.[1] ?? -1);
  if (r.code !== 0 || got !== want) throw new Error(`CreateTopics: exit ${r.code}, ${got}/${want} partitions in metadata: ${r.stderr.trim().slice(-300)}`);
}

/**
 * End-to-end latency. The consumer (one process) assigns partition 0 of an empty topic from offset
 * 0 and prints READY; the producer (another process) then sends `rate` records/s, each value
 * "<seq> <time.time_ns()>" padded to `size` bytes, with acks=all and linger.ms=0 (so the
 * producer's own batching delay is not counted). The consumer takes time.time_ns() on receipt;
 * the producer also records send-to-acknowledgement times from its delivery reports. Records of
 * the first `warmS` seconds are not counted. Both clients disable Nagle (socket.nagle.disable),
 * as the Java client always does (TCP_NODELAY); librdkafka 2.0 leaves it on by default.
 */
const WAIT_FOR_TOPIC = `
def wait_for_topic(bs, topic):
    p = Producer({"bootstrap.servers": bs})
    deadline = time.time() + 30
    while True:
        t = p.list_topics(topic, timeout=10).topics.get(topic)
        if t and not t.error and t.partitions and all(pm.leader >= 0 for pm in t.partitions.values()):
            return
        if time.time() > deadline:
            sys.exit("topic never became available")
        time.sleep(0.1)

def pct(xs):
    xs = sorted(xs)
    q = lambda f: xs[min(len(xs) - 1, int(f * len(xs)))] if xs else -1
    return {"count": len(xs), "p50": q(0.50), "p99": q(0.99), "p999": q(0.999), "max": xs[-1] if xs else -1,
            "mean": sum(xs) / len(xs) if xs else -1}
`;

const LAT_CONSUMER = `
import sys, time, json
from confluent_kafka import Consumer, Producer, TopicPartition
${WAIT_FOR_TOPIC}
bs, topic, total, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
wait_for_topic(bs, topic)
c = Consumer({"bootstrap.servers": bs, "group.id": "lat-" + topic, "enable.auto.commit": False,
              "socket.nagle.disable": True})
c.assign([TopicPartition(topic, 0, 0)])
t_end = time.time() + 1.0
while time.time() < t_end:
    c.poll(0.05)
print("READY", flush=True)
delays = []
got = 0
last = time.time()
# poll() returns as soon as one record is there (consume(num_messages=K) would wait to fill K).
while got < total and time.time() - last < 10:
    m = c.poll(0.1)
    if m is None or m.error():
        continue
    now = time.time_ns()
    seq, stamp = m.value().split(b" ", 2)[:2]
    got += 1
    last = time.time()
    if int(seq) >= warm:
        delays.append((now - int(stamp)) / 1e6)
c.close()
print("LATENCY " + json.dumps({"received": got, **pct(delays)}), flush=True)
`;

const LAT_PRODUCER = `
import sys, time, json
from confluent_kafka import Producer
${WAIT_FOR_TOPIC}
bs, topic, total, rate, size, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
wait_for_topic(bs, topic)
p = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": "0", "compression.type": "none",
              "queue.buffering.max.messages": "1000000", "socket.nagle.disable": True})
errs = [0]
acks = []
def dr(err, msg):
    if err is not None:
        errs[0] += 1
        return
    seq, stamp = msg.value().split(b" ", 2)[:2]
    if int(seq) >= warm:
        acks.append((time.time_ns() - int(stamp)) / 1e6)
i = 0
t0 = time.perf_counter()
while i < total:
    due = min(total, int((time.perf_counter() - t0) * rate) + 1)
    while i < due:
        v = f"{i} {time.time_ns()} ".encode()
        p.produce(topic, v + b"x" * max(0, size - len(v)), partition=0, on_delivery=dr)
        i += 1
    p.poll(0)
    wait = i / rate - (time.perf_counter() - t0)
    if wait > 0:
        time.sleep(wait)
left = p.flush(30)
elapsed = time.perf_counter() - t0
print("PRODUCED " + json.dumps({"sent": i, "rate": i / elapsed, "undelivered": left, "errors": errs[0], **pct(acks)}), flush=True)
`;

export interface Percentiles {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LatencyResult {
  /** Send to receipt by the consumer; undefined when run without a consumer. */
  endToEnd?: Percentiles & { received: number };
  /** Send to the producer's delivery report (acks=all). */
  ack: Percentiles & { sent: number; rate: number; undelivered: number; errors: number };
}

/**
 * One latency run. Without `consumer` only the producer runs (send-to-ack figures): used for the
 * peer, whose Fetch scans its message-set list linearly, so one-record batches at 10,000/s make
 * its consumer fall seconds behind and its end-to-end figure says nothing about a broker.
 */
export async function latencyRun(
  procs: Procs,
  bootstrap: string,
  { topic, rate, seconds, warmS, size, consumer: withConsumer = true }: { topic: string; rate: number; seconds: number; warmS: number; size: number; consumer?: boolean },
): Promise<LatencyResult> {
  const total = rate * (seconds + warmS);
  const warm = rate * warmS;
  const produce = async () => {
    const prod = await procs.run(PYTHON, ['-c', LAT_PRODUCER, bootstrap, topic, String(total), String(rate), String(size), String(warm)], {
      timeoutMs: (seconds + warmS + 60) * 1000,
    });
    const pm = prod.stdout.match(/PRODUCED (.*)/);
    if (prod.code !== 0 || !pm) throw new Error(`latency producer exit ${prod.code}: ${prod.stderr.trim().slice(-300)}`);
    return JSON.parse(pm[1]) as LatencyResult['ack'];
  };
  if (!withConsumer) return { ack: await produce() };

  const consumer = procs.spawn(PYTHON, ['-c', LAT_CONSUMER, bootstrap, topic, String(total), String(warm)]);
  let out = '';
  let err = '';
  consumer.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  consumer.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const finished = new Promise<void>((r) => consumer.once('close', () => r()));
  const killer = setTimeout(() => procs.stop(consumer, 1000), (seconds + warmS + 90) * 1000);
  try {
    await waitForLine(consumer, /READY/, 45_000, 'stdout');
    const ack = await produce();
    await finished;
    const m = out.match(/LATENCY (.*)/);
    if (!m) throw new Error(`latency consumer printed no result (exit ${consumer.exitCode}): ${err.trim().slice(-300)}`);
    return { endToEnd: JSON.parse(m[1]) as LatencyResult['endToEnd'], ack };
  } finally {
    clearTimeout(killer);
    await procs.stop(consumer, 1000);
  }
}
