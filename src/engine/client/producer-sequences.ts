/**
 * The idempotent producer's sequence numbers, one entry per partition (Java's TxnPartitionMap).
 *
 * The broker accepts a batch only when its base sequence follows the last one it wrote for the
 * producer id and epoch, and remembers the last five batches to answer retries without writing
 * them twice. So each partition tracks the identity its sequences belong to, the next sequence to
 * hand out, the last acknowledged one, and its pending batches (sequenced, not yet completed) in
 * sequence order: a retried batch keeps its sequence and may only go out again as the first pending
 * batch, and a new batch waits while batches of an older producer id or epoch are still pending.
 */
import type { ProducerBatch } from './accumulator.js';

export interface ProducerIdAndEpoch {
  producerId: number;
  epoch: number;
}

export const NO_PRODUCER: ProducerIdAndEpoch = { producerId: -1, epoch: -1 };

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Integer.MAX_VALUE to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  const MAX = 2147483647;
  if (sequence > MAX - increment) return increment - (MAX - sequence) - 1;
  return sequence + increment;
}

export const lastSequenceOf = (batch: ProducerBatch): number => incrementSequence(batch.baseSequence, batch.records.length - 1);

class PartitionEntry {
  nextSequence = 0;
  lastAcked = -1;
  readonly pending: ProducerBatch[] = [];

  constructor(public identity: ProducerIdAndEpoch) {}
}

export class PartitionSequences {
  private readonly entries = new Map<string, PartitionEntry>();

  /**
   * Whether a new batch may take the next sequence of its partition under `current` now. A
   * partition whose sequences belong to an older identity starts again at 0, but only once its
   * pending batches are done: otherwise sequence 0 of the new epoch could land before them.
   */
  readyForNew(topic: string, partition: number, current: ProducerIdAndEpoch, maxPending: number): boolean {
    const e = this.entry(topic, partition, current);
    if (!sameIdentity(e.identity, current)) {
      if (e.pending.length > 0) return false;
      this.entries.set(key(topic, partition), new PartitionEntry(current));
      return true;
    }
    return e.pending.length < maxPending;
  }

  /** Give a new batch its producer id, epoch and base sequence. */
  assign(batch: ProducerBatch, current: ProducerIdAndEpoch): void {
    const e = this.entry(batch.topic, batch.partition, current);
    batch.producerId = current.producerId;
    batch.producerEpoch = current.epoch;
    batch.baseSequence = e.nextSequence;
    e.nextSequence = incrementSequence(e.nextSequence, batch.records.length);
    e.pending.push(batch);
  }

  /** The base sequence of the partition's first pending batch, or -1. */
  firstPending(topic: string, partition: number): number {
    return this.entries.get(key(topic, partition))?.pending[0]?.baseSequence ?? -1;
  }

  /** True when `batch` is the one the broker expects next (its predecessors are all acknowledged). */
  isNext(batch: ProducerBatch): boolean {
    const e = this.entries.get(key(batch.topic, batch.partition));
    if (!e) return false;
    return batch.baseSequence === incrementSequence(e.lastAcked, 1);
  }

  acked(batch: ProducerBatch): void {
    const e = this.remove(batch);
    if (e && sameIdentity(e.identity, { producerId: batch.producerId, epoch: batch.producerEpoch })) e.lastAcked = Math.max(e.lastAcked, lastSequenceOf(batch));
  }

  /**
   * The broker acknowledged a later sequence of the same producer id and epoch, so it wrote this
   * batch too (sequences are contiguous): a resend it no longer remembers (OUT_OF_ORDER_SEQUENCE_NUMBER
   * once five later batches have been written) is a duplicate, not a gap.
   */
  writtenBefore(batch: ProducerBatch): boolean {
    const e = this.entries.get(key(batch.topic, batch.partition));
    return e !== undefined && sameIdentity(e.identity, { producerId: batch.producerId, epoch: batch.producerEpoch }) && lastSequenceOf(batch) <= e.lastAcked;
  }

  /** A sequenced batch failed for good: it no longer holds back its partition. */
  failed(batch: ProducerBatch): void {
    this.remove(batch);
  }

  /**
   * After an epoch bump: the partition's pending batches take sequences from 0 under the new
   * identity, in their order (Java's startSequencesAtBeginning). They must be re-encoded.
   */
  restartAtBeginning(topic: string, partition: number, current: ProducerIdAndEpoch): ProducerBatch[] {
    const old = this.entries.get(key(topic, partition));
    const fresh = new PartitionEntry(current);
    this.entries.set(key(topic, partition), fresh);
    for (const batch of old?.pending ?? []) {
      batch.encoded = undefined;
      this.assign(batch, current);
    }
    return fresh.pending;
  }

  /** Pending batches of every partition (sequenced and not yet completed). */
  pendingCount(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.pending.length;
    return n;
  }

  clear(): void {
    this.entries.clear();
  }

  private remove(batch: ProducerBatch): PartitionEntry | undefined {
    const e = this.entries.get(key(batch.topic, batch.partition));
    if (!e) return undefined;
    const i = e.pending.indexOf(batch);
    if (i >= 0) e.pending.splice(i, 1);
    return e;
  }

  private entry(topic: string, partition: number, current: ProducerIdAndEpoch): PartitionEntry {
    const k = key(topic, partition);
    let e = this.entries.get(k);
    if (!e) {
      e = new PartitionEntry(current);
      this.entries.set(k, e);
    }
    return e;
  }
}

export const sameIdentity = (a: ProducerIdAndEpoch, b: ProducerIdAndEpoch): boolean => a.producerId === b.producerId && a.epoch === b.epoch;

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
