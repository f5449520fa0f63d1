/**
 * What compaction does with transactions (Kafka's CleanedTransactionMetadata), walking batches in
 * offset order over a range whose aborted transactions are known from the transaction indexes:
 *
 *  - a transactional data batch of an aborted transaction is discarded whole (its records were
 *    never visible to read_committed consumers; keeping their keys would shadow committed values);
 *  - an ABORT marker is kept while data of its transaction was seen in this pass (its index entry
 *    goes into the cleaned segment's index), and may go once none was: the transaction is gone;
 *  - a COMMIT marker may go once no batch of its transaction was seen in this pass.
 * "May go" means: the marker is kept until delete.retention.ms past the clean that first found it
 * removable (its delete horizon), so consumers that read the data before see the marker too.
 */
import type { AbortedTxnEntry, TransactionIndex } from '../transaction-index.js';

interface OngoingAborted {
  entry: AbortedTxnEntry;
  /** Last offset of a batch of this transaction seen in this pass, -1 when none. */
  lastObservedBatchOffset: number;
}

export class CleanedTransactions {
  private readonly aborted: AbortedTxnEntry[];
  private next = 0;
  private readonly ongoingAborted = new Map<number, OngoingAborted>();
  private readonly ongoingCommitted = new Set<number>();

  /** `aborted`: the aborted transactions overlapping the range; `cleanedIndex` receives those still needed. */
  constructor(aborted: readonly AbortedTxnEntry[], private readonly cleanedIndex?: TransactionIndex) {
    this.aborted = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  }

  private consumeAbortedUpTo(offset: number): void {
    while (this.next < this.aborted.length && this.aborted[this.next]!.firstOffset <= offset) {
      const e = this.aborted[this.next++]!;
      if (!this.ongoingAborted.has(e.producerId)) this.ongoingAborted.set(e.producerId, { entry: e, lastObservedBatchOffset: -1 });
    }
  }

  /** A data batch: true when it belongs to an aborted transaction (discard it). */
  onBatchRead(producerId: number, transactional: boolean, lastOffset: number): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (!transactional) return false;
    const a = this.ongoingAborted.get(producerId);
    if (a) {
      a.lastObservedBatchOffset = lastOffset;
      return true;
    }
    this.ongoingCommitted.add(producerId);
    return false;
  }

  /**
   * A control batch (`type` of its record, undefined when it has none): true when the marker's
   * transaction has no data left, so the marker may be removed once its delete horizon passes.
   */
  onControlBatchRead(producerId: number, lastOffset: number, type: number | undefined): boolean {
    this.consumeAbortedUpTo(lastOffset);
    if (type === undefined) return true;
    if (type === 0) {
      const a = this.ongoingAborted.get(producerId);
      this.ongoingAborted.delete(producerId);
      if (a && a.lastObservedBatchOffset >= 0) {
        this.cleanedIndex?.append(a.entry);
        return false;
      }
      return true;
    }
    if (type === 1) return !this.ongoingCommitted.delete(producerId);
    return false;
  }
}
