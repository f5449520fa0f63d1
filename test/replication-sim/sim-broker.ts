/**
 * One broker of the simulation hosting one replica of the partition, driving kt's pure replication
 * pieces the way src/engine/broker/replication/ does, message for message:
 *
 * - leader (replication.ts): becomeLeader assigns the epoch at the log end and starts a fresh
 *   LeaderReplicas; a follower fetch is answered with a diverging epoch (follower-truncation.ts
 *   divergingEpoch, as fetch-reader.ts) or recorded (recordFetch -> high watermark -> expansion); a
 *   shrink check every replica.lag.time.max.ms / 2; committed ISR states from metadata
 *   (metadataChanged) and from AlterPartition answers; acks=all writes complete when the high
 *   watermark passes them (NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR is below min.insync);
 * - AlterPartition as isr-updates.ts (sim-isr-updates.ts);
 * - follower (replica-fetcher.ts): one fetch at a time from its log end with its latest epoch; a
 *   diverging epoch truncates (divergenceTruncationOffset), records are appended, the high
 *   watermark follows the leader's; an answer for a leader or epoch no longer followed is dropped;
 * - metadata: records fetched from the controller in order and published in commits of any size,
 *   each as one change acted on with the image after it (a leader change -> becomeLeader /
 *   becomeFollower, else metadataChanged); registration and heartbeats.
 *
 * A crash loses the volatile state (roles, fetches, waiting writes); the log, the epoch cache, the
 * metadata applied and the checkpointed high watermark survive. Starting up, a broker takes its
 * roles only once its metadata has caught up with the controller's, as kt-server.ts waits for the
 * quorum before it adopts its partitions.
 */
import { divergenceTruncationOffset, divergingEpoch } from '../../src/engine/broker/replication/follower-truncation.js';
import { LeaderReplicas } from '../../src/engine/broker/replication/leader-replicas.js';
import type { PartitionState } from '../../src/engine/metadata/image.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { clone, type MetaRecord, type SimController, TOPIC_ID } from './sim-controller.js';
import { type Batch, SimLog } from './sim-log.js';
import { CONTROLLER, type SimWorld } from './sim-world.js';
import { SimIsrUpdates } from './sim-isr-updates.js';

export interface BrokerSettings {
  lagMs: number;
  heartbeatMs: number;
  metadataPollMs: number;
  fetchMaxRecords: number;
  fetchIdleMs: number;
  socketTimeoutMs: number;
  backoffMs: number;
  alterPartitionTimeoutMs: number;
  produceTimeoutMs: number;
  minIsr: number;
}

export interface BrokerHooks {
  /** A leader's high watermark moved (the invariants record what became visible). */
  leaderHighWatermark(b: SimBroker): void;
  /** Before a log truncation, with the new end. */
  truncating(b: SimBroker, to: number): void;
}

interface FetchResponse {
  errorCode: number;
  highWatermark: number;
  diverging?: { epoch: number; endOffset: number };
  batches: Batch[];
}

interface Waiter {
  lastOffset: number;
  done: (code: number) => void;
}

export class SimBroker {
  readonly log: SimLog;
  up = true;
  incarnation = 0;
  brokerEpoch: number;
  // The metadata this broker replayed (persistent).
  applied = 0;
  partition?: PartitionState;
  /** Starting up: roles wait until the metadata caught up with the controller's (kt-server.ts). */
  private catchingUp = true;
  readonly brokers = new Map<number, { epoch: number; fenced: boolean }>();
  // Volatile.
  leader?: LeaderReplicas;
  follow?: { leaderId: number; epoch: number; token: number; inflight: boolean };
  private waiters: Waiter[] = [];
  /** The partition epoch an ISR change in flight was proposed at. */
  private isrUpdates: SimIsrUpdates;
  private fetchToken = 0;

  constructor(
    readonly id: number,
    private readonly world: SimWorld,
    private readonly controller: SimController,
    private readonly s: BrokerSettings,
    private readonly hooks: BrokerHooks,
    private readonly peers: Map<number, SimBroker>,
  ) {
    this.log = new SimLog(id);
    this.log.onTruncate = (to) => hooks.truncating(this, to);
    this.brokerEpoch = controller.registration(id)!.epoch;
    this.isrUpdates = this.newIsrUpdates();
    this.startLoops();
  }

  private get now(): number {
    return this.world.now;
  }

  crash(): void {
    this.up = false;
    this.leader = undefined;
    this.follow = undefined;
    this.waiters = [];
    this.world.trace(`broker ${this.id} crashed (log end ${this.log.logEndOffset}, hw ${this.log.highWatermark})`);
  }

  restart(): void {
    this.up = true;
    this.incarnation++;
    this.brokerEpoch = -1;
    this.log.restart();
    this.catchingUp = true;
    this.isrUpdates = this.newIsrUpdates();
    this.world.trace(`broker ${this.id} restarted (log end ${this.log.logEndOffset}, hw ${this.log.highWatermark})`);
    this.startLoops();
  }

  private newIsrUpdates(): SimIsrUpdates {
    const inc = this.incarnation;
    return new SimIsrUpdates({
      world: this.world,
      id: this.id,
      retryBackoffMs: this.s.backoffMs,
      timeoutMs: this.s.alterPartitionTimeoutMs,
      live: () => this.incarnation === inc && this.up,
      currentLeader: () => this.leader,
      brokerEpoch: (id) => this.brokers.get(id)?.epoch ?? -1,
      send: (request, onAnswer) => this.call('AlterPartition', () => this.controller.alterPartition(request), onAnswer),
      committed: (leader, state) => {
        if (this.leader === leader && leader.commit(state)) this.advanceHighWatermark();
      },
    });
  }

  /** Schedule `run` every `periodMs` for this incarnation. */
  private every(periodMs: number, run: () => void): void {
    const inc = this.incarnation;
    const tick = () => {
      if (!this.up || this.incarnation !== inc) return;
      run();
      this.world.after(periodMs, tick);
    };
    this.world.after(Math.floor(this.world.random() * periodMs), tick);
  }

  private startLoops(): void {
    this.every(this.s.heartbeatMs, () => this.heartbeat());
    this.every(this.s.metadataPollMs, () => this.pollMetadata());
    this.every(Math.max(10, Math.floor(this.s.lagMs / 2)), () => this.shrinkIsr());
    this.every(500, () => (this.log.hwCheckpoint = this.log.highWatermark));
  }

  /** Send to the controller and run `onAnswer` here if this incarnation is still up when it comes back. */
  private call<T>(kind: string, ask: () => T, onAnswer: (answer: T) => void): void {
    const inc = this.incarnation;
    this.world.send(this.id, CONTROLLER, kind, () => {
      const answer = ask();
      this.world.send(CONTROLLER, this.id, `${kind}Response`, () => {
        if (this.up && this.incarnation === inc) onAnswer(answer);
      });
    });
  }

  private heartbeat(): void {
    if (this.brokerEpoch < 0) {
      const incarnation = this.incarnation;
      this.call('Register', () => this.controller.register(this.id, incarnation), (epoch) => {
        if (epoch >= 0) this.brokerEpoch = epoch;
      });
      return;
    }
    const epoch = this.brokerEpoch;
    const offset = this.applied - 1;
    this.call('Heartbeat', () => this.controller.heartbeat(this.id, epoch, offset), () => undefined);
  }

  private pollMetadata(): void {
    const from = this.applied;
    this.call('Metadata', () => this.controller.log.slice(from), (records) => {
      if (from !== this.applied) return;
      // Records arrive in commits of any size, each published as one change (applyCommitted).
      for (let i = 0; i < records.length; ) {
        const n = 1 + Math.floor(this.world.random() * (records.length - i));
        this.applyChange(records.slice(i, i + n));
        i += n;
      }
      if (!this.catchingUp) return;
      // Caught up: the replica manager opens and adopts its partitions from the image (adoptPartitions).
      this.catchingUp = false;
      const p = this.partition;
      if (p?.leader === this.id) this.becomeLeader(p);
      else if (p) this.becomeFollower(p);
    });
  }

  /** Replay records as one change, then act on the image after it (ReplicaManager.applyMetadata). */
  private applyChange(records: MetaRecord[]): void {
    let changed = false;
    let leaderChanged = false;
    for (const r of records) {
      this.applied++;
      if (r.kind === 'broker') this.brokers.set(r.id, { epoch: r.epoch, fenced: r.fenced });
      else {
        this.partition = clone(r.state);
        changed = true;
        leaderChanged ||= r.leaderChanged;
      }
    }
    const state = this.partition;
    if (!changed || !state || !state.replicas.includes(this.id) || this.catchingUp) return;
    this.metadataChanged(state);
    if (!leaderChanged) return;
    if (state.leader === this.id) this.becomeLeader(state);
    else this.becomeFollower(state);
  }

  private isActive(id: number): boolean {
    const b = this.brokers.get(id);
    return b !== undefined && !b.fenced;
  }

  // ---- roles (replication.ts) ----

  private becomeLeader(state: PartitionState): void {
    this.follow = undefined;
    if (this.log.latestEpoch < state.leaderEpoch) this.log.cache.assign(state.leaderEpoch, this.log.logEndOffset);
    this.leader = new LeaderReplicas(this.id, state.leaderEpoch, state.replicas, { isr: state.isr, partitionEpoch: state.partitionEpoch }, this.log.logEndOffset, this.now);
    this.world.trace(`broker ${this.id} leads epoch ${state.leaderEpoch} at log end ${this.log.logEndOffset} (hw ${this.log.highWatermark}, isr [${state.isr}])`);
    this.advanceHighWatermark();
  }

  private becomeFollower(state: PartitionState): void {
    this.resign();
    if (state.leader >= 0 && state.leader !== this.id) {
      this.follow = { leaderId: state.leader, epoch: state.leaderEpoch, token: ++this.fetchToken, inflight: false };
      this.world.trace(`broker ${this.id} follows ${state.leader} in epoch ${state.leaderEpoch}`);
      this.scheduleFetch(0);
    } else this.follow = undefined;
  }

  private resign(): void {
    if (!this.leader) return;
    this.leader = undefined;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.done(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }

  private metadataChanged(state: PartitionState): void {
    const leader = this.leader;
    if (!leader || state.leaderEpoch !== leader.leaderEpoch) return;
    leader.setReplicas(state.replicas, this.now);
    if (leader.commit({ isr: state.isr, partitionEpoch: state.partitionEpoch })) this.advanceHighWatermark();
  }

  private advanceHighWatermark(): void {
    const leader = this.leader;
    if (!leader) return;
    const candidate = leader.highWatermark(this.log.logEndOffset);
    if (candidate <= this.log.highWatermark) return;
    this.log.updateHighWatermark(candidate);
    this.hooks.leaderHighWatermark(this);
    this.completeProduces();
  }

  private completeProduces(): void {
    const hw = this.log.highWatermark;
    const code = this.completionCode();
    const ready = this.waiters.filter((w) => w.lastOffset < hw);
    this.waiters = this.waiters.filter((w) => w.lastOffset >= hw);
    for (const w of ready) w.done(code);
  }

  private completionCode(): number {
    return (this.leader?.isr.length ?? 0) < this.s.minIsr ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
  }

  /** A client's batch (ReplicaManager.append + awaitReplication); `done` gets the produce answer's error code. */
  produce(acks: number, ids: number[], done: (code: number, baseOffset: number) => void): void {
    const leader = this.leader;
    if (!this.up || !leader || this.partition?.leader !== this.id) return done(ErrorCode.NOT_LEADER_OR_FOLLOWER, -1);
    if (acks === -1 && leader.isr.length < this.s.minIsr) return done(ErrorCode.NOT_ENOUGH_REPLICAS, -1);
    const base = this.log.appendAsLeader(leader.leaderEpoch, ids);
    const lastOffset = base + ids.length - 1;
    this.world.trace(`broker ${this.id} appended [${base}..${lastOffset}] epoch ${leader.leaderEpoch} acks=${acks}`);
    this.advanceHighWatermark();
    if (acks !== -1) return done(ErrorCode.NONE, base);
    if (this.log.highWatermark > lastOffset) return done(this.completionCode(), base);
    const w: Waiter = { lastOffset, done: (code) => done(code, base) };
    this.waiters.push(w);
    const inc = this.incarnation;
    this.world.after(this.s.produceTimeoutMs, () => {
      if (this.incarnation !== inc || !this.waiters.includes(w)) return;
      this.waiters = this.waiters.filter((x) => x !== w);
      w.done(ErrorCode.REQUEST_TIMED_OUT);
    });
  }

  // ---- ISR changes (isr-updates.ts) ----

  private shrinkIsr(): void {
    const shrunk = this.leader?.shrink(this.now, this.s.lagMs);
    if (shrunk) this.proposeIsr(shrunk);
  }

  private proposeIsr(isr: number[]): void {
    this.isrUpdates.propose(this.leader!, isr);
  }

  // ---- follower fetching (replica-fetcher.ts) and the leader's side (fetch-reader.ts) ----

  private scheduleFetch(delayMs: number): void {
    const f = this.follow;
    if (!f) return;
    const inc = this.incarnation;
    this.world.after(delayMs, () => {
      if (this.incarnation === inc && this.up && this.follow === f && !f.inflight) this.sendFetch(f);
    });
  }

  private sendFetch(f: NonNullable<SimBroker['follow']>): void {
    const token = ++this.fetchToken;
    f.token = token;
    f.inflight = true;
    const req = { replicaId: this.id, currentLeaderEpoch: f.epoch, fetchOffset: this.log.logEndOffset, lastFetchedEpoch: this.log.latestEpoch };
    const inc = this.incarnation;
    const leader = this.peers.get(f.leaderId)!;
    const finish = (r?: FetchResponse) => {
      if (this.incarnation !== inc || !this.up || f.token !== token || !f.inflight) return;
      f.inflight = false;
      if (this.follow !== f) return;
      const next = r ? this.applyFetch(req.fetchOffset, r) : this.s.backoffMs;
      this.scheduleFetch(next);
    };
    this.world.send(this.id, f.leaderId, 'Fetch', () => {
      const r = leader.handleFetch(req);
      this.world.send(f.leaderId, this.id, r.diverging ? 'FetchDiverging' : 'FetchResponse', () => finish(r));
    });
    this.world.after(this.s.socketTimeoutMs, () => finish());
  }

  /** Applies a fetch answer; returns the delay before the next fetch. */
  private applyFetch(fetchOffset: number, r: FetchResponse): number {
    const log = this.log;
    if (r.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (r.highWatermark >= 0 && r.highWatermark < log.logEndOffset) log.truncateTo(r.highWatermark);
      return 0;
    }
    if (r.errorCode !== ErrorCode.NONE) return this.s.backoffMs;
    const d = r.diverging;
    if (d && d.epoch >= 0 && d.endOffset >= 0) {
      const to = divergenceTruncationOffset({ logEndOffset: log.logEndOffset, endOffsetFor: (e) => log.endOffsetFor(e) }, d);
      if (to < log.logEndOffset) {
        this.world.trace(`broker ${this.id} truncates ${log.logEndOffset} -> ${to} (leader epoch ${d.epoch} ends at ${d.endOffset})`);
        log.truncateTo(to);
      } else {
        // PartitionLog.truncateTo at the log end still drops epoch entries starting there (an epoch
        // this broker began as leader without writing anything), as Kafka's UnifiedLog.truncateTo.
        log.cache.truncateFromEnd(log.logEndOffset);
      }
      this.world.count('truncation');
      return 0;
    }
    if (log.logEndOffset !== fetchOffset || !log.appendAsFollower(r.batches)) {
      this.world.fail(`broker ${this.id}: fetched batches at ${r.batches[0]?.baseOffset} do not start at its log end ${log.logEndOffset}`);
    }
    const hw = Math.min(r.highWatermark, log.logEndOffset);
    if (hw > log.highWatermark) log.updateHighWatermark(hw);
    return r.batches.length > 0 ? 0 : this.s.fetchIdleMs;
  }

  handleFetch(req: { replicaId: number; currentLeaderEpoch: number; fetchOffset: number; lastFetchedEpoch: number }): FetchResponse {
    const fail = (errorCode: number, highWatermark = -1): FetchResponse => ({ errorCode, highWatermark, batches: [] });
    const state = this.partition;
    if (!state || state.leader !== this.id || !this.leader) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    if (req.currentLeaderEpoch !== state.leaderEpoch) return fail(req.currentLeaderEpoch < state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
    const log = this.log;
    const diverging = divergingEpoch({ logEndOffset: log.logEndOffset, endOffsetFor: (e) => log.endOffsetFor(e) }, req.lastFetchedEpoch, req.fetchOffset);
    if (diverging) {
      this.world.count('diverging');
      return { errorCode: ErrorCode.NONE, highWatermark: log.highWatermark, diverging, batches: [] };
    }
    if (!this.recordFollowerFetch(req.replicaId, req.fetchOffset)) return fail(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    if (req.fetchOffset > log.logEndOffset || req.fetchOffset < 0) return fail(ErrorCode.OFFSET_OUT_OF_RANGE, log.highWatermark);
    return { errorCode: ErrorCode.NONE, highWatermark: log.highWatermark, batches: log.read(req.fetchOffset, this.s.fetchMaxRecords) };
  }

  private recordFollowerFetch(replicaId: number, fetchOffset: number): boolean {
    const leader = this.leader;
    if (!leader || !leader.recordFetch(replicaId, fetchOffset, this.log.logEndOffset, this.now)) return false;
    this.advanceHighWatermark();
    const grown = leader.expansion(this.log.highWatermark, this.now, this.s.lagMs, (id) => this.isActive(id));
    if (grown) this.proposeIsr(grown);
    return true;
  }

  describe(): string {
    const role = this.leader ? `leader(e${this.leader.leaderEpoch} isr[${this.leader.isr}]${this.leader.hasPendingChange ? ' pending' : ''})` : this.follow ? `follower(of ${this.follow.leaderId} e${this.follow.epoch})` : 'idle';
    return `b${this.id}${this.up ? '' : '(down)'} ${role} leo=${this.log.logEndOffset} hw=${this.log.highWatermark} epochs=${this.log.cache.epochEntries.map((e) => `${e.epoch}@${e.startOffset}`).join(',')} meta=${this.applied}`;
  }
}
