/**
 * What a leader tracks about the replicas fetching from it (Kafka's LeaderState): each one's log
 * end offset as reported by its last fetch, when it last fetched, who acknowledged the new epoch.
 * From that it derives the high watermark and decides check quorum.
 *
 * Raft's commit rule: the high watermark is the largest offset a majority of voters has, but only
 * once that offset covers an entry of the leader's own epoch (`epochStartOffset`, the
 * LeaderChangeMessage it wrote first). Committing an older epoch's entry by counting replicas is
 * the classic bug of Raft section 5.4.2: such an entry can still be overwritten.
 */
import type { QuorumReplicaState } from './raft-client-types.js';

export interface ReplicaProgress {
  replicaId: number;
  /** -1 until the replica fetched in this epoch. */
  endOffset: number;
  lastFetchMs: number;
  lastCaughtUpMs: number;
}

export class LeaderProgress {
  readonly voters = new Map<number, ReplicaProgress>();
  readonly observers = new Map<number, ReplicaProgress>();
  /** Voters that have not yet acknowledged BeginQuorumEpoch (nor fetched). */
  readonly unacknowledged: Set<number>;
  private highWatermark: number;
  /** When the current check-quorum window opened, and who fetched during it. */
  private windowStartMs: number;
  private heardInWindow = new Set<number>();

  constructor(
    readonly localId: number,
    voterIds: number[],
    readonly epochStartOffset: number,
    initialHighWatermark: number,
    nowMs: number,
  ) {
    for (const id of voterIds) {
      this.voters.set(id, { replicaId: id, endOffset: -1, lastFetchMs: -1, lastCaughtUpMs: -1 });
    }
    this.unacknowledged = new Set(voterIds.filter((id) => id !== localId));
    this.highWatermark = initialHighWatermark;
    this.windowStartMs = nowMs;
  }

  get hw(): number {
    return this.highWatermark;
  }

  isVoter(id: number): boolean {
    return this.voters.has(id);
  }

  /** The replica answered BeginQuorumEpoch or fetched: it knows this leader, and counts for check quorum. */
  acknowledge(id: number): void {
    this.unacknowledged.delete(id);
    if (this.voters.has(id)) this.heardInWindow.add(id);
  }

  /** A fetch at `fetchOffset` proves the replica holds everything before it. Returns true if the HW moved. */
  recordFetch(id: number, fetchOffset: number, leaderEndOffset: number, nowMs: number): boolean {
    const voter = this.voters.get(id);
    const map = voter ? this.voters : this.observers;
    let p = map.get(id);
    if (!p) {
      p = { replicaId: id, endOffset: -1, lastFetchMs: -1, lastCaughtUpMs: -1 };
      map.set(id, p);
    }
    p.endOffset = fetchOffset;
    p.lastFetchMs = nowMs;
    if (fetchOffset >= leaderEndOffset) p.lastCaughtUpMs = nowMs;
    if (voter) {
      this.acknowledge(id);
      return this.maybeAdvance();
    }
    return false;
  }

  /** The leader's own log grew (its entries are durable once appended). */
  recordLocalEnd(endOffset: number, nowMs: number): boolean {
    const self = this.voters.get(this.localId)!;
    self.endOffset = endOffset;
    self.lastFetchMs = nowMs;
    self.lastCaughtUpMs = nowMs;
    return this.maybeAdvance();
  }

  private maybeAdvance(): boolean {
    const offsets = [...this.voters.values()].map((p) => p.endOffset).sort((a, b) => b - a);
    const candidate = offsets[Math.floor(this.voters.size / 2)]!;
    if (candidate > this.epochStartOffset && candidate > this.highWatermark) {
      this.highWatermark = candidate;
      return true;
    }
    return false;
  }

  /**
   * Check quorum: true while a majority of voters (counting this one) fetched within the last
   * `timeoutMs`. The window restarts each time a majority has been heard from.
   */
  checkQuorum(nowMs: number, timeoutMs: number): boolean {
    const needed = Math.floor(this.voters.size / 2) + 1;
    if (this.heardInWindow.size + 1 >= needed) {
      this.windowStartMs = nowMs;
      this.heardInWindow = new Set();
      return true;
    }
    return nowMs - this.windowStartMs < timeoutMs;
  }

  /** When check quorum must be evaluated next. */
  checkQuorumDeadline(timeoutMs: number): number {
    return this.windowStartMs + timeoutMs;
  }

  /**
   * The replica rows of DescribeQuorum at `nowMs`. The leader's own row reads `nowMs` for both
   * timestamps, as Kafka's LeaderState.describeReplicaState: the leader is always caught up with
   * itself, so MaxFollowerLagTimeMs never goes negative.
   */
  describe(nowMs: number): { currentVoters: QuorumReplicaState[]; observers: QuorumReplicaState[] } {
    const row = (p: ReplicaProgress): QuorumReplicaState => {
      const self = p.replicaId === this.localId;
      return {
        replicaId: p.replicaId,
        logEndOffset: p.endOffset,
        lastFetchTimestamp: self ? nowMs : p.lastFetchMs,
        lastCaughtUpTimestamp: self ? nowMs : p.lastCaughtUpMs,
      };
    };
    return { currentVoters: [...this.voters.values()].map(row), observers: [...this.observers.values()].map(row) };
  }

  /** Voters other than the leader, most caught up first: the successors a resigning leader prefers. */
  preferredSuccessors(): number[] {
    return [...this.voters.values()]
      .filter((p) => p.replicaId !== this.localId)
      .sort((a, b) => b.endOffset - a.endOffset || a.replicaId - b.replicaId)
      .map((p) => p.replicaId);
  }
}
