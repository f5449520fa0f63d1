/**
 * A simulated cluster: the controller, N brokers each with a replica of one partition, the
 * invariants, a producer, and the faults a seed throws at them. runSeed is one deterministic run:
 * chaos (crashes, restarts, isolation, splits, loss and delay) while a producer writes with acks=all
 * and acks=1, then everything heals and the replicas must converge within a bound (invariant (e)).
 */
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { seededRandom } from '../../src/engine/raft/index.js';
import { Invariants } from './invariants.js';
import { type BrokerSettings, SimBroker } from './sim-broker.js';
import { SimController } from './sim-controller.js';
import { CONTROLLER, SimWorld } from './sim-world.js';

export const CHAOS_MS = 8_000;
/** After healing: fencing of stale sessions, elections, catch-up, ISR expansion, a marker acknowledged. */
export const LIVENESS_BOUND_MS = 8_000;

export interface SeedResult {
  steps: number;
  acked: number;
  committed: number;
  leaderEpochs: number;
  stats: Map<string, number>;
  recoveryMs: number;
}

export function runSeed(seed: number, brokerCount: number): SeedResult {
  const world = new SimWorld(seed);
  const r = world.random;
  const shape = seededRandom(seed ^ 0x5eed);
  const lagMs = 150 + Math.floor(shape() * 450);
  const settings: BrokerSettings = {
    lagMs,
    heartbeatMs: 40,
    metadataPollMs: 20 + Math.floor(shape() * 60),
    // Small fetches on some seeds: a fetch that stops at an epoch boundary is a case of its own.
    fetchMaxRecords: shape() < 0.5 ? 1 + Math.floor(shape() * 6) : 1000,
    fetchIdleMs: 5 + Math.floor(shape() * 30),
    socketTimeoutMs: 200,
    backoffMs: 20 + Math.floor(shape() * 80),
    alterPartitionTimeoutMs: 100 + Math.floor(shape() * 400),
    produceTimeoutMs: 1_500,
    minIsr: brokerCount >= 5 ? 1 + Math.floor(shape() * 3) : 1 + Math.floor(shape() * 2),
  };
  const sessionTimeoutMs = 200 + Math.floor(shape() * 600);
  const ids = Array.from({ length: brokerCount }, (_, i) => i + 1);
  const replicas = [...ids].sort(() => shape() - 0.5);
  const controller = new SimController(world, ids, replicas, sessionTimeoutMs);
  const brokers = new Map<number, SimBroker>();
  const inv = new Invariants(world, controller, brokers);
  const hooks = { leaderHighWatermark: (b: SimBroker) => inv.leaderHighWatermark(b), truncating: (b: SimBroker, to: number) => inv.truncating(b, to) };
  for (const id of ids) brokers.set(id, new SimBroker(id, world, controller, settings, hooks, brokers));
  world.incarnation = (node) => {
    if (node === CONTROLLER) return 0;
    const b = brokers.get(node)!;
    return b.up ? b.incarnation : undefined;
  };
  const check = () => inv.check();
  const all = [CONTROLLER, ...ids];
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const leaderBroker = () => brokers.get(controller.partition.leader);

  // The controller's periodic fencing of expired sessions.
  const fenceLoop = () => {
    controller.fenceOneStaleBroker();
    world.after(25, fenceLoop);
  };
  world.after(25, fenceLoop);

  let nextId = 1;
  let healedAt = Infinity;
  let marker = false;
  /** One produce request; `clientView` picks the broker as a client with possibly stale metadata would. */
  const produce = (acks: number, onAcked?: () => void) => {
    const target = r() < 0.85 ? leaderBroker() : pick([...brokers.values()].filter((b) => b.up && b.leader));
    if (!target || !target.up) return;
    const n = 1 + Math.floor(r() * 3);
    const batch = Array.from({ length: n }, () => nextId++);
    target.produce(acks, batch, (code, base) => {
      if (acks === -1 && code === ErrorCode.NONE) {
        world.trace(`acknowledged [${base}..${base + n - 1}] by broker ${target.id}`);
        inv.acknowledged(target, base, batch);
        onAcked?.();
      }
      world.count(`produce:${acks}:${code}`);
    });
  };

  const restartAt = new Map<number, number>();
  let healAt = Infinity;
  let nextFault = 300 + Math.floor(r() * 1500);
  let nextProduce = 50;
  try {
    while (world.now < CHAOS_MS) {
      const until = Math.min(nextFault, nextProduce, healAt, ...restartAt.values(), CHAOS_MS);
      world.runUntil(until, check);
      const now = world.now;
      for (const [id, at] of restartAt) {
        if (at > now) continue;
        restartAt.delete(id);
        brokers.get(id)!.restart();
      }
      if (healAt <= now) {
        world.trace('network healed');
        world.heal();
        healAt = Infinity;
      }
      if (nextProduce <= now) {
        produce(r() < 0.8 ? -1 : 1);
        nextProduce = now + 3 + Math.floor(r() * 40);
      }
      if (nextFault <= now) {
        injectFault();
        nextFault = now + 200 + Math.floor(r() * 1500);
      }
    }
    // Heal everything, then demand convergence.
    for (const b of brokers.values()) if (!b.up) b.restart();
    world.heal();
    world.trace('healed: every broker up, network whole');
    healedAt = world.now;
    let nextMarker = world.now;
    while (world.now - healedAt < LIVENESS_BOUND_MS && !converged()) {
      world.runUntil(world.now + 25, check);
      if (!marker && world.now >= nextMarker) {
        produce(-1, () => (marker = true));
        nextMarker = world.now + 200;
      }
    }
    if (!converged()) world.fail(`invariant (e): no convergence within ${LIVENESS_BOUND_MS} ms of healing:\n${describe()}`);
    return {
      steps: world.steps,
      acked: inv.acked,
      committed: inv.committed.length,
      leaderEpochs: controller.partition.leaderEpoch,
      stats: world.stats,
      recoveryMs: world.now - healedAt,
    };
  } catch (e) {
    const replay = `REPL_SEED=${seed} REPL_BROKERS=${brokerCount} npx vitest run test/replication-sim/`;
    const state = e instanceof Error && e.message.includes('invariant (e)') ? '' : `\n${describe()}`;
    throw new Error(`seed ${seed} with ${brokerCount} brokers failed; replay with:\n  ${replay}\n${(e as Error).message}${state}`);
  }

  /** Invariant (e): one leader every replica follows, a full ISR, identical logs, high watermarks at the end. */
  function converged(): boolean {
    const p = controller.partition;
    const leader = leaderBroker();
    if (!marker || !leader || !leader.leader || p.isr.length !== brokerCount) return false;
    const end = leader.log.logEndOffset;
    for (const b of brokers.values()) {
      if (!b.up || controller.isFenced(b.id) || b.log.logEndOffset !== end || b.log.highWatermark !== end) return false;
      if (b !== leader && b.follow?.leaderId !== leader.id) return false;
    }
    const ids = leader.log.entries.map((e) => e.id).join();
    return [...brokers.values()].every((b) => b.log.entries.map((e) => e.id).join() === ids);
  }

  function describe(): string {
    const p = controller.partition;
    return [
      `controller: leader ${p.leader} epoch ${p.leaderEpoch} isr [${p.isr}] pe ${p.partitionEpoch} replicas [${p.replicas}] fenced [${ids.filter((id) => controller.isFenced(id))}]`,
      ...[...brokers.values()].map((b) => `  ${b.describe()}`),
      `  committed end ${inv.committed.length}, acknowledged end ${inv.ackedEnd}; ${world.describeNetwork()}`,
    ].join('\n');
  }

  function injectFault(): void {
    const kind = r();
    const up = ids.filter((id) => brokers.get(id)!.up);
    const leaderId = controller.partition.leader;
    const target = leaderId >= 0 && r() < 0.6 ? leaderId : pick(ids);
    if (kind < 0.25) {
      const victim = brokers.get(target)!;
      if (!victim.up || up.length <= 1) return;
      victim.crash();
      restartAt.set(target, world.now + (r() < 0.2 ? 1 + Math.floor(r() * 50) : 100 + Math.floor(r() * 3000)));
      return;
    }
    const healLater = () => (healAt = Math.min(healAt, world.now + 300 + Math.floor(r() * 3000)));
    if (kind < 0.4) {
      world.trace(`fault: broker ${target} isolated`);
      world.isolate(target, all, 'both');
    } else if (kind < 0.5) {
      world.trace(`fault: broker ${target} cut off from the controller`);
      world.isolate(target, [CONTROLLER], 'both');
    } else if (kind < 0.6) {
      const leader = leaderId >= 0 ? leaderId : pick(ids);
      const follower = pick(ids.filter((id) => id !== leader));
      world.trace(`fault: follower ${follower} cut off from leader ${leader}`);
      world.isolate(follower, [leader], 'both');
    } else if (kind < 0.7) {
      const direction = r() < 0.5 ? 'in' : 'out';
      world.trace(`fault: broker ${target} isolated (${direction} only)`);
      world.isolate(target, all, direction);
    } else if (kind < 0.8) {
      const shuffled = [...all].sort(() => r() - 0.5);
      const side = shuffled.slice(0, 1 + Math.floor(r() * (all.length - 1)));
      world.trace(`fault: split [${side}] | [${all.filter((x) => !side.includes(x))}]`);
      world.split(side, all);
    } else {
      world.faults = { lossRate: r() * 0.3, maxDelayMs: 1 + Math.floor(r() * 80) };
      world.trace(`fault: loss ${world.faults.lossRate.toFixed(2)}, delay up to ${world.faults.maxDelayMs} ms`);
    }
    healLater();
  }
}
