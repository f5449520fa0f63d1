/**
 * Partition replication under a seeded, deterministic simulation (sim-cluster.ts): a controller
 * and 3 or 5 brokers driving kt's LeaderReplicas, divergingEpoch / divergenceTruncationOffset and
 * LeaderEpochCache, with the controller's own planAlterPartition / leaderAndIsrUpdates, through
 * crashes, restarts, session fencing, isolation, splits, message loss and delay, while a producer
 * writes with acks=all and acks=1. The invariants (invariants.ts) are checked after every step;
 * after the faults heal, the replicas must converge within bounded time.
 *
 * Replay one seed: REPL_SEED=1234 REPL_BROKERS=3 npx vitest run test/replication-sim/
 * Soak over more, fresh seeds: REPL_SEEDS=5000 REPL_SEED_BASE=7000000 npx vitest run test/replication-sim/
 * List every failing seed instead of stopping at the first: REPL_KEEP_GOING=1; a longer trace: REPL_TRACE=2000
 *
 * The model follows kt as it is; the two bugs it found (model-fixes.ts) are fixed in kt and in it.
 */
import { describe, expect, test } from 'vitest';
import { runSeed } from './sim-cluster.js';

function seedsFromEnv(defaultSeeds: number[], brokerCount: number): number[] {
  const only = process.env['REPL_SEED'];
  if (only === undefined) return defaultSeeds;
  const brokers = process.env['REPL_BROKERS'];
  if (brokers !== undefined && Number(brokers) !== brokerCount) return [];
  return [Number(only)];
}

const SEED_BASE = Number(process.env['REPL_SEED_BASE'] ?? 0);
/** REPL_KEEP_GOING=1 runs every seed and lists the failing ones (first line of each failure). */
const KEEP_GOING = process.env['REPL_KEEP_GOING'] === '1';

function runMany(brokerCount: number, first: number, count: number): void {
  const seeds = seedsFromEnv(Array.from({ length: count }, (_, i) => SEED_BASE + first + i), brokerCount);
  let steps = 0;
  let acked = 0;
  let committed = 0;
  let epochs = 0;
  const stats = new Map<string, number>();
  let worstRecovery = { ms: 0, seed: 0 };
  const started = performance.now();
  const failures: string[] = [];
  for (const seed of seeds) {
    let result;
    try {
      result = runSeed(seed, brokerCount);
    } catch (e) {
      if (!KEEP_GOING) throw e;
      failures.push(`${seed}: ${(e as Error).message.split('\n')[2]}`);
      continue;
    }
    steps += result.steps;
    acked += result.acked;
    committed += result.committed;
    epochs += result.leaderEpochs;
    for (const [k, v] of result.stats) stats.set(k, (stats.get(k) ?? 0) + v);
    if (result.recoveryMs > worstRecovery.ms) worstRecovery = { ms: result.recoveryMs, seed };
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${seeds.length} seeds failed:\n${failures.join('\n')}`);
  if (seeds.length === 0) return;
  const ms = Math.round(performance.now() - started);
  console.log(`${brokerCount} brokers: ${seeds.length} seeds, ${steps} steps (${Math.round(steps / seeds.length)}/seed) in ${ms} ms; ${acked} records acknowledged (acks=all), ${committed} committed, ${epochs} leader epochs`);
  console.log(`  slowest convergence after healing: ${worstRecovery.ms} ms (seed ${worstRecovery.seed})`);
  console.log(`  ${[...stats].filter(([k]) => !k.endsWith(':lost')).sort().map(([k, v]) => `${k}=${v}`).join(' ')}`);
  // Each seed must have done real work, and the faults must have driven the recovery paths.
  expect(acked / seeds.length).toBeGreaterThan(20);
  if (seeds.length >= 50) {
    expect(epochs / seeds.length).toBeGreaterThan(2);
    expect(stats.get('diverging') ?? 0).toBeGreaterThan(0);
    expect(stats.get('AlterPartition') ?? 0).toBeGreaterThan(0);
  }
}

const SEEDS = Number(process.env['REPL_SEEDS'] ?? 1000);

describe('replication simulation (seeded; invariants checked after every step)', () => {
  test('3 brokers', () => runMany(3, 1, SEEDS), 120_000);
  test('5 brokers', () => runMany(5, 1_000_001, Math.ceil(SEEDS / 2)), 120_000);
});

test('a seed replays exactly (what makes a printed seed useful)', () => {
  const run = (seed: number, brokers: number) => {
    try {
      const r = runSeed(seed, brokers);
      return { steps: r.steps, acked: r.acked, stats: [...r.stats] };
    } catch (e) {
      return { failure: (e as Error).message };
    }
  };
  for (const [seed, brokers] of [[4242, 3], [4243, 5]] as const) expect(run(seed, brokers)).toEqual(run(seed, brokers));
});
