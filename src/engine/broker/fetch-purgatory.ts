/**
 * Long-poll fetches wait here: a fetch that found fewer than `minBytes` parks until writes to the
 * partitions it reads bring enough new visible bytes, or its `maxWaitMs` runs out. Writes wake
 * exactly the fetches watching their partition; nothing polls.
 *
 * "Visible" depends on the isolation level, as in Kafka's DelayedFetch: a read_uncommitted fetch
 * counts every byte below the high watermark, a read_committed one only bytes below the last stable
 * offset. Bytes of an open transaction therefore wake read_uncommitted fetches when appended, and
 * read_committed fetches only once the transaction's marker moves the last stable offset past them
 * (StableBytes below does that accounting per partition). A follower's fetch counts every appended
 * byte: followers replicate what is not yet committed, which is what makes it committed.
 */
export type WaitMode = 'read_uncommitted' | 'read_committed' | 'replica';

interface Waiter {
  keys: string[];
  remainingBytes: number;
  mode: WaitMode;
  timer: NodeJS.Timeout;
  done: () => void;
}

export class FetchPurgatory {
  private readonly watchers = new Map<string, Set<Waiter>>();

  /**
   * Resolves after `bytesNeeded` more bytes visible to `mode` came to any of `keys`, or after
   * `maxWaitMs`.
   */
  wait(keys: string[], bytesNeeded: number, maxWaitMs: number, mode: WaitMode = 'read_uncommitted'): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        keys,
        remainingBytes: bytesNeeded,
        mode,
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

  /**
   * Called after a write to a partition or a move of its high watermark: `bytes` became readable
   * below the high watermark, `stableBytes` below the last stable offset (the same for a partition
   * with no open transaction; a marker makes `bytes` 0 and `stableBytes` what its transaction
   * held), `appendedBytes` were appended to the log. Infinity ends every wait on the partition (a
   * deleted partition, or leadership lost).
   */
  notify(key: string, bytes: number, stableBytes = bytes, appendedBytes = bytes): void {
    const set = this.watchers.get(key);
    if (!set) return;
    for (const waiter of [...set]) {
      waiter.remainingBytes -= waiter.mode === 'read_committed' ? stableBytes : waiter.mode === 'replica' ? appendedBytes : bytes;
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

/**
 * How many bytes of one partition became stable (below the last stable offset) since the last
 * call. Writes above the last stable offset are remembered as (end offset, running byte total)
 * until the offset passes them; with no open transaction the queue stays empty and the cost is two
 * comparisons per write.
 */
export class StableBytes {
  private appended = 0;
  private stable = 0;
  /** Writes not yet stable, oldest first: offset after the write and `appended` after it. */
  private pending: { end: number; total: number }[] = [];

  /**
   * Record a write of `bytes` ending at `endOffset` (exclusive) and return the bytes that became
   * stable now that the last stable offset is `lastStableOffset`.
   */
  written(bytes: number, endOffset: number, lastStableOffset: number): number {
    this.appended += bytes;
    if (lastStableOffset >= endOffset) {
      // Everything written so far is stable: the common case, and the end of every transaction.
      this.pending.length = 0;
      return this.advanceTo(this.appended);
    }
    if (bytes > 0) {
      this.pending.push({ end: endOffset, total: this.appended });
      // A transaction left open for very long: merge neighbouring entries, halving the queue (so the
      // cost stays constant per write). That only delays wake-ups (bytes count once the later offset
      // of a merged pair is stable), never counts bytes that are not stable.
      if (this.pending.length > MAX_PENDING) this.pending = this.pending.filter((_, i, all) => i % 2 === 1 || i === all.length - 1);
    }
    let total = this.stable;
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.end <= lastStableOffset) total = this.pending[drop++]!.total;
    if (drop > 0) this.pending.splice(0, drop);
    return this.advanceTo(total);
  }

  private advanceTo(total: number): number {
    const gained = total - this.stable;
    this.stable = total;
    return gained;
  }
}

const MAX_PENDING = 10_000;
