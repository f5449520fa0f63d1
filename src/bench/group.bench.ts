/**
 * Consumer-group benchmark (issue 5). Figures, not pass/fail; each printed next to its target.
 *
 * 1. Rebalance: ten members of one group (kt's GroupConsumer, range assignor, Kafka's default
 *    heartbeat.interval.ms of 3000 ms) subscribe to a 12-partition topic on a kt server whose
 *    group.initial.rebalance.delay.ms is 3000 ms. Timed: the first stable generation (every member
 *    holds its partitions), then a rebalance after an eleventh member joins (from its subscribe to
 *    every member holding its partitions of the new generation). Target for the rebalance:
 *    <= 1.2 x (delay + heartbeat interval). Median of KT_BENCH_GROUP_ROUNDS rounds, a fresh group each.
 *    The same clients against the peer (librdkafka's mock cluster, whose delays are fixed in its
 *    code) once, as a yardstick.
 * 2. Offset commits per second from one client (OffsetCommit of a simple consumer, no membership),
 *    1 and 100 partitions per request, one request in flight and 16 in flight, for a few seconds
 *    each, against kt and the peer in the same run; ratio kt/peer.
 *
 * Knobs (env): KT_BENCH_GROUP_ROUNDS, KT_BENCH_COMMIT_S, and the peer knobs of broker.bench.ts.
 */
import { Admin, Cluster, GroupConsumer, GroupCoordinators, commitOffsets, type OffsetToCommit } from '../engine/client/index.js';
import { startKt } from './broker-kt.js';
import { findOrBuildPeer, startPeer } from './broker-peer.js';
import { envNumber } from './measure.js';
import { median, Procs } from './broker-procs.js';

const ROUNDS = envNumber('KT_BENCH_GROUP_ROUNDS', 3);
const COMMIT_SECONDS = envNumber('KT_BENCH_COMMIT_S', 3);
const MEMBERS = 10;
const PARTITIONS = 12;
const REBALANCE_DELAY_MS = 3000;
const HEARTBEAT_MS = 3000;
const COMMIT_PARTITIONS = 100;
/** Give up on a rebalance after this long (the peer's timers may exceed any target). */
const REBALANCE_CAP_MS = 60_000;

const progress = (s: string) => console.error(`# group bench: ${s}`);
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A group member polling in the background; remembers the generation it last got partitions in. */
class Member {
  readonly consumer: GroupConsumer;
  assignedGeneration = -1;
  assignedAt = 0;
  private running = true;
  private readonly loop: Promise<void>;
  error: unknown;

  constructor(bootstrap: string, groupId: string, topic: string) {
    const consumer = () => this.consumer;
    this.consumer = new GroupConsumer({
      bootstrapServers: bootstrap,
      groupId,
      heartbeatIntervalMs: HEARTBEAT_MS,
      fetchMaxWaitMs: 100,
      enableAutoCommit: false,
      listener: {
        onPartitionsAssigned: () => {
          this.assignedGeneration = consumer().generationId;
          this.assignedAt = performance.now();
        },
      },
    });
    const polled = this.consumer;
    polled.subscribe([topic]);
    this.loop = (async () => {
      while (this.running) await polled.poll(100);
    })().catch((err: unknown) => {
      this.error = err;
    });
  }

  async close(): Promise<void> {
    this.running = false;
    this.consumer.wakeup();
    await this.loop;
    await this.consumer.close().catch(() => undefined);
  }
}

/**
 * Wait until every member holds partitions of one generation, newer than `after`; the time the
 * last of them got its partitions. Throws past the cap.
 */
async function stableGeneration(members: Member[], after: number): Promise<{ generation: number; at: number }> {
  const deadline = performance.now() + REBALANCE_CAP_MS;
  while (performance.now() < deadline) {
    const failed = members.find((m) => m.error);
    if (failed) throw failed.error;
    const gen = members[0].assignedGeneration;
    if (gen > after && members.every((m) => m.assignedGeneration === gen && m.consumer.generationId === gen)) {
      return { generation: gen, at: Math.max(...members.map((m) => m.assignedAt)) };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`no stable generation within ${REBALANCE_CAP_MS / 1000} s`);
}

interface RebalanceRound {
  initialMs: number;
  joinMs: number;
}

async function rebalanceRound(bootstrap: string, topic: string, groupId: string): Promise<RebalanceRound> {
  const members: Member[] = [];
  try {
    const t0 = performance.now();
    for (let i = 0; i < MEMBERS; i++) members.push(new Member(bootstrap, groupId, topic));
    const first = await stableGeneration(members, -1);
    const t1 = performance.now();
    members.push(new Member(bootstrap, groupId, topic));
    const second = await stableGeneration(members, first.generation);
    return { initialMs: first.at - t0, joinMs: second.at - t1 };
  } finally {
    await Promise.all(members.map((m) => m.close()));
  }
}

/** OffsetCommit requests answered per second, `inFlight` at a time, for COMMIT_SECONDS. */
async function commitRate(bootstrap: string, topic: string, groupId: string, partitionsPerCommit: number, inFlight: number): Promise<number> {
  const cluster = new Cluster({ bootstrap, clientId: 'kt-bench-commits' });
  const coordinators = new GroupCoordinators(cluster);
  try {
    await cluster.connect();
    let offset = 0;
    const batch = (): OffsetToCommit[] => {
      offset++;
      return Array.from({ length: partitionsPerCommit }, (_, partition) => ({ topic, partition, offset }));
    };
    await commitOffsets(coordinators, groupId, batch());
    let done = 0;
    const t0 = performance.now();
    const end = t0 + COMMIT_SECONDS * 1000;
    const worker = async () => {
      while (performance.now() < end) {
        await commitOffsets(coordinators, groupId, batch());
        done++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return done / ((performance.now() - t0) / 1000);
  } finally {
    cluster.close();
  }
}

const COMMIT_CASES = [
  { partitions: 1, inFlight: 1 },
  { partitions: 1, inFlight: 16 },
  { partitions: COMMIT_PARTITIONS, inFlight: 1 },
  { partitions: COMMIT_PARTITIONS, inFlight: 16 },
];

async function commitRates(bootstrap: string, topic: string, tag: string): Promise<number[]> {
  const rates: number[] = [];
  for (const [i, c] of COMMIT_CASES.entries()) rates.push(await commitRate(bootstrap, topic, `commits-${tag}-${i}`, c.partitions, c.inFlight));
  return rates;
}

export async function benchGroup(): Promise<string[]> {
  const procs = new Procs();
  const out: string[] = ['group benchmark (consumer groups; kt vs librdkafka mock cluster, same run)'];
  const rebalanceTopic = 'group-bench';
  const commitTopic = 'commit-bench';
  try {
    const dir = procs.tempDir('kt-bench-group-');
    const kt = await startKt(procs, dir, dir, { 'group.initial.rebalance.delay.ms': String(REBALANCE_DELAY_MS) });
    const admin = new Admin({ bootstrap: kt.bootstrap });
    await admin.connect();
    await admin.createTopics([
      { name: rebalanceTopic, numPartitions: PARTITIONS, replicationFactor: 1 },
      { name: commitTopic, numPartitions: COMMIT_PARTITIONS, replicationFactor: 1 },
    ]);
    admin.close();

    const rounds: RebalanceRound[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      progress(`kt rebalance round ${r + 1}/${ROUNDS}`);
      rounds.push(await rebalanceRound(kt.bootstrap, rebalanceTopic, `rebalance-${r}`));
    }
    progress('kt offset commits');
    const ktRates = await commitRates(kt.bootstrap, commitTopic, 'kt');
    await procs.stop(kt.child);

    let peerRound: RebalanceRound | string = 'not measured';
    let peerRates: number[] | string = 'not measured';
    try {
      const bin = await findOrBuildPeer(procs, progress);
      const peer = await startPeer(procs, bin, [`${rebalanceTopic}:${PARTITIONS}`, `${commitTopic}:${COMMIT_PARTITIONS}`], dir);
      progress('peer offset commits');
      peerRates = await commitRates(peer.bootstrap, commitTopic, 'peer').catch((err: Error) => `failed: ${err.message}`);
      progress('peer rebalance');
      peerRound = await rebalanceRound(peer.bootstrap, rebalanceTopic, 'rebalance-peer').catch((err: Error) => `failed: ${err.message}`);
      await procs.stop(peer.child);
    } catch (err) {
      peerRates = peerRound = `no peer: ${(err as Error).message}`;
    }

    const target = 1.2 * (REBALANCE_DELAY_MS + HEARTBEAT_MS);
    const joinMs = median(rounds.map((r) => r.joinMs));
    const initialMs = median(rounds.map((r) => r.initialMs));
    const peerText = (pick: (r: RebalanceRound) => number) => (typeof peerRound === 'string' ? peerRound : secs(pick(peerRound)));
    out.push(
      `rebalance (${MEMBERS} members, ${PARTITIONS} partitions, delay ${REBALANCE_DELAY_MS} ms, heartbeat ${HEARTBEAT_MS} ms; median of ${ROUNDS}):`,
      `  first stable generation       kt ${secs(initialMs)}   peer ${peerText((r) => r.initialMs)}   (rounds ${rounds.map((r) => secs(r.initialMs)).join(', ')})`,
      `  an 11th member joins          kt ${secs(joinMs)}   peer ${peerText((r) => r.joinMs)}   (rounds ${rounds.map((r) => secs(r.joinMs)).join(', ')})`,
      `  target <= 1.2 x (delay + heartbeat) = ${secs(target)}: ${joinMs <= target ? 'met' : 'NOT met'}`,
      `offset commits per second from one client (${COMMIT_SECONDS} s each):`,
    );
    for (const [i, c] of COMMIT_CASES.entries()) {
      const name = `  ${c.partitions} partition${c.partitions > 1 ? 's' : ''}/commit, ${c.inFlight} in flight`.padEnd(40);
      const peer = typeof peerRates === 'string' ? peerRates : `peer ${int(peerRates[i]).padStart(7)}/s  ratio ${(ktRates[i] / peerRates[i]).toFixed(2)}`;
      out.push(`${name} kt ${int(ktRates[i]).padStart(7)}/s  ${peer}`);
    }
    return out;
  } finally {
    await procs.cleanup();
  }
}
