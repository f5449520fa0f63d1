/**
 * Keyed timers for the coordinator (heartbeat expiry, join and sync deadlines). Scheduling a key that
 * is already scheduled replaces it, as Kafka's CoordinatorTimer does, so "reset the session timer" is
 * one call. Tests swap in a manual clock to drive the state machine without sleeping.
 */
export interface CoordinatorTimer {
  now(): number;
  schedule(key: string, delayMs: number, task: () => void): void;
  cancel(key: string): void;
  isScheduled(key: string): boolean;
  /** Cancel everything (shutdown, or losing a partition). */
  cancelAll(prefix?: string): void;
}

/** setTimeout's limit; longer delays would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class SystemTimer implements CoordinatorTimer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onError: (key: string, err: unknown) => void) {}

  now(): number {
    return Date.now();
  }

  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    const handle = setTimeout(() => {
      if (this.timers.get(key) !== handle) return;
      this.timers.delete(key);
      try {
        task();
      } catch (err) {
        this.onError(key, err);
      }
    }, Math.min(Math.max(0, delayMs), MAX_TIMEOUT_MS));
    handle.unref();
    this.timers.set(key, handle);
  }

  cancel(key: string): void {
    const handle = this.timers.get(key);
    if (handle) {
      clearTimeout(handle);
      this.timers.delete(key);
    }
  }

  isScheduled(key: string): boolean {
    return this.timers.has(key);
  }

  cancelAll(prefix = ''): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(prefix)) this.cancel(key);
  }
}

/** A timer driven by hand: `advance(ms)` runs every task that falls due, in deadline order. */
export class ManualTimer implements CoordinatorTimer {
  private time: number;
  private readonly tasks = new Map<string, { at: number; seq: number; task: () => void }>();
  private seq = 0;

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(key: string, delayMs: number, task: () => void): void {
    this.tasks.set(key, { at: this.time + Math.max(0, delayMs), seq: this.seq++, task });
  }

  cancel(key: string): void {
    this.tasks.delete(key);
  }

  isScheduled(key: string): boolean {
    return this.tasks.has(key);
  }

  cancelAll(prefix = ''): void {
    for (const key of [...this.tasks.keys()]) if (key.startsWith(prefix)) this.tasks.delete(key);
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: [string, { at: number; seq: number; task: () => void }] | undefined;
      for (const entry of this.tasks) {
        if (entry[1].at > until) continue;
        if (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)) next = entry;
      }
      if (!next) break;
      this.tasks.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].task();
    }
    this.time = until;
  }
}
