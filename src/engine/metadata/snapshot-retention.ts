/**
 * Which snapshots (and with them which part of the metadata log) may go: Kafka's
 * KafkaMetadataLog.maybeClean. Walking the snapshots from the oldest, a snapshot is deleted when
 *  - the log plus all remaining snapshots exceed metadata.max.retention.bytes (-1: no limit), or
 *  - its lastContainedLogTimestamp is older than metadata.max.retention.ms (-1: no limit),
 * and only together with moving the log start offset up to the end of the next snapshot, so the
 * log always continues from the oldest snapshot kept. The latest snapshot always stays, so a log
 * with a single snapshot is never cleaned: both limits are soft.
 */
import type { SnapshotId } from './snapshot-id.js';

export interface RetainedSnapshot {
  id: SnapshotId;
  sizeInBytes: number;
  lastContainedLogTimestamp: number;
}

export interface RetentionPolicy {
  retentionBytes: number;
  retentionMs: number;
}

/**
 * The oldest snapshot to keep when some must go (every snapshot before it is deleted and the log
 * start moves to its end offset), or undefined when nothing is to be cleaned.
 * `snapshots` is oldest first.
 */
export function oldestSnapshotToKeep(
  snapshots: readonly RetainedSnapshot[],
  logSizeInBytes: number,
  logStartOffset: number,
  policy: RetentionPolicy,
  nowMs: number,
): SnapshotId | undefined {
  let total = snapshots.reduce((sum, s) => sum + s.sizeInBytes, 0);
  const overSize = (s: RetainedSnapshot): boolean => {
    if (policy.retentionBytes < 0 || logSizeInBytes + total <= policy.retentionBytes) return false;
    total -= s.sizeInBytes;
    return true;
  };
  const tooOld = (s: RetainedSnapshot): boolean => policy.retentionMs >= 0 && nowMs - s.lastContainedLogTimestamp > policy.retentionMs;

  let keep: SnapshotId | undefined;
  // Kafka runs the size pass, then the time pass; either may only advance past a snapshot whose
  // successor can become the log start.
  for (const shouldClean of [overSize, tooOld]) {
    for (let i = (keep ? snapshots.findIndex((s) => s.id === keep) : 0); i >= 0 && i < snapshots.length - 1; i++) {
      const next = snapshots[i + 1]!;
      if (!shouldClean(snapshots[i]!) || next.id.endOffset <= Math.max(logStartOffset, keep?.endOffset ?? -1)) break;
      keep = next.id;
    }
  }
  return keep;
}
