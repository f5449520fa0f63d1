/**
 * acks=all produce requests (and coordinator writes) wait here until the partition's high watermark
 * passes their batch, as in Kafka's DelayedProduce: answered NONE when it does (or
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile),
 * REQUEST_TIMED_OUT at the request's timeout, NOT_LEADER_OR_FOLLOWER when this broker stops leading
 * the partition first (the batch may or may not survive: the producer retries, and idempotence
 * makes the retry safe).
 *
 * Appends to one partition come in offset order, so each partition's waiters form a queue sorted by
 * the offset they need; a high-watermark move completes a prefix of it.
 */
import { ErrorCode } from '../../protocol/errors.js';

interface DelayedWrite {
  requiredOffset: number;
  timer: NodeJS.Timeout;
  resolve: (errorCode: number) => void;
}

export class ProducePurgatory {
  private readonly queues = new Map<string, DelayedWrite[]>();

  /** Resolves with an ErrorCode once `complete(key, hw >= requiredOffset)`, a failure, or the timeout. */
  wait(key: string, requiredOffset: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      let queue = this.queues.get(key);
      if (!queue) this.queues.set(key, (queue = []));
      const write: DelayedWrite = {
        requiredOffset,
        resolve,
        timer: setTimeout(() => {
          const q = this.queues.get(key);
          const i = q?.indexOf(write) ?? -1;
          if (i >= 0) q!.splice(i, 1);
          if (q?.length === 0) this.queues.delete(key);
          resolve(ErrorCode.REQUEST_TIMED_OUT);
        }, Math.max(0, timeoutMs)),
      };
      // Usually the largest offset so far; a coordinator write can interleave with a client's.
      let i = queue.length;
      while (i > 0 && queue[i - 1]!.requiredOffset > requiredOffset) i--;
      queue.splice(i, 0, write);
    });
  }

  /** The high watermark moved to `highWatermark`: answer every write below it with `errorCode`. */
  complete(key: string, highWatermark: number, errorCode: number = ErrorCode.NONE): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    let n = 0;
    while (n < queue.length && queue[n]!.requiredOffset <= highWatermark) n++;
    if (n === 0) return;
    const done = queue.splice(0, n);
    if (queue.length === 0) this.queues.delete(key);
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve(errorCode);
    }
  }

  /** Answer every write waiting on the partition with `errorCode` (leadership lost, partition deleted). */
  failAll(key: string, errorCode: number): void {
    const queue = this.queues.get(key);
    if (!queue) return;
    this.queues.delete(key);
    for (const w of queue) {
      clearTimeout(w.timer);
      w.resolve(errorCode);
    }
  }

  /** Every waiter, on shutdown. */
  failEverything(errorCode: number): void {
    for (const key of [...this.queues.keys()]) this.failAll(key, errorCode);
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }
}
