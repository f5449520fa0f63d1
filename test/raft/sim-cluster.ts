/**
 * A deterministic, seeded world for Raft clients: virtual time, a network that loses, delays,
 * reorders and duplicates messages and can be partitioned (symmetrically or one way), nodes that
 * crash and restart keeping only what they persisted (log, quorum-state, snapshots). No sockets,
 * no timers, no sleeps: one seed is one exact run.
 *
 * Each node runs a tiny state machine (the list of committed entry keys) fed by onCommit and
 * snapshots, so the checks compare what each node *applied*, which is what users see.
 */
import { TimedHeap } from '../helpers/timed-heap.js';
import {
  MemoryQuorumStateStore,
  MemoryRaftLog,
  MemorySnapshotStore,
  RaftClient,
  isRequest,
  seededRandom,
  type RaftBatch,
  type RaftConfig,
  type RaftEnvelope,
  type Random,
} from '../../src/engine/raft/index.js';

export class InvariantViolation extends Error {}

interface InFlightMessage {
  at: number;
  seq: number;
  from: number;
  to: number;
  toIncarnation: number;
  envelope: RaftEnvelope;
}

/** Messages in flight by delivery time, then send order. */
class MessageQueue extends TimedHeap<InFlightMessage> {}

export interface SimNode {
  id: number;
  log: MemoryRaftLog;
  quorumState: MemoryQuorumStateStore;
  snapshots: MemorySnapshotStore;
  client: RaftClient | null;
  incarnation: number;
  /** The state machine: one key per committed offset ("epoch:n", "epoch:LC" for leader changes). */
  applied: string[];
  lastHw: number;
  lastEpoch: number;
  /** Offsets of the log below this were checked against the committed list. */
  verifiedLogTo: number;
  /** What onLeaderChange told this node's state machine, in order (this life only). */
  leaderChanges: [leaderId: number, epoch: number][];
}

export interface NetworkFaults {
  lossRate: number;
  duplicateRate: number;
  maxDelayMs: number;
  /** Chance a message is held back much longer than the others (reordering). */
  lagRate: number;
}

export interface ClusterOptions {
  seed: number;
  voters: number[];
  observers?: number[];
  config?: Partial<RaftConfig>;
  /** Give a node a history (log, quorum-state) before it first starts. */
  setup?: (node: SimNode) => void;
}

const recordCodec = {
  encode(n: number): Uint8Array {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  },
  decode(b: Uint8Array): number {
    return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
  },
};

export function entryKey(batch: RaftBatch, i: number): string {
  return batch.leaderChange ? `${batch.epoch}:LC` : `${batch.epoch}:${recordCodec.decode(batch.records[i]!)}`;
}

export class SimCluster {
  readonly random: Random;
  readonly nodes = new Map<number, SimNode>();
  readonly voters: number[];
  now = 0;
  steps = 0;
  faults: NetworkFaults = { lossRate: 0, duplicateRate: 0, maxDelayMs: 5, lagRate: 0 };
  /** Directed links that drop everything: "from>to". */
  readonly blocked = new Set<string>();
  /** Every key committed anywhere, by offset: the one true history. */
  readonly committed: string[] = [];
  readonly leaderOfEpoch = new Map<number, number>();
  /** How often each interesting thing happened, to prove the faults reached the code paths. */
  readonly stats = new Map<string, number>();
  private readonly queue = new MessageQueue();
  private seq = 0;
  private nextRecord = 1;
  private delivering: { from: number; fromIncarnation: number } | null = null;
  private readonly trace: string[] = [];

  constructor(private readonly options: ClusterOptions) {
    this.random = seededRandom(options.seed);
    this.voters = options.voters;
    for (const id of [...options.voters, ...(options.observers ?? [])]) {
      this.nodes.set(id, {
        id,
        log: new MemoryRaftLog(),
        quorumState: new MemoryQuorumStateStore(),
        snapshots: new MemorySnapshotStore(),
        client: null,
        incarnation: 0,
        applied: [],
        lastHw: 0,
        lastEpoch: 0,
        verifiedLogTo: 0,
        leaderChanges: [],
      });
      options.setup?.(this.nodes.get(id)!);
      this.start(id);
    }
  }

  // ---- faults -------------------------------------------------------------------------------

  start(id: number): void {
    const node = this.nodes.get(id)!;
    node.incarnation++;
    node.applied = [];
    node.lastHw = 0;
    node.verifiedLogTo = 0;
    node.leaderChanges = [];
    const client = new RaftClient({
      nodeId: id,
      voters: this.voters,
      clusterId: 'sim',
      config: this.options.config,
      log: node.log,
      quorumStateStore: node.quorumState,
      snapshotStore: node.snapshots,
      random: seededRandom(this.options.seed * 7919 + id * 104729 + node.incarnation),
      transport: { send: (to, envelope) => this.send(id, to, envelope) },
      listener: {
        onCommit: (batches) => this.apply(node, batches),
        onLeaderChange: (leaderId, epoch) => node.leaderChanges.push([leaderId, epoch]),
        onSnapshotLoaded: (snapshotId, bytes) => {
          const keys = JSON.parse(new TextDecoder().decode(bytes)) as string[];
          if (keys.length !== snapshotId.endOffset) this.fail(`node ${id}: snapshot ${snapshotId.endOffset} holds ${keys.length} entries`);
          this.checkCommitted(node, 0, keys);
          node.applied = keys;
        },
      },
    });
    node.client = client;
    client.start(this.now);
    this.note(`start ${id}#${node.incarnation}`);
  }

  /** Stop a node; with `dropOutbound`, what it sent and is still in flight is lost too. */
  crash(id: number, dropOutbound = false): void {
    const node = this.nodes.get(id)!;
    node.client = null;
    if (dropOutbound) this.queue.removeWhere((m) => m.from === id);
    this.note(`crash ${id}`);
  }

  isUp(id: number): boolean {
    return this.nodes.get(id)!.client !== null;
  }

  block(from: number, to: number): void {
    this.blocked.add(`${from}>${to}`);
  }

  isolate(id: number, direction: 'both' | 'in' | 'out' = 'both'): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      if (direction !== 'in') this.block(id, other);
      if (direction !== 'out') this.block(other, id);
    }
    this.note(`isolate ${id} ${direction}`);
  }

  split(groupA: number[]): void {
    for (const a of groupA) for (const b of this.nodes.keys()) if (!groupA.includes(b)) { this.block(a, b); this.block(b, a); }
    this.note(`split ${groupA.join(',')}`);
  }

  heal(): void {
    this.blocked.clear();
    this.faults = { lossRate: 0, duplicateRate: 0, maxDelayMs: 5, lagRate: 0 };
    this.note('heal');
  }

  // ---- the state machine's side ---------------------------------------------------------------

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) {
      if (n.client?.isLeader && (!best || n.client.epoch > best.client!.epoch)) best = n;
    }
    return best;
  }

  /** The leader appends 1-3 records; returns the offset and key of the last one, if there was a leader. */
  appendRecords(count = 1 + Math.floor(this.random() * 3), toAnyLeader = false): { offset: number; key: string } | undefined {
    // A deposed leader that has not noticed yet also takes appends: its tail must be truncated.
    const leaders = [...this.nodes.values()].filter((n) => n.client?.isLeader);
    const leader = toAnyLeader && leaders.length > 0 ? leaders[Math.floor(this.random() * leaders.length)] : this.leader();
    if (!leader) return undefined;
    const records = Array.from({ length: count }, () => recordCodec.encode(this.nextRecord++));
    const result = leader.client!.append(records, this.now);
    this.afterStep();
    return result.ok ? { offset: result.lastOffset, key: `${result.epoch}:${this.nextRecord - 1}` } : undefined;
  }

  snapshot(id: number): void {
    const node = this.nodes.get(id)!;
    const client = node.client;
    if (!client || node.applied.length <= client.log.startOffset()) return;
    const lastKey = node.applied[node.applied.length - 1]!;
    const snapshotId = { endOffset: node.applied.length, epoch: Number(lastKey.slice(0, lastKey.indexOf(':'))) };
    client.createSnapshot(snapshotId, new TextEncoder().encode(JSON.stringify(node.applied)));
    this.note(`snapshot ${id} at ${node.applied.length}`);
    this.afterStep();
  }

  private apply(node: SimNode, batches: RaftBatch[]): void {
    const keys: string[] = [];
    for (const b of batches) {
      if (b.baseOffset !== node.applied.length + keys.length) this.fail(`node ${node.id}: commit of ${b.baseOffset} after ${node.applied.length + keys.length}`);
      for (let i = 0; i < b.records.length; i++) keys.push(entryKey(b, i));
    }
    this.checkCommitted(node, node.applied.length, keys);
    for (const k of keys) node.applied.push(k);
  }

  /** Entries a node commits at `from...` must be what was committed there, anywhere, ever. */
  private checkCommitted(node: SimNode, from: number, keys: string[]): void {
    for (let i = 0; i < keys.length; i++) {
      const o = from + i;
      if (o < this.committed.length) {
        if (this.committed[o] !== keys[i]) this.fail(`node ${node.id} committed ${keys[i]} at offset ${o}, where ${this.committed[o]} was committed`);
      } else if (o === this.committed.length) {
        this.committed.push(keys[i]!);
      } else {
        this.fail(`node ${node.id} committed offset ${o} past the committed end ${this.committed.length}`);
      }
    }
  }

  // ---- the network and the clock ------------------------------------------------------------

  /** Recent requests, for replaying stale ones. */
  private readonly recentRequests: { from: number; to: number; envelope: RaftEnvelope }[] = [];

  /** Deliver again a few requests sent a while ago, as a network that held them for long would. */
  replayStaleRequests(count: number): void {
    for (let i = 0; i < count && this.recentRequests.length > 0; i++) {
      const m = this.recentRequests[Math.floor(this.random() * this.recentRequests.length)]!;
      this.queue.push({ at: this.now + 1, seq: this.seq++, from: m.from, to: m.to, toIncarnation: this.nodes.get(m.to)!.incarnation, envelope: m.envelope });
    }
    this.note(`replay ${count}`);
  }

  private send(from: number, to: number, envelope: RaftEnvelope): void {
    const target = this.nodes.get(to);
    if (!target) return;
    if (isRequest(envelope.message) && this.random() < 0.05) {
      this.recentRequests.push({ from, to, envelope });
      if (this.recentRequests.length > 64) this.recentRequests.shift();
    }
    if (this.blocked.has(`${from}>${to}`)) return;
    if (this.random() < this.faults.lossRate) return;
    // A response travels on the connection its request came in on: it never reaches a later life.
    const toIncarnation = !isRequest(envelope.message) && this.delivering && this.delivering.from === to ? this.delivering.fromIncarnation : target.incarnation;
    const copies = this.random() < this.faults.duplicateRate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let delay = 1 + Math.floor(this.random() * this.faults.maxDelayMs);
      // Now and then a message is held back for long: it arrives into a later epoch or state.
      if (this.random() < this.faults.lagRate) delay += Math.floor(this.random() * (this.random() < 0.2 ? 8000 : 1000));
      this.queue.push({ at: this.now + delay, seq: this.seq++, from, to, toIncarnation, envelope });
    }
  }

  /** The earliest thing that happens next: a delivery or a node's timer. */
  nextEventTime(): number {
    let t = this.queue.peek()?.at ?? Infinity;
    for (const n of this.nodes.values()) if (n.client) t = Math.min(t, n.client.nextDeadlineMs());
    return t;
  }

  /** Run one event at or before `until`; returns false when nothing was due by then. */
  step(until: number): boolean {
    const t = this.nextEventTime();
    if (t > until) {
      this.now = Math.max(this.now, until);
      return false;
    }
    this.now = Math.max(this.now, t);
    const m = this.queue.peek();
    if (m && m.at <= this.now) {
      this.queue.pop();
      const target = this.nodes.get(m.to)!;
      if (target.client && target.incarnation === m.toIncarnation) {
        this.delivering = { from: m.from, fromIncarnation: this.nodes.get(m.from)!.incarnation };
        try {
          target.client.handle(m.from, m.envelope, this.now);
        } finally {
          this.delivering = null;
        }
        this.note(`${m.from}->${m.to} ${m.envelope.message.kind}`);
        this.count(m.envelope.message);
      }
    } else {
      for (const n of this.nodes.values()) {
        if (n.client && n.client.nextDeadlineMs() <= this.now) n.client.tick(this.now);
      }
    }
    this.steps++;
    this.afterStep();
    return true;
  }

  runUntil(until: number): void {
    while (this.step(until));
  }

  // ---- invariants (Kafka's RaftSimulationTest) ----------------------------------------------

  afterStep(): void {
    for (const n of this.nodes.values()) {
      const c = n.client;
      if (!c) continue;
      if (c.epoch < n.lastEpoch) this.fail(`node ${n.id}: epoch went back from ${n.lastEpoch} to ${c.epoch}`);
      n.lastEpoch = c.epoch;
      if (c.highWatermark < n.lastHw) this.fail(`node ${n.id}: high watermark went back from ${n.lastHw} to ${c.highWatermark}`);
      n.lastHw = c.highWatermark;
      if (c.isLeader) {
        const known = this.leaderOfEpoch.get(c.epoch);
        if (known === undefined) {
          this.leaderOfEpoch.set(c.epoch, n.id);
          this.checkLeaderCompleteness(n);
        } else if (known !== n.id) {
          this.fail(`two leaders in epoch ${c.epoch}: ${known} and ${n.id}`);
        }
      }
      // The log below the HW is the committed history (the part not replaced by a snapshot).
      const from = Math.max(n.verifiedLogTo, c.log.startOffset());
      if (from < c.highWatermark) {
        this.checkLog(n, from, c.highWatermark);
        n.verifiedLogTo = c.highWatermark;
      }
    }
  }

  /** A new leader holds every committed entry (else a committed record could be lost). */
  private checkLeaderCompleteness(n: SimNode): void {
    const log = n.client!.log;
    if (log.endOffset() < this.committed.length) this.fail(`leader ${n.id} of epoch ${n.client!.epoch} ends at ${log.endOffset()}, before committed ${this.committed.length}`);
    if (log.startOffset() > n.applied.length && log.startOffset() > this.committed.length) this.fail(`leader ${n.id} starts past the committed log`);
    this.checkLog(n, log.startOffset(), this.committed.length);
  }

  private checkLog(n: SimNode, from: number, to: number): void {
    const log = n.client!.log;
    const end = Math.min(to, this.committed.length);
    if (from >= end) return;
    let offset = from;
    for (const b of log.read(from, end - from)) {
      for (let i = 0; i < b.records.length && offset < end; i++, offset++) {
        if (b.baseOffset + i < from) continue;
        const key = entryKey(b, i);
        if (key !== this.committed[b.baseOffset + i]) this.fail(`node ${n.id} holds ${key} at committed offset ${b.baseOffset + i} (committed: ${this.committed[b.baseOffset + i]})`);
      }
      if (offset >= end) break;
    }
  }

  private count(message: RaftEnvelope['message']): void {
    const bump = (k: string) => this.stats.set(k, (this.stats.get(k) ?? 0) + 1);
    bump(message.kind);
    if (message.kind === 'VoteRequest' && message.preVote) bump('PreVote');
    if (message.kind === 'FetchResponse' && message.divergingEpoch) bump('DivergingEpoch');
    if (message.kind === 'FetchResponse' && message.snapshotId) bump('SnapshotId');
  }

  private note(event: string): void {
    this.trace.push(`${this.now}ms ${event}`);
    if (this.trace.length > 40) this.trace.shift();
  }

  fail(message: string): never {
    throw new InvariantViolation(`${message}\n  at ${this.now}ms, step ${this.steps}; last events:\n    ${this.trace.join('\n    ')}`);
  }

  describe(): string {
    return [...this.nodes.values()]
      .map((n) => (n.client ? `${n.id}:${n.client.stateName}@${n.client.epoch} hw=${n.client.highWatermark} end=${n.client.log.endOffset()}` : `${n.id}:down`))
      .join(' ');
  }
}
