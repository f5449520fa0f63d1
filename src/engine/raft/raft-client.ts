/**
 * The Raft client: one replica of the KRaft quorum, as Kafka's KafkaRaftClient is, without any
 * I/O of its own. It is driven by three calls and nothing else:
 *
 *   handle(from, envelope, nowMs)  a request or response arrived from node `from`
 *   tick(nowMs)                    time passed; call again by `nextDeadlineMs()` at the latest
 *   append(records, nowMs)         the state machine wants records replicated (leader only)
 *
 * and speaks through an injected transport (`send(to, envelope)`) and listener callbacks
 * (committed batches, leader changes, installed snapshots). Time is always passed in, so a
 * simulation drives it with virtual time and a seeded PRNG and replays any run exactly.
 *
 * This file holds the state machine's shape: the public calls and the transitions, each of which
 * persists before acting. What each message does is in request-handlers.ts, the leader's
 * answers to fetches in leader-fetch.ts, its replica bookkeeping in leader-progress.ts, the
 * fetch position checks in fetch-validation.ts, outstanding requests in outbound-requests.ts.
 */
import { binaryExponentialBackoffMs, randomElectionTimeoutMs } from './election-timing.js';
import { truncationOffset } from './fetch-validation.js';
import type { LeaderContext } from './leader-fetch.js';
import { LeaderProgress } from './leader-progress.js';
import { isRequest, type FetchRequest, type OffsetAndEpoch, type RaftEnvelope } from './messages.js';
import { OutboundRequests } from './outbound-requests.js';
import { seededRandom, type Random } from './prng.js';
import type { AppendResult, QuorumDescription, RaftClientOptions, RaftListener, RaftTransport } from './raft-client-types.js';
import { checkQuorumTimeoutMs, DEFAULT_RAFT_CONFIG, type RaftConfig } from './raft-config.js';
import type { RaftLog } from './raft-log.js';
import type { QuorumStateStore } from './quorum-state-store.js';
import { knownLeaderId, majority, type EpochState, type QuorumStateName } from './quorum-states.js';
import type { SnapshotStore } from './snapshot-store.js';
import { RequestHandlers } from './request-handlers.js';

interface ParkedFetch {
  from: number;
  correlationId: number;
  request: FetchRequest;
  deadlineMs: number;
}

export type { AppendResult, QuorumDescription, RaftClientOptions, RaftListener, RaftTransport } from './raft-client-types.js';

export class RaftClient {
  readonly nodeId: number;
  readonly voters: readonly number[];
  readonly clusterId: string | null;
  readonly config: RaftConfig;
  readonly log: RaftLog;
  readonly snapshots: SnapshotStore;
  /** @internal the handlers reach these; not for users of the client. */
  state!: EpochState;
  /** @internal */ hw = 0;
  /** @internal */ readonly quorumStore: QuorumStateStore;
  /** @internal */ readonly random: Random;
  /** @internal */ readonly transport: RaftTransport;
  /** @internal */ readonly listener: RaftListener;
  /** @internal */ readonly requests: OutboundRequests;
  /** @internal */ readonly parked = new Map<number, ParkedFetch>();
  /** @internal The leader's high watermark in its first answer to this follower in `epoch`. */
  firstLeaderHw = { epoch: -1, hw: -1 };
  private nextDeliverOffset = 0;
  private announced = { leaderId: -2, epoch: -1 };
  private started = false;
  private readonly handlers: RequestHandlers;
  private readonly snapshotRetention: () => OffsetAndEpoch | undefined;

  constructor(options: RaftClientOptions) {
    this.nodeId = options.nodeId;
    this.voters = [...options.voters];
    this.clusterId = options.clusterId ?? null;
    this.config = { ...DEFAULT_RAFT_CONFIG, ...options.config };
    this.log = options.log;
    this.snapshots = options.snapshotStore;
    this.quorumStore = options.quorumStateStore;
    this.transport = options.transport;
    this.listener = options.listener ?? {};
    this.random = options.random ?? seededRandom(Date.now());
    this.requests = new OutboundRequests(this.transport, this.config, this.random);
    this.handlers = new RequestHandlers(this);
    this.snapshotRetention = options.snapshotRetention ?? (() => this.snapshots.latest());
  }

  // ---- the public surface -------------------------------------------------------------------

  get epoch(): number {
    return this.state.epoch;
  }

  get stateName(): QuorumStateName {
    return this.state.name;
  }

  /** The leader this node knows for its epoch (itself when leading), or -1. */
  get leaderId(): number {
    const s = this.state;
    return s.name === 'Leader' ? this.nodeId : s.name === 'Follower' ? s.leaderId : -1;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /**
   * What a starting node must apply before it serves (Kafka's broker waits the same way): on the
   * leader its high watermark; on a follower the leader's high watermark as its first answer in
   * this epoch gave it (fixed, so a busy leader is not chased forever); -1 while unknown.
   */
  get catchUpTarget(): number {
    if (this.isLeader) return this.hw;
    return this.firstLeaderHw.epoch === this.state.epoch ? this.firstLeaderHw.hw : -1;
  }

  get isLeader(): boolean {
    return this.state.name === 'Leader';
  }

  get isVoter(): boolean {
    return this.voters.includes(this.nodeId);
  }

  /** Restore the persisted quorum state and the latest snapshot; call once before anything else. */
  start(nowMs: number): void {
    if (this.started) throw new Error('RaftClient already started');
    this.started = true;
    const snapshot = this.snapshots.latest();
    if (snapshot && snapshot.endOffset > this.log.endOffset()) this.log.resetTo(snapshot);
    if (snapshot && snapshot.endOffset >= this.log.startOffset() && snapshot.endOffset > 0) {
      const size = this.snapshots.size(snapshot) ?? 0;
      this.listener.onSnapshotLoaded?.(snapshot, this.snapshots.read(snapshot, 0, size));
      this.hw = snapshot.endOffset;
      this.nextDeliverOffset = snapshot.endOffset;
    } else {
      this.hw = this.log.startOffset();
      this.nextDeliverOffset = this.log.startOffset();
    }
    const persisted = this.quorumStore.read();
    const logEpoch = this.log.lastEpoch();
    if (!persisted || persisted.epoch < logEpoch) {
      // The log saw a later epoch than the file (or there is no file): start unattached there.
      this.becomeUnattached(Math.max(logEpoch, persisted?.epoch ?? 0), -1, nowMs);
    } else if (persisted.leaderId === this.nodeId) {
      // A leader that crashed does not resume leading: it resigns and lets the quorum elect.
      this.state = { name: 'Resigned', epoch: persisted.epoch, electionDeadlineMs: nowMs + randomElectionTimeoutMs(this.config, this.random), preferredSuccessors: [], unacknowledged: new Set(this.otherVoters()) };
    } else if (persisted.leaderId >= 0) {
      this.becomeFollower(persisted.epoch, persisted.leaderId, persisted.votedId, nowMs);
    } else {
      this.state = { name: 'Unattached', epoch: persisted.epoch, votedId: persisted.votedId, electionDeadlineMs: this.electionDeadline(nowMs) };
    }
    this.announceLeader();
    this.poll(nowMs);
  }

  /** A message from node `from`. Requests are answered through the transport. */
  handle(from: number, envelope: RaftEnvelope, nowMs: number): void {
    const message = envelope.message;
    if (isRequest(message)) {
      const response = this.handlers.handleRequest(from, envelope.correlationId, message, nowMs);
      if (response) this.transport.send(from, { correlationId: envelope.correlationId, message: response });
    } else {
      const answered = this.requests.take(from, envelope);
      if (!answered) return; // late, duplicated, or for a request of an earlier state
      this.handlers.handleResponse(from, message, answered.preVote, nowMs);
    }
    this.poll(nowMs);
  }

  /** Let time pass: fire election, fetch and check-quorum timers, retry requests. */
  tick(nowMs: number): void {
    this.requests.expire(nowMs);
    this.handlers.fireTimers(nowMs);
    this.poll(nowMs);
  }

  /** The latest time `tick` must be called at, if nothing arrives before. */
  nextDeadlineMs(): number {
    let t = Infinity;
    const s = this.state;
    if (s.name === 'Unattached' || s.name === 'Prospective' || s.name === 'Resigned') t = s.electionDeadlineMs;
    if (s.name === 'Candidate') t = s.backoffUntilMs ?? s.electionDeadlineMs;
    if (s.name === 'Follower') {
      t = s.fetchDeadlineMs;
      if (!this.requests.isOutstanding(s.leaderId)) t = Math.min(t, Math.max(s.nextFetchMs, this.requests.retryAt(s.leaderId)));
    }
    if (s.name === 'Leader') t = s.progress.checkQuorumDeadline(checkQuorumTimeoutMs(this.config));
    for (const p of this.parked.values()) t = Math.min(t, p.deadlineMs);
    return Math.min(t, this.requests.nextDeadlineMs());
  }

  /** Replicate records (leader only). The result names the offsets they will have. */
  append(records: Uint8Array[], nowMs: number): AppendResult {
    const s = this.state;
    if (s.name !== 'Leader') return { ok: false, error: 'NotLeader', leaderId: this.leaderId, epoch: s.epoch };
    if (records.length === 0) throw new Error('append of no records');
    const baseOffset = this.log.endOffset();
    this.log.append({ baseOffset, epoch: s.epoch, records });
    if (s.progress.recordLocalEnd(this.log.endOffset(), nowMs)) this.hw = s.progress.hw;
    this.handlers.completeParkedFetches(nowMs);
    this.poll(nowMs);
    return { ok: true, epoch: s.epoch, baseOffset, lastOffset: baseOffset + records.length - 1 };
  }

  /** Graceful resignation (controlled shutdown): EndQuorumEpoch naming the best successors. */
  resign(nowMs: number): void {
    const s = this.state;
    if (s.name !== 'Leader') return;
    this.becomeResigned(s.progress.preferredSuccessors(), nowMs);
    this.poll(nowMs);
  }

  /**
   * The state machine wrote a snapshot of everything before `id.endOffset`, whose last entry has
   * epoch `id.epoch` (it learns both from the committed batches it applied, as Kafka's
   * createSnapshot takes them). The log prefix the retention policy lets go (all of it that the
   * snapshot covers, by default) is deleted, with the snapshots before the new log start; a
   * follower behind it will download the snapshot.
   */
  createSnapshot(id: OffsetAndEpoch, bytes: Uint8Array): void {
    if (id.endOffset > this.hw) throw new Error(`snapshot at ${id.endOffset} beyond the high watermark ${this.hw}`);
    if (id.endOffset <= this.log.startOffset()) throw new Error(`snapshot at ${id.endOffset} not after the log start ${this.log.startOffset()}`);
    // The entry before `endOffset` must be of `epoch`: that epoch reaches it, the previous ends before it.
    const atEpoch = this.log.endOffsetForEpoch(id.epoch);
    const before = this.log.endOffsetForEpoch(id.epoch - 1);
    if (atEpoch.epoch !== id.epoch || atEpoch.endOffset < id.endOffset || before.endOffset >= id.endOffset) {
      throw new Error(`snapshot id ${id.endOffset}-${id.epoch} does not match the log`);
    }
    this.snapshots.write(id, bytes);
    const keep = this.snapshotRetention();
    if (!keep || keep.endOffset <= this.log.startOffset() || keep.endOffset > id.endOffset) return;
    this.log.deleteBefore(keep);
    this.snapshots.deleteBefore?.(keep);
  }

  /**
   * DescribeQuorum as the leader answers it at `nowMs` (the leader's own row reads it for both
   * timestamps); undefined on other nodes (NOT_LEADER_OR_FOLLOWER).
   */
  describeQuorum(nowMs: number = Date.now()): QuorumDescription | undefined {
    const s = this.state;
    return s.name === 'Leader' ? { leaderId: this.nodeId, leaderEpoch: s.epoch, highWatermark: this.hw, ...s.progress.describe(nowMs) } : undefined;
  }

  // ---- transitions (persist first, then act) ------------------------------------------------

  /** @internal */
  becomeUnattached(epoch: number, votedId: number, nowMs: number): void {
    this.quorumStore.write({ epoch, leaderId: -1, votedId });
    this.resetRequests();
    this.state = { name: 'Unattached', epoch, votedId, electionDeadlineMs: this.electionDeadline(nowMs) };
    this.announceLeader();
  }

  /** @internal */
  becomeFollower(epoch: number, leaderId: number, votedId: number, nowMs: number): void {
    this.quorumStore.write({ epoch, leaderId, votedId });
    this.resetRequests();
    this.state = { name: 'Follower', epoch, leaderId, votedId, fetchDeadlineMs: nowMs + this.config.fetchTimeoutMs, hasFetchedFromLeader: false, nextFetchMs: nowMs, download: null };
    this.announceLeader();
  }

  /** @internal */
  becomeProspective(nowMs: number, retries: number): void {
    const s = this.state;
    // The vote cast in this epoch stays cast: a candidate or a (resigned) leader voted for itself.
    const votedId = s.name === 'Unattached' || s.name === 'Prospective' || s.name === 'Follower' ? s.votedId : this.nodeId;
    const leaderId = s.name === 'Follower' || s.name === 'Prospective' ? s.leaderId : -1;
    this.resetRequests();
    this.state = { name: 'Prospective', epoch: s.epoch, votedId, leaderId, electionDeadlineMs: nowMs + randomElectionTimeoutMs(this.config, this.random), granted: new Set([this.nodeId]), rejected: new Set(), retries };
    this.announceLeader();
    this.maybeWinPreVote(nowMs);
  }

  /** @internal */
  maybeWinPreVote(nowMs: number): void {
    const s = this.state;
    if (s.name === 'Prospective' && s.granted.size >= majority(this.voters.length)) this.becomeCandidate(nowMs, s.retries);
  }

  /** @internal */
  becomeCandidate(nowMs: number, retries: number): void {
    const epoch = this.state.epoch + 1;
    this.quorumStore.write({ epoch, leaderId: -1, votedId: this.nodeId });
    this.resetRequests();
    this.state = { name: 'Candidate', epoch, electionDeadlineMs: nowMs + randomElectionTimeoutMs(this.config, this.random), granted: new Set([this.nodeId]), rejected: new Set(), retries: retries + 1, backoffUntilMs: null };
    this.announceLeader();
    this.maybeWinElection(nowMs);
  }

  /** @internal */
  maybeWinElection(nowMs: number): void {
    const s = this.state;
    if (s.name === 'Candidate' && s.granted.size >= majority(this.voters.length)) this.becomeLeader([...s.granted], nowMs);
  }

  /** @internal */
  loseElection(nowMs: number): void {
    const s = this.state;
    if (s.name !== 'Candidate' || s.backoffUntilMs !== null) return;
    s.backoffUntilMs = nowMs + binaryExponentialBackoffMs(this.config, this.random, s.retries);
  }

  private becomeLeader(grantingVoters: number[], nowMs: number): void {
    const epoch = this.state.epoch;
    this.quorumStore.write({ epoch, leaderId: this.nodeId, votedId: this.nodeId });
    this.resetRequests();
    const epochStartOffset = this.log.endOffset();
    const progress = new LeaderProgress(this.nodeId, [...this.voters], epochStartOffset, this.hw, nowMs);
    this.state = { name: 'Leader', epoch, progress };
    // The first entry of every epoch is the leader's LeaderChangeMessage: committing it commits
    // everything before it (Raft only counts replicas for entries of the current epoch).
    this.log.append({
      baseOffset: epochStartOffset,
      epoch,
      records: [new Uint8Array(0)],
      leaderChange: { version: 0, leaderId: this.nodeId, voters: this.voters.map((voterId) => ({ voterId })), grantingVoters: grantingVoters.map((voterId) => ({ voterId })) },
    });
    if (progress.recordLocalEnd(this.log.endOffset(), nowMs)) this.hw = progress.hw;
    this.announceLeader();
  }

  /** @internal */
  becomeResigned(preferredSuccessors: number[], nowMs: number): void {
    const epoch = this.state.epoch;
    this.resetRequests();
    this.state = { name: 'Resigned', epoch, electionDeadlineMs: nowMs + randomElectionTimeoutMs(this.config, this.random), preferredSuccessors, unacknowledged: new Set(this.otherVoters()) };
    this.announceLeader();
  }

  /**
   * The epoch and leader a message carried. A higher epoch always wins: follow its leader if
   * named, else wait unattached in it. A leader named for our own epoch is followed when we did
   * not know one. Returns true if the state changed.
   * @internal
   */
  maybeTransition(leaderId: number, epoch: number, nowMs: number): boolean {
    const s = this.state;
    if (epoch > s.epoch) {
      if (leaderId >= 0 && leaderId !== this.nodeId) this.becomeFollower(epoch, leaderId, -1, nowMs);
      else this.becomeUnattached(epoch, -1, nowMs);
      return true;
    }
    if (epoch < s.epoch || leaderId < 0) return false;
    if (s.name === 'Leader' || s.name === 'Resigned') {
      if (leaderId !== this.nodeId) throw new Error(`node ${this.nodeId}: leader ${leaderId} claims epoch ${epoch}, which this node leads`);
      return false;
    }
    if (s.name === 'Follower') {
      if (s.leaderId !== leaderId) throw new Error(`node ${this.nodeId}: two leaders ${s.leaderId} and ${leaderId} in epoch ${epoch}`);
      return false;
    }
    if (leaderId === this.nodeId) return false;
    const votedId = s.name === 'Candidate' ? this.nodeId : s.votedId;
    this.becomeFollower(epoch, leaderId, votedId, nowMs);
    return true;
  }

  // ---- plumbing ---------------------------------------------------------------------------

  /** @internal */
  leaderContext(): LeaderContext | undefined {
    const s = this.state;
    if (s.name !== 'Leader') return undefined;
    return { localId: this.nodeId, epoch: s.epoch, log: this.log, snapshots: this.snapshots, progress: s.progress, config: this.config };
  }

  /** @internal Truncate after a DivergingEpoch; committed entries are never given up. */
  truncateDiverging(diverging: OffsetAndEpoch): void {
    const offset = truncationOffset(this.log, diverging);
    if (offset < this.hw) throw new Error(`node ${this.nodeId}: told to truncate to ${offset}, below the high watermark ${this.hw}`);
    const end = this.log.truncateTo(offset);
    // Whole batches go: the straddling one is never committed (committed batches are the
    // leader's own, so the leader's epoch boundaries fall between them), but check anyway.
    if (end < this.hw) throw new Error(`node ${this.nodeId}: truncation to ${offset} ended the log at ${end}, below the high watermark ${this.hw}`);
  }

  /** @internal A follower's HW: the leader's, but never past what this log holds. */
  advanceFollowerHighWatermark(leaderHighWatermark: number): void {
    const hw = Math.min(leaderHighWatermark, this.log.endOffset());
    if (hw > this.hw) this.hw = hw;
  }

  /** @internal A downloaded snapshot replaces the log. */
  installSnapshot(id: OffsetAndEpoch, bytes: Uint8Array): void {
    this.snapshots.write(id, bytes);
    this.log.resetTo(id);
    // The log now starts at the snapshot: nothing continues from the older ones.
    this.snapshots.deleteBefore?.(id);
    if (id.endOffset > this.hw) this.hw = id.endOffset;
    this.nextDeliverOffset = id.endOffset;
    this.listener.onSnapshotLoaded?.(id, bytes);
  }

  /** @internal */
  otherVoters(): number[] {
    return this.voters.filter((v) => v !== this.nodeId);
  }

  /** @internal */
  electionDeadline(nowMs: number): number {
    return this.isVoter ? nowMs + randomElectionTimeoutMs(this.config, this.random) : Infinity;
  }

  /**
   * Tell the listener when the (leader, epoch) this node knows changes, including to "none"
   * (-1): a controller must stop acting as active the moment its node resigns or sees a later
   * epoch, not only learn of the next leader.
   */
  private announceLeader(): void {
    const leaderId = this.leaderId;
    const epoch = this.state.epoch;
    if (leaderId === this.announced.leaderId && epoch === this.announced.epoch) return;
    this.announced = { leaderId, epoch };
    this.listener.onLeaderChange?.(leaderId, epoch);
  }

  private resetRequests(): void {
    this.requests.clear();
    this.parked.clear();
  }

  /** Send what the state calls for now, then hand committed batches to the listener. */
  private poll(nowMs: number): void {
    this.handlers.sendDueRequests(nowMs);
    this.deliverCommitted();
  }

  private deliverCommitted(): void {
    if (this.nextDeliverOffset < this.log.startOffset()) this.nextDeliverOffset = this.log.startOffset();
    while (this.nextDeliverOffset < this.hw) {
      const batches = this.log.read(this.nextDeliverOffset, this.config.fetchMaxRecords).filter((b) => b.baseOffset + b.records.length <= this.hw);
      if (batches.length === 0) return;
      const last = batches[batches.length - 1]!;
      this.nextDeliverOffset = last.baseOffset + last.records.length;
      this.listener.onCommit?.(batches, this.hw);
    }
  }
}
