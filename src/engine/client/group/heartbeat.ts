/**
 * The heartbeat clock of a stable member: one Heartbeat every heartbeat.interval.ms, the next one
 * scheduled only after the previous answered, so a slow coordinator never sees two at once.
 * Its timer does not keep the process alive; the consumer's polling does.
 */
export class HeartbeatLoop {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly intervalMs: number,
    private readonly beat: () => Promise<void>,
  ) {}

  start(): void {
    this.stop();
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      if (!this.running) return;
      void this.beat()
        .catch(() => undefined)
        .finally(() => {
          if (this.running) this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
