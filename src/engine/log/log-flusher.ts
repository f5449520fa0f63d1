/**
 * Durability of one partition log: the recovery point (everything below it is fsync'ed) and the
 * flush policy. Kafka's defaults leave flushing to the OS (flush.messages / flush.ms = Long.MAX);
 * a segment is always fsync'ed when it is rolled — in the background, so appends do not stall —
 * and everything on clean shutdown. An unclean start re-validates the log from the recovery point.
 */
import { LONG_MAX, type LogConfig } from './log-config.js';
import type { Cancellable, LogContext } from './log-context.js';
import { fsyncDir } from './log-files.js';
import type { LogSegment } from './log-segment.js';
import type { LogSegments } from './log-segments.js';

/** What the flusher sees of its log. */
export interface FlushTarget {
  readonly dir: string;
  readonly name: string;
  readonly ctx: LogContext;
  readonly segments: LogSegments;
  readonly activeSegment: LogSegment;
  readonly logEndOffset: number;
  readonly config: LogConfig;
  readonly isClosed: boolean;
}

export class LogFlusher {
  private chain: Promise<void> = Promise.resolve();
  private timer: Cancellable | undefined;
  /** Bumped by every truncation: a background flush finishing after one must not move the recovery point. */
  private truncations = 0;
  lastFlushMs: number;

  constructor(
    private readonly log: FlushTarget,
    public recoveryPoint: number,
  ) {
    this.lastFlushMs = log.ctx.clock.now();
  }

  /** fsync everything up to the log end offset and move the recovery point there. */
  flush(): void {
    const leo = this.log.logEndOffset;
    for (const s of this.log.segments.range(this.recoveryPoint, Infinity)) s.flush();
    this.recoveryPoint = leo;
    this.lastFlushMs = this.log.ctx.clock.now();
  }

  /** After an append: flush.messages now, or arm the flush.ms timer. */
  afterAppend(): void {
    const { logEndOffset, config } = this.log;
    if (logEndOffset - this.recoveryPoint >= config.flushMessages) {
      this.flush();
      return;
    }
    if (config.flushMs < LONG_MAX && !this.timer && logEndOffset > this.recoveryPoint) {
      this.timer = this.log.ctx.scheduler.schedule(config.flushMs, () => {
        this.timer = undefined;
        if (!this.log.isClosed && this.log.logEndOffset > this.recoveryPoint) this.flush();
      });
    }
  }

  /** fsync every segment below `offset` (a roll) in the background, then advance the recovery point. */
  flushBelowInBackground(offset: number): void {
    const gen = this.truncations;
    const active = this.log.activeSegment;
    const toSync = this.log.segments.range(this.recoveryPoint, offset).filter((s) => s.baseOffset < offset && s !== active);
    this.chain = this.chain
      .then(async () => {
        for (const s of toSync) await s.flushAsync();
        if (this.log.isClosed) return;
        fsyncDir(this.log.dir);
        if (gen === this.truncations && offset > this.recoveryPoint) this.recoveryPoint = Math.min(offset, this.log.logEndOffset);
      })
      .catch((e: unknown) => this.log.ctx.logger.error(`${this.log.name}: background flush failed: ${(e as Error).message}`));
  }

  /** Resolves when the background flushes scheduled so far are done. */
  async settled(): Promise<void> {
    await this.chain;
  }

  /** The log was truncated to `logEndOffset` (or restarted there when `restart`). */
  truncated(logEndOffset: number, restart = false): void {
    this.truncations++;
    this.recoveryPoint = restart ? logEndOffset : Math.min(this.recoveryPoint, logEndOffset);
  }

  /** The config changed: re-arm the timer under the new flush.ms. */
  reconfigure(): void {
    this.cancel();
    this.afterAppend();
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
