/**
 * What a log needs from its surroundings, injected so the broker can route log lines, tests can
 * drive the clock, and background work can be cancelled on shutdown.
 */

/** A tiny logger the broker can route; default: warnings and errors to console.warn. */
export interface LogLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const consoleLogger: LogLogger = {
  info: () => {},
  warn: (msg) => console.warn(msg),
  error: (msg) => console.warn(msg),
};

/** Wall clock in ms (segment.ms, retention.ms, LogAppendTime, delete horizons). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Cancellable {
  cancel(): void;
}

/**
 * Delayed one-shot tasks (segment file deletion, flush.ms). Timers are unref'd so they never keep
 * the process alive; `cancelAll` drops pending work on close (leftover `.deleted` files are removed
 * at the next start, as Kafka does).
 */
export class Scheduler {
  private readonly pending = new Set<NodeJS.Timeout>();

  schedule(delayMs: number, task: () => void): Cancellable {
    const delay = Math.max(0, Math.min(delayMs, 2_147_483_647));
    const t = setTimeout(() => {
      this.pending.delete(t);
      task();
    }, delay);
    t.unref();
    this.pending.add(t);
    return {
      cancel: () => {
        clearTimeout(t);
        this.pending.delete(t);
      },
    };
  }

  /** Run `task` every `intervalMs` (first run after one interval). */
  every(intervalMs: number, task: () => void): Cancellable {
    const t = setInterval(task, Math.max(1, Math.min(intervalMs, 2_147_483_647)));
    t.unref();
    this.pending.add(t as unknown as NodeJS.Timeout);
    return {
      cancel: () => {
        clearInterval(t);
        this.pending.delete(t as unknown as NodeJS.Timeout);
      },
    };
  }

  cancelAll(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

export interface LogContext {
  logger: LogLogger;
  clock: Clock;
  scheduler: Scheduler;
}

export function defaultLogContext(partial: Partial<LogContext> = {}): LogContext {
  return {
    logger: partial.logger ?? consoleLogger,
    clock: partial.clock ?? systemClock,
    scheduler: partial.scheduler ?? new Scheduler(),
  };
}
