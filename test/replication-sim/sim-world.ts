/**
 * The deterministic world the replication simulation runs in: a virtual clock, one queue of
 * scheduled callbacks ordered by (time, sequence), and a network between the controller (node 0)
 * and the brokers that delays, drops and cuts messages (per directed link). No sockets, no timers:
 * one seed is one exact run, so a failing seed replays.
 *
 * A message is dropped when its link is cut at send or at delivery time, when the receiver is down
 * or has restarted since it was sent (its connection died), or at the seed's loss rate. The last
 * events are kept as a trace for the failure message.
 */
import { TimedHeap } from '../helpers/timed-heap.js';
import { seededRandom, type Random } from '../../src/engine/raft/index.js';

export class InvariantViolation extends Error {}

interface Scheduled {
  at: number;
  seq: number;
  run: () => void;
}

export interface NetFaults {
  lossRate: number;
  maxDelayMs: number;
}

export const CONTROLLER = 0;
/** How many of the last events a failure prints (REPL_TRACE=n for more). */
const TRACE_LINES = Number(process.env['REPL_TRACE'] ?? 80);

export class SimWorld {
  readonly random: Random;
  now = 0;
  steps = 0;
  private seq = 0;
  private readonly heap = new TimedHeap<Scheduled>();
  /** Directed links that are cut, as `${from}>${to}`. */
  private readonly cut = new Set<string>();
  faults: NetFaults = { lossRate: 0, maxDelayMs: 5 };
  private readonly traceLines: string[] = [];
  readonly stats = new Map<string, number>();
  /** Whether a node is up, and its incarnation (bumped on restart): set by the brokers. */
  incarnation: (node: number) => number | undefined = () => 0;

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  count(key: string): void {
    this.stats.set(key, (this.stats.get(key) ?? 0) + 1);
  }

  trace(line: string): void {
    this.traceLines.push(`${String(this.now).padStart(6)} ${line}`);
    if (this.traceLines.length > TRACE_LINES) this.traceLines.shift();
  }

  recentTrace(): string {
    return this.traceLines.join('\n');
  }

  fail(message: string): never {
    throw new InvariantViolation(`${message}\n--- last events (time in ms) ---\n${this.recentTrace()}`);
  }

  at(time: number, run: () => void): void {
    this.heap.push({ at: Math.max(time, this.now), seq: this.seq++, run });
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.now + delayMs, run);
  }

  /** Run scheduled callbacks up to `time`, calling `check` after each one. */
  runUntil(time: number, check: () => void): void {
    while (this.heap.size > 0 && this.heap.peek()!.at <= time) {
      const next = this.heap.pop()!;
      this.now = next.at;
      next.run();
      this.steps++;
      check();
    }
    this.now = Math.max(this.now, time);
  }

  /** Send `deliver` from `from` to `to` over the network: delayed, maybe lost. */
  send(from: number, to: number, kind: string, deliver: () => void): void {
    if (this.cut.has(`${from}>${to}`) || this.random() < this.faults.lossRate) {
      this.count(`${kind}:lost`);
      return;
    }
    const toIncarnation = this.incarnation(to);
    const delay = 1 + Math.floor(this.random() * this.faults.maxDelayMs);
    this.after(delay, () => {
      if (this.cut.has(`${from}>${to}`) || toIncarnation === undefined || this.incarnation(to) !== toIncarnation) {
        this.count(`${kind}:lost`);
        return;
      }
      this.count(kind);
      deliver();
    });
  }

  /** Cut links: `nodes` from everyone else, in one or both directions. */
  isolate(node: number, others: number[], direction: 'in' | 'out' | 'both'): void {
    for (const o of others) {
      if (o === node) continue;
      if (direction !== 'in') this.cut.add(`${node}>${o}`);
      if (direction !== 'out') this.cut.add(`${o}>${node}`);
    }
  }

  /** Two sides that cannot talk to each other. */
  split(side: number[], all: number[]): void {
    for (const a of side) for (const b of all) if (!side.includes(b)) this.isolate(a, [b], 'both');
  }

  heal(): void {
    this.cut.clear();
    this.faults = { lossRate: 0, maxDelayMs: 5 };
  }

  describeNetwork(): string {
    return `cut=[${[...this.cut].sort().join(' ')}] loss=${this.faults.lossRate.toFixed(2)} maxDelay=${this.faults.maxDelayMs}`;
  }
}
