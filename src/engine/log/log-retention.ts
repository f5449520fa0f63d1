/**
 * Retention (Kafka's UnifiedLog.deleteOldSegments): whole segments are deleted from the oldest,
 * stopping at the first one that must stay, when
 *  - the log start offset has moved past them (DeleteRecords, always applied),
 *  - and, with cleanup.policy containing `delete`: retention.bytes is exceeded by at least the
 *    segment's size, or the segment's largest timestamp is older than retention.ms.
 * Only segments entirely below the high watermark qualify. The active segment qualifies too when
 * it is not empty (a new empty one is rolled first), as in Kafka.
 */
import { hasDeletePolicy } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import type { PartitionLog } from './partition-log.js';

type Predicate = (segment: LogSegment, next: LogSegment | undefined) => boolean;

function deletableSegments(log: PartitionLog, predicate: Predicate): LogSegment[] {
  const all = log.segments.all;
  const out: LogSegment[] = [];
  for (let i = 0; i < all.length; i++) {
    const seg = all[i]!;
    const next = all[i + 1];
    const upperBound = next ? next.baseOffset : log.logEndOffset;
    const lastAndEmpty = !next && seg.size === 0;
    if (log.highWatermark >= upperBound && !lastAndEmpty && predicate(seg, next)) out.push(seg);
    else break;
  }
  return out;
}

function deleteWhere(log: PartitionLog, predicate: Predicate, reason: (s: LogSegment) => string): number {
  const doomed = deletableSegments(log, predicate);
  if (doomed.length === 0) return 0;
  for (const s of doomed) log.ctx.logger.info(`${log.name}: deleting segment ${s.baseOffset} (${reason(s)})`);
  log.removeSegments(doomed);
  return doomed.length;
}

export function deleteOldSegments(log: PartitionLog, nowMs: number, opts: { logStartOnly?: boolean } = {}): number {
  let deleted = deleteWhere(
    log,
    (_s, next) => next !== undefined && next.baseOffset <= log.logStartOffset,
    () => `below the log start offset ${log.logStartOffset}`,
  );
  if (opts.logStartOnly || !hasDeletePolicy(log.config)) return deleted;

  const retentionBytes = log.config.retentionBytes;
  if (retentionBytes >= 0) {
    let diff = log.size - retentionBytes;
    deleted += deleteWhere(
      log,
      (s) => {
        if (diff - s.size < 0) return false;
        diff -= s.size;
        return true;
      },
      () => `retention.bytes ${retentionBytes} exceeded`,
    );
  }

  const retentionMs = log.config.retentionMs;
  if (retentionMs >= 0) {
    deleted += deleteWhere(
      log,
      (s) => nowMs - s.largestTimestamp() > retentionMs,
      (s) => `largest timestamp ${s.largestTimestamp()} older than retention.ms ${retentionMs}`,
    );
  }
  return deleted;
}
