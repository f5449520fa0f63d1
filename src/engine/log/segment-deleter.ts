/**
 * Removing segments from disk (Kafka's asyncDeleteSegment): files are renamed `.deleted` at once,
 * so the partition no longer sees them, and removed after file.delete.delay.ms, so a read that
 * already holds the segment can finish. What is still pending at close is left as `.deleted` for
 * the next start to remove.
 */
import { DELETED_SUFFIX } from './log-files.js';
import type { Scheduler } from './log-context.js';
import type { LogSegment } from './log-segment.js';

export class SegmentDeleter {
  /** Segments renamed `.deleted`, waiting for file.delete.delay.ms (their files stay readable until then). */
  private readonly pending = new Set<LogSegment>();

  constructor(private readonly scheduler: Scheduler) {}

  delete(seg: LogSegment, delayMs: number): void {
    if (delayMs <= 0) {
      seg.deleteFiles();
      return;
    }
    seg.changeFileSuffix(DELETED_SUFFIX);
    this.pending.add(seg);
    this.scheduler.schedule(delayMs, () => {
      this.pending.delete(seg);
      seg.deleteFiles();
    });
  }

  /** Release the files of segments still waiting (they stay `.deleted` on disk). */
  release(): void {
    for (const s of this.pending) s.closeFds();
    this.pending.clear();
  }
}
