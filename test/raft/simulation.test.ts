/**
 * The Raft layer under a seeded, deterministic simulation (sim-cluster.ts): 3 and 5 voters (and
 * an observer) through message loss, delay, reordering, duplication, symmetric and one-way
 * partitions, crashes and restarts, graceful resignations and snapshots, while the leader appends
 * continuously. After every step the invariants of Kafka's RaftSimulationTest are checked (one
 * leader per epoch, monotonic high watermark and epoch, identical committed data, no committed
 * record lost); after the faults heal, a leader must be elected and commit within bounded time.
 *
 * Replay one seed: RAFT_SEED=1234 RAFT_VOTERS=3 npx vitest run test/raft/simulation.test.ts
 * Soak over more, fresh seeds: RAFT_SEEDS=20000 RAFT_SEED_BASE=5000000 npx vitest run test/raft/simulation.test.ts
 */
import { describe, expect, test } from 'vitest';
import { seededRandom } from '../../src/engine/raft/index.js';
import { SimCluster } from './sim-cluster.js';

const CHAOS_MS = 12_000;
/** After healing: election (up to ~2 fetch timeouts plus backoffs) and a commit on every voter. */
const LIVENESS_BOUND_MS = 10_000;

interface SeedResult {
  steps: number;
  committed: number;
  epochs: number;
  stats: Map<string, number>;
  /** Virtual time from healing to a commit on every voter. */
  recoveryMs: number;
}

function runSeed(seed: number, voterCount: number): SeedResult {
  const voters = Array.from({ length: voterCount }, (_, i) => i + 1);
  // Small fetch and snapshot chunk limits on some seeds: a fetch that stops right at a new
  // leader's first entry is what would expose a commit rule that counted older epochs.
  const shape = seededRandom(seed ^ 0x5eed);
  const config = { fetchMaxRecords: shape() < 0.5 ? 1 + Math.floor(shape() * 8) : 2000, fetchSnapshotMaxBytes: 16 + Math.floor(shape() * 4096) };
  const cluster = new SimCluster({ seed, voters, observers: [100], config });
  const r = cluster.random;
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ids = [...voters, 100];
  const restartAt = new Map<number, number>();
  let healAt = Infinity;
  let nextFault = Math.floor(500 + r() * 2000);
  let nextAppend = 0;
  let nextSnapshot = 1000;
  try {
    while (cluster.now < CHAOS_MS) {
      const until = Math.min(nextFault, nextAppend, nextSnapshot, healAt, ...restartAt.values(), CHAOS_MS);
      cluster.runUntil(until);
      const now = cluster.now;
      for (const [id, at] of restartAt) if (at <= now) { restartAt.delete(id); cluster.start(id); }
      if (healAt <= now) { cluster.heal(); healAt = Infinity; }
      if (nextAppend <= now) { cluster.appendRecords(undefined, r() < 0.3); nextAppend = now + 20 + Math.floor(r() * 200); }
      if (nextSnapshot <= now) { cluster.snapshot(pick(ids)); nextSnapshot = now + 500 + Math.floor(r() * 1500); }
      if (nextFault <= now) {
        injectFault();
        nextFault = now + 300 + Math.floor(r() * 2500);
      }
    }
    // Heal everything, then demand progress.
    for (const id of ids) if (!cluster.isUp(id)) cluster.start(id);
    cluster.heal();
    const healedAt = cluster.now;
    // A marker appended to a leader that is about to lose its epoch may be truncated: append
    // again until one is committed and every voter's high watermark passed it.
    const markers: { offset: number; key: string }[] = [];
    let nextMarker = cluster.now;
    const done = () => markers.some((m) => cluster.committed[m.offset] === m.key && voters.every((v) => cluster.nodes.get(v)!.client!.highWatermark > m.offset));
    while (cluster.now - healedAt < LIVENESS_BOUND_MS && !done()) {
      cluster.runUntil(cluster.now + 50);
      if (cluster.now >= nextMarker) {
        const m = cluster.appendRecords(1);
        if (m) markers.push(m);
        nextMarker = cluster.now + (m ? 2000 : 50);
      }
    }
    if (!done()) {
      cluster.fail(`no progress within ${LIVENESS_BOUND_MS}ms of healing: ${cluster.describe()}`);
    }
    return { steps: cluster.steps, committed: cluster.committed.length, epochs: cluster.leaderOfEpoch.size, stats: cluster.stats, recoveryMs: cluster.now - healedAt };
  } catch (e) {
    const replay = `RAFT_SEED=${seed} RAFT_VOTERS=${voterCount} npx vitest run test/raft/simulation.test.ts`;
    throw new Error(`seed ${seed} with ${voterCount} voters failed; replay with:\n  ${replay}\n${(e as Error).stack ?? e}`);
  }

  function injectFault(): void {
    const kind = r();
    const up = ids.filter((id) => cluster.isUp(id));
    if (kind < 0.25) {
      // Crash a node (often the leader: that is where the interesting cases are).
      const leader = cluster.leader();
      const victim = leader && r() < 0.6 ? leader.id : pick(up.length > 0 ? up : ids);
      if (cluster.isUp(victim)) {
        // Half the time what it had sent dies with it; a quick restart sometimes.
        cluster.crash(victim, r() < 0.5);
        restartAt.set(victim, cluster.now + (r() < 0.2 ? 1 : 200 + Math.floor(r() * 4000)));
      }
    } else if (kind < 0.4) {
      cluster.isolate(cluster.leader()?.id ?? pick(ids), 'both');
      healAt = Math.min(healAt, cluster.now + 1000 + Math.floor(r() * 5000));
    } else if (kind < 0.5) {
      cluster.isolate(pick(ids), r() < 0.5 ? 'in' : 'out');
      healAt = Math.min(healAt, cluster.now + 1000 + Math.floor(r() * 5000));
    } else if (kind < 0.6) {
      const shuffled = [...ids].sort(() => r() - 0.5);
      cluster.split(shuffled.slice(0, 1 + Math.floor(r() * (ids.length - 1))));
      healAt = Math.min(healAt, cluster.now + 1000 + Math.floor(r() * 5000));
    } else if (kind < 0.65) {
      cluster.replayStaleRequests(1 + Math.floor(r() * 5));
    } else if (kind < 0.85) {
      cluster.faults = { lossRate: r() * 0.3, duplicateRate: r() * 0.2, maxDelayMs: 1 + Math.floor(r() * 100), lagRate: r() * 0.05 };
      healAt = Math.min(healAt, cluster.now + 1000 + Math.floor(r() * 4000));
    } else {
      cluster.leader()?.client!.resign(cluster.now);
    }
  }
}

function seedsFromEnv(defaultSeeds: number[], voterCount: number): number[] {
  const only = process.env['RAFT_SEED'];
  if (only === undefined) return defaultSeeds;
  const voters = process.env['RAFT_VOTERS'];
  if (voters !== undefined && Number(voters) !== voterCount) return [];
  return [Number(only)];
}

/** RAFT_SEED_BASE shifts the seed range, for long soak runs over fresh seeds. */
const SEED_BASE = Number(process.env['RAFT_SEED_BASE'] ?? 0);

function runMany(voterCount: number, first: number, count: number): void {
  const seeds = seedsFromEnv(Array.from({ length: count }, (_, i) => SEED_BASE + first + i), voterCount);
  let steps = 0;
  let committed = 0;
  let epochs = 0;
  const stats = new Map<string, number>();
  let worstRecovery = { ms: 0, seed: 0 };
  const started = performance.now();
  for (const seed of seeds) {
    const result = runSeed(seed, voterCount);
    steps += result.steps;
    committed += result.committed;
    epochs += result.epochs;
    for (const [k, v] of result.stats) stats.set(k, (stats.get(k) ?? 0) + v);
    if (result.recoveryMs > worstRecovery.ms) worstRecovery = { ms: result.recoveryMs, seed };
  }
  if (seeds.length > 0) {
    const ms = Math.round(performance.now() - started);
    console.log(`${voterCount} voters: ${seeds.length} seeds, ${steps} steps (${Math.round(steps / seeds.length)}/seed) in ${ms} ms, ${committed} committed entries, ${epochs} epochs`);
    console.log(`  slowest recovery after healing: ${worstRecovery.ms} ms (seed ${worstRecovery.seed})`);
    console.log(`  deliveries: ${[...stats].sort().map(([k, v]) => `${k}=${v}`).join(' ')}`);
    // Each seed must have done real work, or the simulation proves nothing.
    expect(committed / seeds.length).toBeGreaterThan(20);
    if (seeds.length >= 100) {
      // ...and the faults must have driven the client through its recovery paths.
      for (const k of ['PreVote', 'DivergingEpoch', 'SnapshotId', 'FetchSnapshotResponse', 'EndQuorumEpochRequest', 'BeginQuorumEpochRequest']) {
        expect(stats.get(k) ?? 0, k).toBeGreaterThan(0);
      }
    }
  }
}

const SEEDS = Number(process.env['RAFT_SEEDS'] ?? 1500);

describe('Raft simulation (seeded; invariants checked after every step)', () => {
  test('3 voters and an observer', () => runMany(3, 1, SEEDS), 120_000);
  test('5 voters and an observer', () => runMany(5, 1_000_001, SEEDS), 120_000);
});

test('a seed replays exactly (what makes a printed seed useful)', () => {
  const a = runSeed(4242, 5);
  const b = runSeed(4242, 5);
  expect(b.steps).toBe(a.steps);
  expect(b.committed).toBe(a.committed);
  expect([...b.stats]).toEqual([...a.stats]);
});
