/**
 * How a leader judges a follower's fetch position, and how the follower truncates when told it
 * diverged: Kafka's `ReplicatedLog.validateOffsetAndEpoch` and `truncateToEndOffset`.
 *
 * The follower sends (fetchOffset, lastFetchedEpoch): "my log ends here, and its last entry was
 * written in this epoch". If the leader's log ends that epoch earlier, or knows no such epoch, the
 * logs diverge after the point the leader returns, and the follower truncates there (never below
 * its high watermark: committed entries are on the leader). If the position lies before the
 * leader's log start, only a snapshot can catch the follower up.
 */
import type { OffsetAndEpoch } from './messages.js';
import type { RaftLog } from './raft-log.js';
import type { SnapshotStore } from './snapshot-store.js';

export type FetchPosition =
  | { kind: 'valid' }
  | { kind: 'diverging'; divergingEpoch: OffsetAndEpoch }
  | { kind: 'snapshot'; snapshotId: OffsetAndEpoch };

export function validateFetchPosition(
  log: RaftLog,
  snapshots: SnapshotStore,
  fetchOffset: number,
  lastFetchedEpoch: number,
): FetchPosition {
  if (fetchOffset === 0 && lastFetchedEpoch === 0 && log.startOffset() === 0) return { kind: 'valid' };
  const start = log.startOffset();
  if (start > 0) {
    // The prefix before `start` exists only as a snapshot.
    const snapshot = snapshots.latest();
    if (
      snapshot &&
      (fetchOffset < start ||
        (fetchOffset === start && lastFetchedEpoch !== log.startEpoch()) ||
        lastFetchedEpoch < log.startEpoch())
    ) {
      return { kind: 'snapshot', snapshotId: snapshot };
    }
  }
  const end = log.endOffsetForEpoch(lastFetchedEpoch);
  if (end.epoch !== lastFetchedEpoch || end.endOffset < fetchOffset) {
    return { kind: 'diverging', divergingEpoch: end };
  }
  return { kind: 'valid' };
}

/** Where a follower truncates on a DivergingEpoch: no further than either log knows the epoch. */
export function truncationOffset(log: RaftLog, diverging: OffsetAndEpoch): number {
  const local = log.endOffsetForEpoch(diverging.epoch);
  return Math.min(local.endOffset, diverging.endOffset);
}
