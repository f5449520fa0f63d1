/**
 * What the leader of a partition knows about its replicas (Kafka's Partition with its ReplicaState
 * per follower): each follower's log end offset and when it was last caught up, the ISR as the
 * controller committed it, an ISR change in flight, and from these the high watermark.
 *
 * Pure bookkeeping, with time passed in: the replica manager feeds it follower fetches and metadata,
 * the simulation test feeds it whatever schedule a seed picks.
 *
 * - A follower's log end offset is the offset it fetches from: it has everything below it.
 * - lastCaughtUpTimeMs (Kafka's rule): a fetch at or past the leader's log end offset now makes the
 *   follower caught up now; a fetch at or past the leader's log end offset as of the follower's
 *   previous fetch makes it caught up as of that previous fetch.
 * - The high watermark is the least log end offset of the "maximal ISR": the committed ISR plus a
 *   pending expansion (KIP-497: a replica being added counts at once, a replica being removed counts
 *   until the controller commits its removal), so an acknowledged record is always on every replica
 *   the controller might elect.
 * - Expansion: a follower outside the ISR whose log end offset reached the high watermark and the
 *   start of the leader's epoch. Shrink: an ISR follower not caught up for replica.lag.time.max.ms.
 */
export interface FollowerProgress {
  logEndOffset: number;
  lastFetchTimeMs: number;
  /** The leader's log end offset when this follower last fetched. */
  leaderEndOffsetAtLastFetch: number;
  lastCaughtUpTimeMs: number;
}

export interface IsrState {
  isr: readonly number[];
  partitionEpoch: number;
}

export class LeaderReplicas {
  private readonly followers = new Map<number, FollowerProgress>();
  /** The ISR the controller committed (from metadata or an AlterPartition answer). */
  private committed: IsrState;
  /** An ISR change sent to the controller and not settled yet, and which change it is. */
  private pending?: readonly number[];
  private pendingId = 0;
  private changes = 0;

  constructor(
    readonly nodeId: number,
    readonly leaderEpoch: number,
    replicas: readonly number[],
    isr: IsrState,
    /** The leader's log end offset when it became leader: followers join the ISR only past it. */
    readonly epochStartOffset: number,
    nowMs: number,
  ) {
    this.committed = { isr: [...isr.isr], partitionEpoch: isr.partitionEpoch };
    this.setReplicas(replicas, nowMs);
  }

  /** The replica set changed (a reassignment); new followers start unknown and caught up as of now. */
  setReplicas(replicas: readonly number[], nowMs: number): void {
    for (const id of replicas) {
      if (id === this.nodeId || this.followers.has(id)) continue;
      // As Kafka resets replica states on becoming leader: an ISR member gets a full lag period to fetch.
      this.followers.set(id, { logEndOffset: -1, lastFetchTimeMs: -1, leaderEndOffsetAtLastFetch: -1, lastCaughtUpTimeMs: nowMs });
    }
    for (const id of [...this.followers.keys()]) if (!replicas.includes(id)) this.followers.delete(id);
  }

  get isr(): readonly number[] {
    return this.committed.isr;
  }

  get partitionEpoch(): number {
    return this.committed.partitionEpoch;
  }

  get hasPendingChange(): boolean {
    return this.pending !== undefined;
  }

  /** The ISR the high watermark must respect: committed members and a pending expansion's new ones. */
  get maximalIsr(): readonly number[] {
    if (!this.pending) return this.committed.isr;
    return [...new Set([...this.committed.isr, ...this.pending])];
  }

  follower(id: number): FollowerProgress | undefined {
    return this.followers.get(id);
  }

  /** A fetch from follower `id` at `fetchOffset` while the leader's log ends at `leaderEndOffset`. False: not a replica. */
  recordFetch(id: number, fetchOffset: number, leaderEndOffset: number, nowMs: number): boolean {
    const f = this.followers.get(id);
    if (!f) return false;
    if (fetchOffset >= leaderEndOffset) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, nowMs);
    else if (fetchOffset >= f.leaderEndOffsetAtLastFetch && f.lastFetchTimeMs >= 0) f.lastCaughtUpTimeMs = Math.max(f.lastCaughtUpTimeMs, f.lastFetchTimeMs);
    f.logEndOffset = fetchOffset;
    f.leaderEndOffsetAtLastFetch = leaderEndOffset;
    f.lastFetchTimeMs = nowMs;
    return true;
  }

  /** The high watermark the replicas allow: the least log end offset of the maximal ISR (the leader's own included). */
  highWatermark(leaderEndOffset: number): number {
    let hw = leaderEndOffset;
    for (const id of this.maximalIsr) {
      if (id === this.nodeId) continue;
      const f = this.followers.get(id);
      // An ISR member the leader has not heard from yet holds the high watermark where it is.
      hw = Math.min(hw, f ? f.logEndOffset : -1);
    }
    return hw;
  }

  /**
   * The ISR to ask for when a follower caught up, or undefined (nothing to add, or a change is in
   * flight). Caught up (Kafka's isCaughtUp and isReplicaIsrEligible): its log end reached the high
   * watermark and the start of this leader's epoch, it was caught up within `maxLagMs` (a dead
   * broker's last position does not count), and the metadata lets it in (`eligible`: registered,
   * unfenced, not shutting down).
   */
  expansion(highWatermark: number, nowMs: number, maxLagMs: number, eligible: (id: number) => boolean): number[] | undefined {
    if (this.pending) return undefined;
    const joining = [...this.followers].filter(
      ([id, f]) =>
        !this.committed.isr.includes(id) &&
        f.logEndOffset >= highWatermark &&
        f.logEndOffset >= this.epochStartOffset &&
        f.lastFetchTimeMs >= 0 &&
        nowMs - f.lastCaughtUpTimeMs <= maxLagMs &&
        eligible(id),
    );
    if (joining.length === 0) return undefined;
    return [...this.committed.isr, ...joining.map(([id]) => id)];
  }

  /** The ISR to ask for when followers lag by more than `maxLagMs`, or undefined. The leader always stays. */
  shrink(nowMs: number, maxLagMs: number): number[] | undefined {
    if (this.pending) return undefined;
    const laggards = this.committed.isr.filter((id) => {
      if (id === this.nodeId) return false;
      const f = this.followers.get(id);
      return !f || nowMs - f.lastCaughtUpTimeMs > maxLagMs;
    });
    if (laggards.length === 0) return undefined;
    return this.committed.isr.filter((id) => !laggards.includes(id));
  }

  /** An AlterPartition for `isr` is being sent; returns the change's id. */
  beginChange(isr: readonly number[]): number {
    this.pending = [...isr];
    this.pendingId = ++this.changes;
    return this.pendingId;
  }

  /** Whether change `id` is still the one in flight (not settled by an answer or the metadata). */
  isPending(id: number): boolean {
    return this.pending !== undefined && this.pendingId === id;
  }

  /**
   * The controller settled the change in flight: it answered, or refused it for good. A change whose
   * request failed stays pending (the controller may have committed it: until that is known, the
   * high watermark must count the replicas it adds, as Kafka's AlterPartitionManager keeps it).
   * Without `id`, whatever is in flight ends.
   */
  endChange(id?: number): void {
    if (id !== undefined && id !== this.pendingId) return;
    this.pending = undefined;
  }

  /**
   * A committed ISR, from metadata or an AlterPartition answer; older partition epochs are ignored.
   * A newer partition epoch settles a change in flight: its request, made against the older epoch,
   * can no longer be applied, and what the controller did with it is in this state.
   */
  commit(state: IsrState): boolean {
    if (state.partitionEpoch < this.committed.partitionEpoch) return false;
    if (state.partitionEpoch > this.committed.partitionEpoch) this.pending = undefined;
    this.committed = { isr: [...state.isr], partitionEpoch: state.partitionEpoch };
    return true;
  }
}
