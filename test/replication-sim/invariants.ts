/**
 * The safety invariants of replication, checked after every step of the simulation.
 *
 * "Committed" is the log prefix some leader's high watermark ever passed (what consumers may have
 * read): the first leader to expose an offset fixes which record is there. For each replica the
 * checker keeps how long a prefix of its log equals the committed one (logs only grow at the end or
 * are truncated, so this is maintained incrementally).
 *
 * (a) every acks=all-acknowledged record — indeed the whole committed prefix — is in the log of the
 *     leader and of every ISR member the controller has committed (so whoever it elects has it);
 * (b) below its high watermark, every replica's log is the committed log (replicas agree there);
 * (c) a leader's high watermark never goes back within its epoch (a restart reloads the
 *     checkpointed one, as Kafka does), and no truncation ever removes a
 *     committed record;
 * (d) the ISR is never empty and holds the leader (also asserted by the controller on each change).
 */
import type { SimBroker } from './sim-broker.js';
import type { SimController } from './sim-controller.js';
import type { SimWorld } from './sim-world.js';

export class Invariants {
  /** Record id at each committed offset. */
  readonly committed: number[] = [];
  /** One past the last acks=all-acknowledged offset. */
  ackedEnd = 0;
  acked = 0;
  private readonly matchLen = new Map<number, number>();
  private readonly leaderHw = new Map<string, number>();

  constructor(
    private readonly world: SimWorld,
    private readonly controller: SimController,
    private readonly brokers: Map<number, SimBroker>,
  ) {}

  /** A leader's high watermark moved: what it exposes is committed from now on. */
  leaderHighWatermark(b: SimBroker): void {
    const hw = b.log.highWatermark;
    this.extend(b);
    if (this.match(b) < Math.min(hw, this.committed.length)) {
      const o = this.match(b);
      this.world.fail(`invariant (c): leader ${b.id} exposes offset ${o} (record ${b.log.entries[o]?.id}) but record ${this.committed[o]} was already visible there`);
    }
    for (let o = this.committed.length; o < hw; o++) this.committed.push(b.log.entries[o]!.id);
    this.extend(b);
  }

  truncating(b: SimBroker, to: number): void {
    this.extend(b);
    const m = this.match(b);
    if (to < Math.min(m, this.committed.length)) {
      this.world.fail(`invariant (c): broker ${b.id} truncates to ${to}, removing committed record ${this.committed[to]} at offset ${to} (committed end ${this.committed.length})`);
    }
    this.matchLen.set(b.id, Math.min(m, to));
  }

  /** An acks=all batch was acknowledged to its producer. */
  acknowledged(leader: SimBroker, baseOffset: number, ids: number[]): void {
    ids.forEach((id, i) => {
      const o = baseOffset + i;
      if (this.committed[o] !== id) this.world.fail(`invariant (a): record ${id} acknowledged at offset ${o} by broker ${leader.id}, but the committed record there is ${this.committed[o]}`);
    });
    this.acked += ids.length;
    this.ackedEnd = Math.max(this.ackedEnd, baseOffset + ids.length);
  }

  check(): void {
    for (const b of this.brokers.values()) {
      this.extend(b);
      const m = this.match(b);
      // (b) replicas agree below their high watermarks.
      if (m < b.log.highWatermark) {
        this.world.fail(`invariant (b): broker ${b.id} has hw ${b.log.highWatermark} but its log differs from the committed log at offset ${m} (${b.log.entries[m]?.id} vs ${this.committed[m]})`);
      }
      // (c) a leader's high watermark only grows within its epoch.
      if (b.leader && b.up) {
        const key = `${b.id}:${b.incarnation}:${b.leader.leaderEpoch}`; // a restart reloads the checkpointed high watermark
        const prev = this.leaderHw.get(key) ?? -1;
        if (b.log.highWatermark < prev) this.world.fail(`invariant (c): leader ${b.id}'s high watermark went back from ${prev} to ${b.log.highWatermark} in epoch ${b.leader.leaderEpoch}`);
        this.leaderHw.set(key, b.log.highWatermark);
      }
    }
    // (a) the leader and every ISR member hold everything committed (acknowledged records included).
    const p = this.controller.partition;
    const holders = new Set(p.isr);
    if (p.leader >= 0) holders.add(p.leader);
    for (const id of holders) {
      const m = this.match(this.brokers.get(id)!);
      if (m < this.ackedEnd) this.world.fail(`invariant (a): ISR member ${id} lacks acknowledged records: its log matches the committed one up to ${m}, acknowledged up to ${this.ackedEnd}`);
      if (m < this.committed.length) this.world.fail(`invariant (a): ISR member ${id} lacks committed records: its log matches the committed one up to ${m}, committed up to ${this.committed.length}`);
    }
    if (p.isr.length === 0 || (p.leader >= 0 && !p.isr.includes(p.leader))) this.world.fail(`invariant (d): leader ${p.leader}, isr [${p.isr}]`);
  }

  private match(b: SimBroker): number {
    return this.matchLen.get(b.id) ?? 0;
  }

  private extend(b: SimBroker): void {
    let m = this.match(b);
    const end = Math.min(b.log.logEndOffset, this.committed.length);
    const entries = b.log.entries;
    while (m < end && entries[m]!.id === this.committed[m]) m++;
    this.matchLen.set(b.id, m);
  }
}
