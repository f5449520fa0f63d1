/**
 * Long-poll fetches wait here: a fetch that found fewer than `minBytes` parks until appends to the
 * partitions it reads bring enough new bytes, or its `maxWaitMs` runs out. Appends wake exactly the
 * fetches watching their partition; nothing polls.
 */
interface Waiter {
  keys: string[];
  remainingBytes: number;
  timer: NodeJS.Timeout;
  done: () => void;
}

export class FetchPurgatory {
  private readonly watchers = new Map<string, Set<Waiter>>();

  /** Resolves after `bytesNeeded` more bytes were appended to any of `keys`, or after `maxWaitMs`. */
  wait(keys: string[], bytesNeeded: number, maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        keys,
        remainingBytes: bytesNeeded,
        timer: setTimeout(() => finish(), maxWaitMs),
        done: () => finish(),
      };
      const finish = () => {
        clearTimeout(waiter.timer);
        for (const key of keys) {
          const set = this.watchers.get(key);
          set?.delete(waiter);
          if (set?.size === 0) this.watchers.delete(key);
        }
        resolve();
      };
      for (const key of keys) {
        let set = this.watchers.get(key);
        if (!set) this.watchers.set(key, (set = new Set()));
        set.add(waiter);
      }
    });
  }

  /** Called after every append (and on events that end a wait early, such as a deleted partition). */
  notify(key: string, bytes: number): void {
    const set = this.watchers.get(key);
    if (!set) return;
    for (const waiter of [...set]) {
      waiter.remainingBytes -= bytes;
      if (waiter.remainingBytes <= 0) waiter.done();
    }
  }

  get waiting(): number {
    let n = 0;
    for (const set of this.watchers.values()) n += set.size;
    return n;
  }

  /** Complete every waiter now (shutdown). */
  wakeAll(): void {
    for (const set of [...this.watchers.values()]) for (const w of [...set]) w.done();
  }
}
