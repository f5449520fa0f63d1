/**
 * The producer's sending side (Java's Sender): drains ready batches to their leaders, a bounded
 * number of Produce requests in flight per broker, and settles each batch from its partition's
 * answer: acknowledged, retried (back at the front of its partition, keeping its sequence number),
 * or failed. With idempotence, the TransactionManager decides which batches may go (producer id
 * known, partition in the transaction, retries first) and what a sequence error means.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { buildBatch } from '../records/record-batch.js';
import type { ProducerBatch, RecordAccumulator, RecordMetadata, SendCallback } from './accumulator.js';
import type { Cluster } from './cluster.js';
import { TimeoutError, isRetriableError, kafkaError } from './errors.js';
import type { ProducerConfig } from './producer-config.js';
import { backoffMs } from './timing.js';
import type { TransactionManager } from './transaction-manager.js';
import { MIN_PRODUCE_VERSION } from './txn-version.js';

export interface SenderHooks {
  /** Something completed or moved: wake waiters, maybe drain again. */
  onProgress(): void;
  report(callback: SendCallback | undefined, err: Error): void;
}

export class Sender {
  /** flush() or close() in progress: lingering batches go now. */
  flushing = 0;
  closing = false;
  private readonly inFlight = new Map<number, number>();
  private inFlightTotal = 0;
  private drainQueued = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private refreshing?: Promise<void>;

  constructor(
    private readonly config: ProducerConfig,
    private readonly cluster: Cluster,
    private readonly accumulator: RecordAccumulator,
    private readonly tm: TransactionManager | null,
    private readonly hooks: SenderHooks,
  ) {}

  get inFlightRequests(): number {
    return this.inFlightTotal;
  }

  scheduleDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    setImmediate(() => {
      this.drainQueued = false;
      this.drain();
    });
  }

  wakeAtMost(at: number): void {
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.drain();
    }, Math.max(0, at - Date.now()));
  }

  stop(): void {
    clearTimeout(this.wakeTimer);
  }

  /** Fail every queued batch that was never sent (a transaction aborting, a fatal error). */
  failUnsent(err: Error): void {
    for (const batch of this.accumulator.takeUnsent()) this.fail(batch, err);
    this.hooks.onProgress();
  }

  private drain(): void {
    const now = Date.now();
    for (const batch of this.accumulator.expire(now, this.config.deliveryTimeoutMs)) {
      this.fail(batch, new TimeoutError(`Expiring ${batch.records.length} record(s) for ${batch.topic}-${batch.partition}: ${now - batch.createdMs} ms has passed since batch creation`));
    }
    this.tm?.maybeWork(this.inFlightTotal);
    const mayDrain = this.tm ? (b: ProducerBatch) => this.tm!.mayDrain(b) : undefined;
    let needLeaders = false;
    for (;;) {
      const { ready, nextCheckMs } = this.accumulator.ready(Date.now(), this.flushing > 0 || this.closing, mayDrain);
      if (nextCheckMs !== Infinity) this.wakeAtMost(nextCheckMs);
      const byNode = new Map<number, ProducerBatch[]>();
      for (const batch of ready) {
        const leader = this.cluster.leaderFor(batch.topic, batch.partition);
        if (leader < 0) {
          needLeaders = true;
          continue;
        }
        const list = byNode.get(leader) ?? [];
        list.push(batch);
        byNode.set(leader, list);
      }
      let sent = false;
      for (const [node, batches] of byNode) {
        if ((this.inFlight.get(node) ?? 0) >= this.config.maxInFlightRequestsPerConnection) continue;
        const request: ProducerBatch[] = [];
        let bytes = 0;
        for (const b of batches) {
          if (b.baseSequence < 0) this.tm?.onDrain(b);
          b.encoded ??= this.encode(b);
          if (request.length > 0 && bytes + b.encoded.length > this.config.maxRequestSize) break;
          bytes += b.encoded.length;
          request.push(b);
        }
        for (const b of request) this.accumulator.take(b);
        void this.sendRequest(node, request);
        sent = true;
      }
      if (!sent) break;
    }
    if (needLeaders) this.refreshLeaders();
  }

  private encode(b: ProducerBatch): Buffer {
    return buildBatch({
      records: b.records,
      compression: this.config.compression,
      compressionLevel: this.config.compressionLevel,
      producerId: b.producerId,
      producerEpoch: b.producerEpoch,
      baseSequence: b.baseSequence,
      transactional: this.tm?.transactional ?? false,
    });
  }

  private async sendRequest(node: number, batches: ProducerBatch[]): Promise<void> {
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    this.inFlightTotal++;
    const acks = this.config.acks;
    const topicData = new Map<string, Message[]>();
    for (const b of batches) {
      const list = topicData.get(b.topic) ?? [];
      list.push({ index: b.partition, records: b.encoded });
      topicData.set(b.topic, list);
    }
    const body = {
      transactionalId: this.tm?.transactional ? this.config.transactionalId : null,
      acks,
      timeoutMs: this.config.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({ name, partitionData })),
    };
    try {
      // A transactional producer's Produce follows its transaction's protocol (v12+ adds the partition).
      const versions = this.tm?.produceVersions() ?? { minVersion: MIN_PRODUCE_VERSION };
      const { response } = await this.cluster.request(node, 0, body, { ...versions, expectResponse: acks !== 0 });
      if (acks === 0) for (const b of batches) this.complete(b, -1, -1);
      else this.handleResponse(batches, response);
    } catch (err) {
      for (const b of batches) this.retryOrFail(b, err as Error, -1);
    } finally {
      this.inFlight.set(node, (this.inFlight.get(node) ?? 1) - 1);
      this.inFlightTotal--;
      this.hooks.onProgress();
    }
  }

  private handleResponse(batches: ProducerBatch[], response: Message): void {
    const byKey = new Map(batches.map((b) => [`${b.topic}\u0000${b.partition}`, b]));
    for (const t of response.responses as Message[]) {
      for (const p of t.partitionResponses as Message[]) {
        const batch = byKey.get(`${t.name}\u0000${p.index}`);
        if (!batch) continue;
        byKey.delete(`${t.name}\u0000${p.index}`);
        if (p.errorCode === ErrorCode.NONE) this.complete(batch, p.baseOffset, p.logAppendTimeMs ?? -1);
        // The broker wrote this batch before but no longer remembers where: success without an offset (as Java).
        else if (this.tm?.writtenBefore(batch, p.errorCode)) this.complete(batch, -1, -1);
        else this.retryOrFail(batch, kafkaError(p.errorCode, p.errorMessage, `Error producing to ${batch.topic}-${batch.partition}`), p.logStartOffset ?? -1);
      }
    }
    for (const batch of byKey.values()) this.retryOrFail(batch, kafkaError(-1, `no response for ${batch.topic}-${batch.partition}`), -1);
  }

  private retryOrFail(batch: ProducerBatch, err: Error, logStartOffset: number): void {
    const now = Date.now();
    const retriable = this.tm ? this.tm.canRetry(batch, err, logStartOffset) : isRetriableError(err);
    const canRetry = retriable && batch.attempts < this.config.retries && now - batch.createdMs < this.config.deliveryTimeoutMs;
    if (!canRetry || (this.closing && this.flushing === 0)) return this.fail(batch, err);
    batch.attempts++;
    batch.retryAtMs = now + backoffMs(batch.attempts - 1, this.config.retryBackoffMs);
    this.accumulator.requeue(batch);
    this.refreshLeaders();
  }

  private complete(batch: ProducerBatch, baseOffset: number, logAppendTime: number): void {
    this.tm?.onAcked(batch);
    this.accumulator.release(batch);
    for (let i = 0; i < batch.callbacks.length; i++) {
      const cb = batch.callbacks[i];
      if (!cb) continue;
      const timestamp = logAppendTime >= 0 ? logAppendTime : (batch.records[i]!.timestamp as number);
      invoke(cb, null, { topic: batch.topic, partition: batch.partition, offset: baseOffset < 0 ? -1 : baseOffset + i, timestamp });
    }
  }

  private fail(batch: ProducerBatch, err: Error): void {
    this.tm?.onFailed(batch, err);
    this.accumulator.release(batch);
    for (const cb of batch.callbacks) this.hooks.report(cb, err);
  }

  /** Refresh leaders of every queued topic once at a time, then try sending again. */
  private refreshLeaders(): void {
    if (this.refreshing) return;
    const topics = this.accumulator.topics();
    if (topics.length === 0) return;
    this.refreshing = this.cluster
      .refreshMetadata(topics, false)
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => new Promise<void>((r) => setTimeout(r, this.config.retryBackoffMs)))
      .finally(() => {
        this.refreshing = undefined;
        this.scheduleDrain();
      });
  }
}

/**
 * Run a user callback without letting it break the producer's bookkeeping: a throw is rethrown
 * on its own tick, where it surfaces as an uncaught exception instead of a silently stuck flush().
 */
export function invoke(callback: SendCallback, err: Error | null, metadata?: RecordMetadata): void {
  try {
    callback(err, metadata);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}
