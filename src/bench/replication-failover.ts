/**
 * Partition leader failover as a producer sees it: SIGKILL of a broker that leads partitions of a
 * replication-factor-3 topic, to the first acknowledged (acks=all) write on each of those
 * partitions.
 *
 * One confluent-kafka producer process writes without pause (one record per partition per
 * millisecond, linger.ms=0) with short timeouts, so it keeps retrying through the failover:
 * request.timeout.ms 1000, message.timeout.ms 3000 (a record not acknowledged by then is dropped
 * and counted, the producer carries on with newer ones), retry/reconnect backoffs of tens of ms and
 * metadata refreshed every 100 ms while a leader is unknown (topic.metadata.refresh.fast.interval.ms)
 * and every 250 ms anyway, so the client's own discovery adds at most a few hundred ms. It is not
 * idempotent: librdkafka treats an idempotent producer's message timeout as fatal-ish (epoch bump),
 * which would measure the client.
 *
 * The clock: the benchmark takes CLOCK_MONOTONIC (process.hrtime) just before sending the SIGKILL
 * and the producer stamps each record's send and acknowledgement with CLOCK_MONOTONIC
 * (time.monotonic_ns) too. A partition's failover time is the earliest acknowledgement of a record
 * SENT after the kill: the old leader is dead by then, so only the new leader can have written it
 * (an ack of an earlier record could be the dead leader's last bytes still in the socket).
 *
 * Between kills the node is restarted and the benchmark waits until every partition has a leader
 * and a full ISR again, so each kill starts from a healthy cluster.
 */
import type { ChildProcess } from 'node:child_process';
import { PYTHON } from './broker-clients.js';
import type { Procs } from './broker-procs.js';
import { connectTo, settledController, waitUntil, within } from './cluster-nodes.js';
import type { BrokerConnection } from '../engine/client/broker-connection.js';
import { metadataRequest, parseMetadata } from '../engine/client/metadata.js';
import type { LocalCluster } from '../engine/cluster/local-cluster.js';
import type { Message } from '../engine/protocol/codec.js';

export const FAILOVER_PRODUCER_CONFIG: Readonly<Record<string, string>> = {
  acks: 'all',
  'linger.ms': '0',
  'request.timeout.ms': '1000',
  'message.timeout.ms': '3000',
  'retry.backoff.ms': '20',
  'reconnect.backoff.ms': '20',
  'reconnect.backoff.max.ms': '200',
  'topic.metadata.refresh.fast.interval.ms': '100',
  'topic.metadata.refresh.interval.ms': '250',
  'socket.nagle.disable': 'true',
};

/** Give up on one partition's failover after this long (then "not measured"). */
const CAP_MS = 30_000;

const PRODUCER = `
import sys, time, json, select, os
from confluent_kafka import Producer
bs, topic, parts, conf = sys.argv[1], sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
p = Producer({"bootstrap.servers": bs, **conf})
watch = {}          # partition -> first (ack_ns, offset) of a record sent after kill_ns
kill_ns = [None]
errors = [0]
acked = [0]
def dr(err, msg):
    if err is not None:
        errors[0] += 1
        return
    acked[0] += 1
    if kill_ns[0] is None:
        return
    part = msg.partition()
    if part in watch and watch[part] is None and int(msg.value().split(b" ", 1)[0]) > kill_ns[0]:
        watch[part] = (time.monotonic_ns(), msg.offset())
def meta():
    md = p.list_topics(topic, timeout=5).topics.get(topic)
    if md is None or md.error:
        return {}
    return {pid: [pm.leader, list(pm.isrs)] for pid, pm in md.partitions.items()}
buf = b""
tick = time.monotonic()
print("STARTED", flush=True)
while True:
    now = time.monotonic()
    if now >= tick:
        stamp = str(time.monotonic_ns()).encode()
        for part in range(parts):
            try:
                p.produce(topic, stamp + b" " + b"x" * 80, partition=part, on_delivery=dr)
            except BufferError:
                pass
        tick += 0.001
        if tick < now - 0.1:
            tick = now  # fell behind (a blocked poll): do not burst to catch up
    p.poll(0)
    if kill_ns[0] is not None and watch and all(v is not None for v in watch.values()):
        print("FIRST_ACKS " + json.dumps({"kill_ns": kill_ns[0], "acks": {str(k): v for k, v in watch.items()}, "errors": errors[0] - errs_at_kill}), flush=True)
        kill_ns[0] = None
        watch = {}
    r, _, _ = select.select([sys.stdin], [], [], max(0.0, tick - time.monotonic()))
    if not r:
        continue
    chunk = os.read(sys.stdin.fileno(), 4096)
    if not chunk:
        break
    buf += chunk
    while b"\\n" in buf:
        line, buf = buf.split(b"\\n", 1)
        cmd = line.decode().split()
        if not cmd:
            continue
        if cmd[0] == "META":
            print("META " + json.dumps(meta()), flush=True)
        elif cmd[0] == "KILLED":
            kill_ns[0] = int(cmd[1])
            watch = {int(x): None for x in cmd[2].split(",")}
            errs_at_kill = errors[0]
        elif cmd[0] == "GIVEUP":
            print("FIRST_ACKS " + json.dumps({"kill_ns": kill_ns[0], "acks": {str(k): v for k, v in watch.items()}, "errors": errors[0] - errs_at_kill}), flush=True)
            kill_ns[0] = None
            watch = {}
        elif cmd[0] == "STOP":
            p.flush(5)
            print("STOPPED " + json.dumps({"acked": acked[0], "errors": errors[0]}), flush=True)
            sys.exit(0)
`;

export interface PartitionFailover {
  partition: number;
  /** Kill to the first acknowledged write on it; undefined when none within CAP_MS. */
  ms?: number;
  /** Kill to a surviving node's Metadata naming another leader (the broker side alone, no client discovery). */
  electedMs?: number;
  newLeader?: number;
}

export interface FailoverKill {
  killed: number;
  /** The killed node was also the active controller (the failover then includes a controller election). */
  wasController: boolean;
  partitions: PartitionFailover[];
  /** Records that the producer dropped (message.timeout.ms) during this failover, all partitions. */
  dropped: number;
}

type Meta = Record<string, [number, number[]]>;

/**
 * Poll `conn`'s Metadata every 10 ms from `t0` until each of `partitions` of `topic` has a leader
 * other than `victim`; per partition, ms from t0 (missing: not within CAP_MS).
 */
async function watchElections(conn: BrokerConnection, topic: string, partitions: number[], victim: number, t0: bigint): Promise<Map<number, number>> {
  const seen = new Map<number, number>();
  const version = conn.versionFor(3, 12)!;
  while (seen.size < partitions.length && Number(process.hrtime.bigint() - t0) / 1e6 < CAP_MS) {
    try {
      const snap = parseMetadata((await within(conn.send(3, version, metadataRequest(version, [topic], false)) as Promise<Message>, 2000, 'Metadata')) as Message);
      const now = Number(process.hrtime.bigint() - t0) / 1e6;
      for (const p of snap.topics[0]?.partitions ?? []) {
        if (partitions.includes(p.partition) && !seen.has(p.partition) && p.leader >= 0 && p.leader !== victim) seen.set(p.partition, now);
      }
    } catch {
      /* a slow answer during the failover: ask again */
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return seen;
}

/** Lines of a child's stdout, one awaited at a time. */
class Lines {
  private buf = '';
  private readonly queue: string[] = [];
  private waiter?: () => void;
  constructor(child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buf += d.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.queue.push(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
      }
      this.waiter?.();
    });
  }
  async next(prefix: string, timeoutMs: number): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex((l) => l.startsWith(prefix));
      if (i >= 0) return this.queue.splice(0, i + 1).pop()!.slice(prefix.length).trim();
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the failover producer printed no ${prefix} within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }
}

/**
 * `kills` leader failovers on `cluster` (3 nodes) for `topic` (`partitions` partitions, rf 3, made
 * by the caller). The last kill takes a partition leader that is also the active controller when
 * there is one; the others a leader that is not.
 */
export async function measureLeaderFailovers(
  procs: Procs,
  cluster: LocalCluster,
  topic: string,
  partitions: number,
  kills: number,
  progress: (s: string) => void,
): Promise<{ kills: FailoverKill[]; stderr: () => string }> {
  const child = procs.spawn(PYTHON, ['-c', PRODUCER, cluster.bootstrap, topic, String(partitions), JSON.stringify(FAILOVER_PRODUCER_CONFIG)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));
  const lines = new Lines(child);
  const send = (s: string) => child.stdin!.write(`${s}\n`);
  const meta = async (): Promise<Meta> => {
    send('META');
    return JSON.parse(await lines.next('META ', 15_000)) as Meta;
  };
  const healthy = async () => {
    let m: Meta = {};
    await waitUntil(
      async () => {
        m = await meta();
        const ps = Object.values(m);
        return ps.length === partitions && ps.every(([leader, isr]) => leader >= 0 && isr.length === cluster.nodes.length);
      },
      'every partition with a leader and a full ISR',
      60_000,
      200,
    );
    return m;
  };
  const out: FailoverKill[] = [];
  try {
    await lines.next('STARTED', 30_000);
    for (let k = 0; k < kills; k++) {
      const m = await healthy();
      const controller = (await settledController(cluster, { timeoutMs: 60_000 })).leaderId;
      const leaders = new Set(Object.values(m).map(([leader]) => leader));
      const wantController = k === kills - 1;
      const candidates = [...leaders].filter((id) => (id === controller) === wantController);
      const victim = candidates[k % Math.max(1, candidates.length)] ?? [...leaders][0]!;
      const led = Object.entries(m).filter(([, [leader]]) => leader === victim).map(([p]) => Number(p));
      await new Promise((r) => setTimeout(r, 500)); // the producer in its steady state
      const node = cluster.node(victim);
      const survivor = cluster.nodes.find((n) => n.running && n.nodeId !== victim)!;
      const conn = await connectTo(survivor);
      const killNs = process.hrtime.bigint();
      const exited = node.kill('SIGKILL');
      send(`KILLED ${killNs} ${led.join(',')}`);
      const elections = watchElections(conn, topic, led, victim, killNs).finally(() => conn.close());
      await exited;
      let result: { kill_ns: number; acks: Record<string, [number, number] | null>; errors: number };
      try {
        result = JSON.parse(await lines.next('FIRST_ACKS ', CAP_MS));
      } catch {
        send('GIVEUP');
        result = JSON.parse(await lines.next('FIRST_ACKS ', 10_000));
      }
      const elected = await elections;
      const after = await meta().catch(() => ({}) as Meta);
      const parts: PartitionFailover[] = led.map((p) => {
        const ack = result.acks[String(p)];
        return { partition: p, ms: ack ? Number(BigInt(ack[0]) - killNs) / 1e6 : undefined, electedMs: elected.get(p), newLeader: after[String(p)]?.[0] };
      });
      out.push({ killed: victim, wasController: victim === controller, partitions: parts, dropped: result.errors });
      progress(
        `leader kill ${k + 1}/${kills}: node ${victim}${victim === controller ? ' (also the active controller)' : ''}; ` +
          parts.map((p) => `partition ${p.partition}: ${p.ms === undefined ? 'no ack' : `${Math.round(p.ms)} ms`} (new leader in Metadata after ${p.electedMs === undefined ? '?' : Math.round(p.electedMs)} ms) -> leader ${p.newLeader ?? '?'}`).join(', ') +
          `; ${result.errors} records dropped`,
      );
      await node.start();
    }
    await healthy();
    send('STOP');
    await lines.next('STOPPED', 15_000).catch(() => '');
    return { kills: out, stderr: () => stderr };
  } finally {
    await procs.stop(child, 2000);
  }
}
