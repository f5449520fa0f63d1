/**
 * The producer's per-partition queues of batches (Kafka's RecordAccumulator). Records append to
 * the last open batch of their partition; a batch becomes sendable when it reaches batch.size,
 * when another batch is queued behind it, when it has lingered linger.ms, or on flush.
 */
import type { RecordInput } from '../records/record-batch.js';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0: the broker does not say. */
  offset: number;
  timestamp: number;
}

export type SendCallback = (err: Error | null, metadata?: RecordMetadata) => void;

export class ProducerBatch {
  readonly records: RecordInput[] = [];
  readonly callbacks: (SendCallback | undefined)[] = [];
  bytes = 0;
  attempts = 0;
  /** Not before this time (retry backoff). */
  retryAtMs = 0;
  /** Closed to appends once taken for sending (a retried batch is resent as it was built). */
  sealed = false;
  encoded?: Buffer;
  /** Idempotence: set when the batch is first drained, kept by retries (-1: none). */
  producerId = -1;
  producerEpoch = -1;
  baseSequence = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
  ) {}

  add(record: RecordInput, size: number, callback: SendCallback | undefined): void {
    this.records.push(record);
    this.callbacks.push(callback);
    this.bytes += size;
  }
}

/** Kafka's per-record overhead inside a batch is 7-20 bytes of varints; estimate the high side. */
const RECORD_OVERHEAD = 16;

export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: { key: string; value: Buffer | null }[] | undefined): number {
  let size = RECORD_OVERHEAD + (key?.length ?? 0) + (value?.length ?? 0);
  if (headers) for (const h of headers) size += 4 + h.key.length + (h.value?.length ?? 0);
  return size;
}

export interface ReadyResult {
  ready: ProducerBatch[];
  /** When a lingering or backing-off batch will become ready; Infinity if none. */
  nextCheckMs: number;
}

export class RecordAccumulator {
  private readonly queues = new Map<string, ProducerBatch[]>();
  /** Bytes of records not yet completed (queued or in flight), for buffer.memory back-pressure. */
  bufferedBytes = 0;
  /** Batches queued or in flight. */
  incomplete = 0;

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
  ) {}

  /** Append a record; true when its partition now has a batch worth sending right away. */
  append(topic: string, partition: number, record: RecordInput, size: number, callback: SendCallback | undefined, now: number): boolean {
    const queue = this.queue(topic, partition);
    let last = queue[queue.length - 1];
    if (!last || last.sealed || (last.records.length > 0 && last.bytes + size > this.batchSize)) {
      last = new ProducerBatch(topic, partition, now);
      queue.push(last);
      this.incomplete++;
    }
    last.add(record, size, callback);
    this.bufferedBytes += size;
    return last.bytes >= this.batchSize || queue.length > 1;
  }

  /** The head batch of every partition that may be sent now (and that `mayDrain` lets go, when given). */
  ready(now: number, flushing: boolean, mayDrain?: (batch: ProducerBatch) => boolean): ReadyResult {
    const ready: ProducerBatch[] = [];
    let nextCheckMs = Infinity;
    for (const queue of this.queues.values()) {
      const head = queue[0];
      if (!head) continue;
      if (head.retryAtMs > now) {
        nextCheckMs = Math.min(nextCheckMs, head.retryAtMs);
        continue;
      }
      const sendable = flushing || head.sealed || queue.length > 1 || head.bytes >= this.batchSize || now - head.createdMs >= this.lingerMs;
      if (sendable) {
        if (!mayDrain || mayDrain(head)) ready.push(head);
      }
      else nextCheckMs = Math.min(nextCheckMs, head.createdMs + this.lingerMs);
    }
    return { ready, nextCheckMs };
  }

  /** Remove a head batch for sending. */
  take(batch: ProducerBatch): void {
    const queue = this.queues.get(key(batch.topic, batch.partition));
    if (queue?.[0] === batch) queue.shift();
    batch.sealed = true;
  }

  /**
   * Put a batch that failed retriably back at the front of its partition, keeping order: among
   * retried batches by sequence number (Java's insertInSequenceOrder), before any new batch.
   */
  requeue(batch: ProducerBatch): void {
    const queue = this.queue(batch.topic, batch.partition);
    let i = 0;
    if (batch.baseSequence >= 0) {
      while (i < queue.length && queue[i]!.baseSequence >= 0 && queue[i]!.baseSequence < batch.baseSequence) i++;
    }
    queue.splice(i, 0, batch);
  }

  /** Remove every batch never sent (no sequence yet), e.g. when a transaction aborts. */
  takeUnsent(): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const queue of this.queues.values()) {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.baseSequence < 0 && queue[i]!.attempts === 0) out.push(...queue.splice(i, 1));
      }
    }
    return out;
  }

  /** Queued batches of one partition, in order (for re-sequencing after an epoch bump). */
  queued(topic: string, partition: number): readonly ProducerBatch[] {
    return this.queues.get(key(topic, partition)) ?? [];
  }

  /** A batch is done (acknowledged or failed): free its memory. */
  release(batch: ProducerBatch): void {
    this.bufferedBytes -= batch.bytes;
    this.incomplete--;
  }

  /** Queued (not in-flight) batches older than `maxAgeMs`, removed from their queues. */
  expire(now: number, maxAgeMs: number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const queue of this.queues.values()) {
      while (queue.length > 0 && now - queue[0]!.createdMs >= maxAgeMs) out.push(queue.shift()!);
    }
    return out;
  }

  /** Topics with queued batches, for refreshing their leaders. */
  topics(): string[] {
    const out = new Set<string>();
    for (const queue of this.queues.values()) if (queue.length > 0) out.add(queue[0]!.topic);
    return [...out];
  }

  private queue(topic: string, partition: number): ProducerBatch[] {
    const k = key(topic, partition);
    let q = this.queues.get(k);
    if (!q) {
      q = [];
      this.queues.set(k, q);
    }
    return q;
  }
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
