/**
 * The controller's state machine on the Raft client (Kafka's QuorumController as a RaftClient
 * listener, with the broker's MetadataLoader folded in, since kt's image serves both):
 *
 * - Committed batches, and only those, are decoded and applied to the image (onCommit), in log
 *   order, on every node alike: the active controller, standby controllers and broker observers.
 * - Only the active controller writes, through raft.append; an operation's promise resolves once
 *   its batch is committed and applied, so the next operation is validated against an image that
 *   includes it.
 * - A new leader becomes active only after applying everything up to the start of its own epoch
 *   (its LeaderChange batch committed): what the previous leaders committed is in its image before
 *   it validates anything against it. Losing leadership deactivates it at once, and operations
 *   waiting for a commit fail with NOT_CONTROLLER (the records may still commit under the next
 *   leader, as in Kafka).
 * - Snapshots (quorum-snapshots.ts): after enough committed bytes every node snapshots its image at
 *   the last applied batch; a snapshot the Raft client loads (the latest at start, or one
 *   downloaded by a follower that fell behind the leader's log start) replaces the image, and
 *   replay continues after it.
 */
import type { Logger } from '../../logger.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { OffsetAndEpoch, RaftBatch, RaftListener } from '../../raft/index.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from '../metadata-serde.js';
import type { QuorumController } from '../quorum-controller.js';
import type { QuorumSnapshots } from './quorum-snapshots.js';
import type { RaftManager } from './raft-manager.js';
import type { RemoteController } from './remote-controller.js';

interface CommitWaiter {
  lastOffset: number;
  resolve(): void;
  reject(err: Error): void;
}

export class NotControllerError extends KafkaError {
  constructor(message = 'This node is not the active controller') {
    super(ErrorCode.NOT_CONTROLLER, message);
  }
}

export class ControllerQuorum implements RaftListener {
  private raft?: RaftManager;
  /** Offset after the last batch applied to the image. */
  private appliedEnd = 0;
  /** Epoch of the last batch applied (or of the snapshot loaded): the epoch of a snapshot taken there. */
  private appliedEpoch = 0;
  /** Until the Raft client has started, a loaded snapshot is the one on disk; later, a downloaded one. */
  private raftStarted = false;
  /** While this node leads but has not applied up to its epoch start: that offset. */
  private activationOffset: number | undefined;
  private active = false;
  private waiters: CommitWaiter[] = [];
  private readonly leaderListeners: ((leaderId: number, epoch: number) => void)[] = [];
  private caughtUpWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  private catchUpPoll?: NodeJS.Timeout;

  constructor(
    private readonly controller: QuorumController,
    readonly remote: RemoteController,
    private readonly nodeId: number,
    private readonly logger: Logger,
    private readonly snapshots?: QuorumSnapshots,
  ) {}

  bind(raft: RaftManager): void {
    this.raft = raft;
    this.snapshots?.bind(raft);
  }

  /** The Raft client started (and loaded the latest snapshot, if any). */
  started(): void {
    this.raftStarted = true;
  }

  get isActive(): boolean {
    return this.active;
  }

  get appliedOffset(): number {
    return this.appliedEnd;
  }

  requireActive(): void {
    if (!this.active) throw new NotControllerError();
  }

  onLeaderChanged(listener: (leaderId: number, epoch: number) => void): void {
    this.leaderListeners.push(listener);
  }

  /** Resolves once this node knows a leader and has applied everything that leader had committed when it learned of it. */
  caughtUp(): Promise<void> {
    if (this.isCaughtUp()) return Promise.resolve();
    // Commits and leader changes notify; a fetch answer that brings nothing new (the node already
    // held all the leader had committed) does not reach the listener, so look again now and then.
    this.catchUpPoll ??= setInterval(() => this.notifyCaughtUp(), 50);
    this.catchUpPoll.unref();
    return new Promise((resolve, reject) => this.caughtUpWaiters.push({ resolve, reject }));
  }

  /** This node cannot join the quorum (another cluster's voters answer): whoever waits to catch up learns why. */
  failCatchUp(err: Error): void {
    this.stopCatchUpPoll();
    const waiting = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const w of waiting) w.reject(err);
  }

  /** Replicate records; resolves once they are committed and applied. */
  append(records: MetadataRecord[]): Promise<void> {
    this.requireActive();
    const result = this.raft!.append(records.map((r) => encodeMetadataRecord(r)));
    if (!result.ok) throw new NotControllerError();
    if (this.appliedEnd > result.lastOffset) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ lastOffset: result.lastOffset, resolve, reject }));
  }

  // ---- RaftListener ---------------------------------------------------------------------------

  onCommit(batches: RaftBatch[]): void {
    const entries: { offset: number; record: MetadataRecord }[] = [];
    for (const b of batches) {
      if (!b.leaderChange) b.records.forEach((bytes, i) => entries.push({ offset: b.baseOffset + i, record: decodeMetadataRecord(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) }));
      this.appliedEnd = b.baseOffset + b.records.length;
      this.appliedEpoch = b.epoch;
    }
    if (entries.length > 0) this.controller.applyCommitted(entries);
    this.snapshots?.committed(batches, { endOffset: this.appliedEnd, epoch: this.appliedEpoch }, this.controller.image);
    this.afterApplied();
  }

  private afterApplied(): void {
    const done = this.waiters.filter((w) => w.lastOffset < this.appliedEnd);
    this.waiters = this.waiters.filter((w) => w.lastOffset >= this.appliedEnd);
    for (const w of done) w.resolve();
    this.maybeActivate();
    this.notifyCaughtUp();
  }

  onLeaderChange(leaderId: number, epoch: number): void {
    if (leaderId === this.nodeId) {
      // The LeaderChange batch is the last in the log now: active once it is applied.
      this.activationOffset = this.raft!.client.log.endOffset();
      this.logger.info(`elected leader of the metadata quorum in epoch ${epoch}; active once the log up to ${this.activationOffset} is applied`);
    } else {
      this.activationOffset = undefined;
      if (this.active) this.deactivate(`node ${leaderId} leads epoch ${epoch}`);
    }
    for (const l of this.leaderListeners) l(leaderId, epoch);
    this.maybeActivate();
    this.notifyCaughtUp();
  }

  onSnapshotLoaded(id: OffsetAndEpoch, bytes: Uint8Array): void {
    if (!this.snapshots) throw new Error(`metadata snapshot ${id.endOffset}-${id.epoch} loaded, but this node keeps no snapshots`);
    const { records } = this.snapshots.loaded(id, bytes, this.raftStarted ? 'fetched' : 'start');
    this.controller.loadSnapshot(id, records);
    this.appliedEnd = id.endOffset;
    this.appliedEpoch = id.epoch;
    // At start the client has no quorum state yet; nothing waits on it then either.
    if (this.raftStarted) this.afterApplied();
  }

  // ---- activation ---------------------------------------------------------------------------

  private maybeActivate(): void {
    if (this.active || this.activationOffset === undefined || this.appliedEnd < this.activationOffset) return;
    this.active = true;
    this.activationOffset = undefined;
    this.logger.info(`active controller from offset ${this.appliedEnd}`);
    this.controller.activate();
    // Off the Raft client's call stack: bootstrapping appends, which re-enters the client.
    setImmediate(() => void this.controller.bootstrapFeaturesIfNew().catch((err: Error) => this.logger.warn(`bootstrapping the features failed: ${err.message}`)));
  }

  private deactivate(why: string): void {
    this.active = false;
    this.logger.info(`no longer the active controller: ${why}`);
    this.controller.deactivate();
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.reject(new NotControllerError('Leadership was lost before the records were committed'));
  }

  private isCaughtUp(): boolean {
    const c = this.raft?.client;
    if (!c || c.leaderId < 0) return false;
    // Past the leader's high watermark as it first told this node, not only this node's own: a node
    // restarted from its own snapshot knows a high watermark at once, possibly far behind.
    const target = c.catchUpTarget;
    return target > 0 && this.appliedEnd >= target;
  }

  private stopCatchUpPoll(): void {
    clearInterval(this.catchUpPoll);
    this.catchUpPoll = undefined;
  }

  private notifyCaughtUp(): void {
    if (this.caughtUpWaiters.length === 0 || !this.isCaughtUp()) return;
    this.stopCatchUpPoll();
    const waiting = this.caughtUpWaiters;
    this.caughtUpWaiters = [];
    for (const w of waiting) w.resolve();
  }

  close(): void {
    this.stopCatchUpPoll();
    if (this.active) this.deactivate('shutting down');
  }
}
