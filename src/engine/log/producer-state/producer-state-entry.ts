/**
 * What a partition remembers about one producer (Kafka's ProducerStateEntry): its epoch, the
 * sequence and offset ranges of its last five batches (a retry of any of them is answered with the
 * offsets it got the first time), the coordinator epoch of its last transaction marker, the first
 * offset of its open transaction on this partition, and the timestamp of its last write (expiry).
 */

/** How many recent batches per producer are kept for duplicate detection (Kafka's NUM_BATCHES_TO_RETAIN). */
export const NUM_BATCHES_TO_RETAIN = 5;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fffffff;

/** One appended batch of a producer. Immutable once made (entries share them when copied). */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32 max. */
export function incrementSequence(seq: number, by: number): number {
  if (seq > INT32_MAX - by) return by - (INT32_MAX - seq) - 1;
  return seq + by;
}

export function decrementSequence(seq: number, by: number): number {
  if (seq < by) return INT32_MAX - (by - seq) + 1;
  return seq - by;
}

export class ProducerStateEntry {
  constructor(
    readonly producerId: number,
    public producerEpoch: number = NO_PRODUCER_EPOCH,
    public batches: BatchMetadata[] = [],
    public coordinatorEpoch: number = -1,
    /** First offset of the open transaction on this partition, -1 when none. */
    public currentTxnFirstOffset: number = -1,
    public lastTimestamp: number = -1,
  ) {}

  static empty(producerId: number): ProducerStateEntry {
    return new ProducerStateEntry(producerId);
  }

  /** A copy that can be changed without touching this one (batches are immutable, the list is not). */
  copy(): ProducerStateEntry {
    return new ProducerStateEntry(this.producerId, this.producerEpoch, this.batches.slice(), this.coordinatorEpoch, this.currentTxnFirstOffset, this.lastTimestamp);
  }

  get isEmpty(): boolean {
    return this.batches.length === 0;
  }

  get firstSeq(): number {
    return this.batches.length ? this.batches[0]!.firstSeq : NO_SEQUENCE;
  }

  get lastSeq(): number {
    return this.batches.length ? this.batches[this.batches.length - 1]!.lastSeq : NO_SEQUENCE;
  }

  get firstDataOffset(): number {
    return this.batches.length ? this.batches[0]!.firstOffset : -1;
  }

  /** Last offset of the producer's last data batch, -1 when it has none (only markers). */
  get lastDataOffset(): number {
    return this.batches.length ? this.batches[this.batches.length - 1]!.lastOffset : -1;
  }

  get lastOffsetDelta(): number {
    const b = this.batches[this.batches.length - 1];
    return b ? b.lastOffset - b.firstOffset : 0;
  }

  /** A new epoch forgets the old epoch's batches (their sequences no longer apply). */
  maybeUpdateProducerEpoch(epoch: number): boolean {
    if (this.producerEpoch === epoch) return false;
    this.batches = [];
    this.producerEpoch = epoch;
    return true;
  }

  addBatch(epoch: number, firstSeq: number, lastSeq: number, firstOffset: number, lastOffset: number, timestamp: number): void {
    this.maybeUpdateProducerEpoch(epoch);
    this.batches.push({ firstSeq, lastSeq, firstOffset, lastOffset, timestamp });
    if (this.batches.length > NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.lastTimestamp = timestamp;
  }

  /** The retained batch with exactly this epoch and sequence range, if any (a producer's retry). */
  findDuplicateBatch(epoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (epoch !== this.producerEpoch) return undefined;
    for (const b of this.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    return undefined;
  }
}
