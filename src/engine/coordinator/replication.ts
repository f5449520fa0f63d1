/**
 * Holding a coordinator's answers until what it wrote is replicated (Kafka's CoordinatorRuntime
 * completes a write event only once the high watermark passes the event's records; the older
 * GroupMetadataManager and TransactionStateManager answer from the acks=-1 append callback).
 *
 * A coordinator appends its records synchronously and applies them to its in-memory state at once,
 * as before; only the response waits. The offset it waits for is the partition's log end offset at
 * the moment the answer is ready: that covers the answer's own records and every earlier write
 * (an answer computed from state that a pending write made must not get out before that write is
 * safe either), at no cost when nothing is pending — on one node, or once followers caught up, the
 * high watermark already equals the log end offset and the answer goes out synchronously.
 *
 * Applying state at append is safe: if the write is never replicated, this broker loses the
 * partition's leadership before the record can be committed, the coordinator unloads the partition
 * (NOT_COORDINATOR from then on), and the next leader rebuilds its state from its own log, which
 * after truncation holds no record that was not committed. The client, meanwhile, got an error
 * (or nothing) rather than a success for that write.
 */
import type { ReplicaManager } from '../broker/replica-manager.js';
import { ErrorCode } from '../protocol/errors.js';
import { coordinatorWriteError } from './write-errors.js';

/** A coordinator's answer: now, or once the records it depends on are replicated. */
export type Held<T> = T | Promise<T>;

/** The part of the replica manager the barrier uses; unit-test doubles may leave either out. */
type ReplicaView = Partial<Pick<ReplicaManager, 'get' | 'awaitReplication'>>;

export class ReplicationBarrier {
  constructor(
    private readonly replicas: () => ReplicaView | undefined,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The log end offset of `topic`-`partition` when it is ahead of the high watermark (something
   * written here is not replicated yet), else undefined.
   */
  pendingEnd(topic: string, partition: number): number | undefined {
    const rm = this.replicas();
    // Unit-test doubles without a replication path answer at once.
    if (typeof rm?.awaitReplication !== 'function' || typeof rm.get !== 'function') return undefined;
    const log = rm.get(topic, partition)?.log;
    if (!log || log.highWatermark >= log.logEndOffset) return undefined;
    return log.logEndOffset;
  }

  /**
   * Wait until everything written to the partition so far is replicated: NONE, or the raw error
   * (NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER). Undefined when
   * nothing is pending, so callers can answer synchronously.
   */
  wait(topic: string, partition: number, timeoutMs = this.timeoutMs): Promise<number> | undefined {
    const end = this.pendingEnd(topic, partition);
    if (end === undefined) return undefined;
    return Promise.resolve(this.replicas()!.awaitReplication!(topic, partition, end, timeoutMs)).catch(() => ErrorCode.REQUEST_TIMED_OUT);
  }

  /**
   * `result` once the partition's writes so far are replicated; if replication fails, what
   * `onError` makes of the coordinator error (coordinatorWriteError of the raw one).
   */
  hold<T>(topic: string, partition: number, result: T, onError: (errorCode: number) => T, timeoutMs = this.timeoutMs): Held<T> {
    const waiting = this.wait(topic, partition, timeoutMs);
    if (!waiting) return result;
    return waiting.then((code) => (code === ErrorCode.NONE ? result : onError(coordinatorWriteError(code))));
  }
}
