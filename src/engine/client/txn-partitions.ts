/**
 * The partitions of the producer's current transaction (Java's partitionsInTransaction and
 * newPartitionsInTransaction). A partition's batches may be sent only once it is part of the
 * transaction: with the older protocol that takes an AddPartitionsToTxn the coordinator accepted
 * (new partitions are batched into one request, sent in the background); with transaction version 2
 * the partition's first Produce adds it at the broker, so it counts as added at once.
 */
import { ErrorCode } from '../protocol/errors.js';
import { TimeoutError, isRetriableError } from './errors.js';
import { type TopicPartition, tpKey } from './list-offsets.js';
import { backoffMs } from './timing.js';

/** What adding partitions needs from the transaction manager. */
export interface PartitionAddHost {
  readonly retryBackoffMs: number;
  /** Adding goes on only while the transaction is open or committing. */
  addingAllowed(): boolean;
  /** AddPartitionsToTxn for `partitions`: each one's error code by tpKey. */
  send(partitions: TopicPartition[]): Promise<Map<string, number>>;
  /** A partition was added: the coordinator knows of the transaction. */
  started(): void;
  /** Batches may now go (or the attempt is over). */
  wake(): void;
  /** The request failed for good: the transaction must be aborted. */
  abortable(err: Error): void;
  /** The coordinator refused a partition with `code`. */
  refused(code: number, partition: string): void;
}

/** Errors after which the partitions are asked for again. */
const RETRY: ReadonlySet<number> = new Set([ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

export class TxnPartitions {
  private readonly added = new Set<string>();
  private readonly toAdd = new Map<string, TopicPartition>();
  private adding?: Promise<void>;

  constructor(private readonly host: PartitionAddHost) {}

  has(topic: string, partition: number): boolean {
    return this.added.has(tpKey(topic, partition));
  }

  /** Transaction version 2: the partition's first Produce adds it to the transaction. */
  addLocally(topic: string, partition: number): void {
    this.added.add(tpKey(topic, partition));
  }

  /** The older protocol: add the partition with AddPartitionsToTxn before its first batch goes. */
  addAtCoordinator(topic: string, partition: number): void {
    const k = tpKey(topic, partition);
    if (this.added.has(k) || this.toAdd.has(k)) return;
    this.toAdd.set(k, { topic, partition });
    this.startAdding();
  }

  /** Resolves once no AddPartitionsToTxn is in progress. */
  async settled(): Promise<void> {
    await this.adding;
  }

  clear(): void {
    this.added.clear();
    this.toAdd.clear();
  }

  private startAdding(): void {
    if (this.adding) return;
    this.adding = new Promise<void>((r) => setImmediate(r))
      .then(() => this.addPartitions())
      .finally(() => {
        this.adding = undefined;
        this.host.wake();
        if (this.toAdd.size > 0 && this.host.addingAllowed()) this.startAdding();
      });
  }

  private async addPartitions(): Promise<void> {
    for (let attempt = 0; this.toAdd.size > 0 && this.host.addingAllowed(); attempt++) {
      let results: Map<string, number>;
      try {
        results = await this.host.send([...this.toAdd.values()]);
      } catch (err) {
        if (!isRetriableError(err) || err instanceof TimeoutError) return this.host.abortable(err as Error);
        await new Promise((r) => setTimeout(r, backoffMs(attempt, this.host.retryBackoffMs)));
        continue;
      }
      let retry = false;
      for (const [k, code] of results) {
        if (code === ErrorCode.NONE) {
          this.toAdd.delete(k);
          this.added.add(k);
          this.host.started();
        } else if (RETRY.has(code)) {
          retry = true;
        } else {
          return this.host.refused(code, k.replace('\u0000', '-'));
        }
      }
      this.host.wake();
      if (retry) await new Promise((r) => setTimeout(r, backoffMs(attempt, this.host.retryBackoffMs)));
    }
  }
}
