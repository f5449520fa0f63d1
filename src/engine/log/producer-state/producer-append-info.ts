/**
 * Validating one producer's batches in an append before they are written (Kafka's
 * ProducerAppendInfo). Works on a copy of the producer's entry, so a refused append changes
 * nothing; the partition's ProducerStateManager takes the copy once the append is in the log.
 *
 * The rules, as Kafka 3.x/4.x applies them:
 *  - epoch: a batch (or marker) with an epoch older than the producer's is INVALID_PRODUCER_EPOCH
 *    (a marker of transaction version 2 must even be newer, KIP-890 part 2, except the retry of the
 *    marker that already ended the transaction);
 *  - sequence (client appends only): a new epoch must start at sequence 0, unless the producer is
 *    unknown here (no epoch yet: its records were removed by retention or it never wrote here),
 *    when any sequence is accepted; within an epoch each batch continues the last one
 *    (lastSeq + 1, wrapping from Int32 max to 0), else OUT_OF_ORDER_SEQUENCE_NUMBER;
 *  - a non-transactional batch while the producer's transaction is open is INVALID_TXN_STATE;
 *  - a marker from an older transaction coordinator epoch is TRANSACTION_COORDINATOR_FENCED.
 * Coordinator appends (their own records) and replication are not sequence-checked.
 */
import { ProducerStateError } from '../errors.js';
import { NO_PRODUCER_EPOCH, ProducerStateEntry } from './producer-state-entry.js';

export type AppendOrigin = 'client' | 'coordinator' | 'replication';

/** A transaction that ended with a marker at `lastOffset`. */
export interface CompletedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  isAborted: boolean;
}

const INT32_MAX = 0x7fffffff;
const inSequence = (lastSeq: number, nextSeq: number): boolean => nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);

export class ProducerAppendInfo {
  readonly updated: ProducerStateEntry;
  /** First offsets of transactions this append opened (at most one per producer). */
  readonly startedTxnFirstOffset: number[] = [];

  constructor(
    readonly producerId: number,
    private readonly current: ProducerStateEntry,
    private readonly origin: AppendOrigin,
    private readonly partition: string,
  ) {
    this.updated = current.copy();
  }

  private checkProducerEpoch(epoch: number, offset: number, transactionVersion: number): void {
    const cur = this.updated.producerEpoch;
    const invalid = transactionVersion >= 2 ? epoch <= cur : epoch < cur;
    if (!invalid) return;
    // KIP-890 part 2: the retry of a marker that already ended the transaction is written again.
    if (transactionVersion >= 2 && epoch === cur && this.updated.currentTxnFirstOffset < 0) return;
    if (this.origin === 'replication') return;
    throw new ProducerStateError(
      'INVALID_PRODUCER_EPOCH',
      `Epoch of producer ${this.producerId} at offset ${offset} in ${this.partition} is ${epoch}, which is ${transactionVersion >= 2 ? '<=' : '<'} the last seen epoch ${cur}`,
    );
  }

  private checkSequence(epoch: number, firstSeq: number, offset: number): void {
    if (epoch !== this.updated.producerEpoch) {
      if (firstSeq !== 0 && this.updated.producerEpoch !== NO_PRODUCER_EPOCH) {
        throw new ProducerStateError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `Invalid sequence number for new epoch of producer ${this.producerId} at offset ${offset} in ${this.partition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${this.updated.producerEpoch} (current producer epoch)`,
        );
      }
      return;
    }
    let lastSeq: number;
    if (!this.updated.isEmpty) lastSeq = this.updated.lastSeq;
    else if (epoch === this.current.producerEpoch) lastSeq = this.current.lastSeq;
    else lastSeq = -1;
    // With no epoch known (all of the producer's records gone) any sequence is accepted.
    if (!(this.current.producerEpoch === NO_PRODUCER_EPOCH || inSequence(lastSeq, firstSeq))) {
      throw new ProducerStateError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `Out of order sequence number for producer ${this.producerId} at offset ${offset} in ${this.partition}: ${firstSeq} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      );
    }
  }

  appendDataBatch(epoch: number, firstSeq: number, lastSeq: number, timestamp: number, firstOffset: number, lastOffset: number, isTransactional: boolean): void {
    this.checkProducerEpoch(epoch, firstOffset, 0);
    if (this.origin === 'client') this.checkSequence(epoch, firstSeq, firstOffset);
    this.updated.addBatch(epoch, firstSeq, lastSeq, firstOffset, lastOffset, timestamp);
    const open = this.updated.currentTxnFirstOffset >= 0;
    if (open && !isTransactional) {
      if (this.origin === 'replication') return;
      throw new ProducerStateError('INVALID_TXN_STATE', `Expected a transactional write from producer ${this.producerId} at offset ${firstOffset} in ${this.partition}`);
    }
    if (!open && isTransactional) {
      this.updated.currentTxnFirstOffset = firstOffset;
      this.startedTxnFirstOffset.push(firstOffset);
    }
  }

  /** A COMMIT/ABORT marker at `offset`; returns the transaction it completes (none when it had no data here). */
  appendEndTxnMarker(commit: boolean, coordinatorEpoch: number, epoch: number, offset: number, timestamp: number, transactionVersion = 0): CompletedTxn | undefined {
    this.checkProducerEpoch(epoch, offset, this.origin === 'replication' ? 0 : transactionVersion);
    if (this.updated.coordinatorEpoch > coordinatorEpoch && this.origin !== 'replication') {
      throw new ProducerStateError(
        'TRANSACTION_COORDINATOR_FENCED',
        `Invalid coordinator epoch for producer ${this.producerId} at offset ${offset} in ${this.partition}: ${coordinatorEpoch} (zombie), ${this.updated.coordinatorEpoch} (current)`,
      );
    }
    const first = this.updated.currentTxnFirstOffset;
    const completed = first >= 0 ? { producerId: this.producerId, firstOffset: first, lastOffset: offset, isAborted: !commit } : undefined;
    this.updated.maybeUpdateProducerEpoch(epoch);
    this.updated.currentTxnFirstOffset = -1;
    this.updated.coordinatorEpoch = coordinatorEpoch;
    this.updated.lastTimestamp = timestamp;
    return completed;
  }
}
