/**
 * kt's producer: Java's partitioning, per-partition batching (linger.ms, batch.size), compression,
 * acks 0/1/all, a bounded number of in-flight requests per broker, retries on retriable errors
 * with a metadata refresh, flush() and close().
 *
 * send() never blocks: records for a topic whose metadata is not known yet wait in a small queue
 * while it is fetched. Callers that produce fast check `bufferFull` and await `waitForSpace()`,
 * the buffer.memory back-pressure Java applies by blocking in send().
 */
import type { Message } from '../protocol/codec.js';
import { buildBatch, type RecordInput } from '../records/record-batch.js';
import { ProducerBatch, RecordAccumulator, type RecordMetadata, type SendCallback, estimateRecordSize } from './accumulator.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { ConfigError, TimeoutError, isRetriableError, kafkaError } from './errors.js';
import { StickyPartitioner, partitionForKey } from './partitioner.js';
import { PRODUCER_DEFAULTS, type ProducerConfig } from './producer-config.js';
import type { TopicMetadata } from './metadata.js';
import { awaitTopics } from './topic-wait.js';
import { backoffMs } from './timing.js';

export type { RecordMetadata, SendCallback };

export interface ProducerRecord {
  topic: string;
  /** Explicit partition; otherwise chosen from the key (or sticky when there is none). */
  partition?: number;
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: { key: string; value: Buffer | string | null }[];
  /** CreateTime; defaults to the time of send(). */
  timestamp?: number;
}

export interface ProducerOptions extends Partial<ProducerConfig> {
  /** Share a cluster view (the producer then does not close it). */
  cluster?: Cluster;
  clusterOptions?: ClusterOptions;
}

interface Waiting {
  partition: number | undefined;
  input: RecordInput;
  callback?: SendCallback;
  size: number;
}

const available = new WeakMap<TopicMetadata, number[]>();

/** Partitions with a leader, computed once per metadata snapshot of the topic. */
function availablePartitions(meta: TopicMetadata): number[] {
  let list = available.get(meta);
  if (!list) {
    list = meta.partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
    available.set(meta, list);
  }
  return list;
}

/** Produce v3 is the first to carry magic-2 record batches. */
const MIN_PRODUCE_VERSION = 3;

const toBuffer = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v;

export class Producer {
  readonly config: ProducerConfig;
  readonly cluster: Cluster;
  /** The first error of a record sent without a callback; such records have nowhere else to report. */
  firstError: Error | null = null;
  private readonly ownsCluster: boolean;
  private readonly accumulator: RecordAccumulator;
  private readonly sticky: StickyPartitioner;
  private readonly waiting = new Map<string, Waiting[]>();
  private waitingBytes = 0;
  private readonly inFlight = new Map<number, number>();
  private flushing = 0;
  private closed = false;
  private drainQueued = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private refreshing?: Promise<void>;
  private idleWaiters: (() => void)[] = [];
  private spaceWaiters: (() => void)[] = [];

  constructor(options: ProducerOptions = {}) {
    const { cluster, clusterOptions, ...config } = options;
    this.config = { ...PRODUCER_DEFAULTS, ...stripUndefined(config) };
    this.ownsCluster = !cluster;
    this.cluster =
      cluster ??
      new Cluster({ bootstrap: this.config.bootstrapServers, clientId: this.config.clientId, requestTimeoutMs: this.config.requestTimeoutMs, ...clusterOptions });
    this.accumulator = new RecordAccumulator(this.config.batchSize, this.config.lingerMs);
    this.sticky = new StickyPartitioner(this.config.batchSize);
  }

  /** Reach the cluster now, so an unreachable broker is reported before any record is sent. */
  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /** Queue a record; the callback (if any) runs once it is acknowledged or has failed for good. */
  send(record: ProducerRecord, callback?: SendCallback): void {
    if (this.closed) throw new Error('Cannot send after the producer is closed.');
    const now = Date.now();
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers = record.headers?.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
    const input: RecordInput = { key, value, headers, timestamp: record.timestamp ?? now };
    const size = estimateRecordSize(key, value, headers);
    if (size > this.config.maxRequestSize) {
      return this.report(callback, kafkaError(10, `The message is ${size} bytes when serialized which is larger than ${this.config.maxRequestSize}, which is the value of the max.request.size configuration.`));
    }
    const meta = this.cluster.topic(record.topic);
    if (meta) return this.append(meta, record.partition, input, size, callback, now);
    let queue = this.waiting.get(record.topic);
    if (!queue) {
      queue = [];
      this.waiting.set(record.topic, queue);
      void this.loadTopic(record.topic);
    }
    queue.push({ partition: record.partition, input, callback, size });
    this.waitingBytes += size;
  }

  /** send() as a promise of the record's metadata. */
  produce(record: ProducerRecord): Promise<RecordMetadata> {
    return new Promise((resolve, reject) => this.send(record, (err, md) => (err ? reject(err) : resolve(md!))));
  }

  get bufferedBytes(): number {
    return this.accumulator.bufferedBytes + this.waitingBytes;
  }

  get bufferFull(): boolean {
    return this.bufferedBytes >= this.config.bufferMemory;
  }

  /** Resolves once buffered records fall below buffer.memory. */
  waitForSpace(): Promise<void> {
    if (!this.bufferFull) return Promise.resolve();
    return new Promise((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Send everything buffered now and wait until every record is acknowledged or failed. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.scheduleDrain();
      if (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushing--;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    clearTimeout(this.wakeTimer);
    if (this.ownsCluster) this.cluster.close();
  }

  private append(meta: TopicMetadata, explicit: number | undefined, input: RecordInput, size: number, callback: SendCallback | undefined, now: number): void {
    const count = meta.partitions.length;
    let partition = explicit;
    if (partition !== undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        return this.report(callback, new ConfigError(`Invalid partition given with record: ${partition} is not in the range [0...${count}).`));
      }
    } else if (input.key) {
      partition = partitionForKey(input.key as Buffer, count);
    } else {
      partition = this.sticky.partition(meta.name, count, availablePartitions(meta), size);
    }
    const full = this.accumulator.append(meta.name, partition, input, size, callback, now);
    if (full || this.config.lingerMs === 0) this.scheduleDrain();
    else this.wakeAtMost(now + this.config.lingerMs);
  }

  private async loadTopic(topic: string): Promise<void> {
    let error: Error | undefined;
    try {
      await awaitTopics(this.cluster, [topic], { timeoutMs: this.config.maxBlockMs, allowAutoTopicCreation: true });
    } catch (err) {
      error = err instanceof TimeoutError ? new TimeoutError(`Topic ${topic} not present in metadata after ${this.config.maxBlockMs} ms.`) : (err as Error);
    }
    const queue = this.waiting.get(topic) ?? [];
    this.waiting.delete(topic);
    const meta = this.cluster.topic(topic);
    const now = Date.now();
    for (const w of queue) {
      this.waitingBytes -= w.size;
      if (error || !meta) this.report(w.callback, error ?? kafkaError(3, null, `Topic ${topic}`));
      else this.append(meta, w.partition, w.input, w.size, w.callback, now);
    }
    this.afterProgress();
  }

  private scheduleDrain(): void {
    if (this.drainQueued) return;
    this.drainQueued = true;
    setImmediate(() => {
      this.drainQueued = false;
      this.drain();
    });
  }

  private wakeAtMost(at: number): void {
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.drain();
    }, Math.max(0, at - Date.now()));
  }

  private drain(): void {
    const now = Date.now();
    for (const batch of this.accumulator.expire(now, this.config.deliveryTimeoutMs)) {
      this.fail(batch, new TimeoutError(`Expiring ${batch.records.length} record(s) for ${batch.topic}-${batch.partition}: ${now - batch.createdMs} ms has passed since batch creation`));
    }
    let needLeaders = false;
    for (;;) {
      const { ready, nextCheckMs } = this.accumulator.ready(Date.now(), this.flushing > 0 || this.closed);
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
          b.encoded ??= buildBatch({ records: b.records, compression: this.config.compression, compressionLevel: this.config.compressionLevel });
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

  private async sendRequest(node: number, batches: ProducerBatch[]): Promise<void> {
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
    const acks = this.config.acks;
    const topicData = new Map<string, Message[]>();
    for (const b of batches) {
      const list = topicData.get(b.topic) ?? [];
      list.push({ index: b.partition, records: b.encoded });
      topicData.set(b.topic, list);
    }
    const body = {
      transactionalId: null,
      acks,
      timeoutMs: this.config.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({ name, partitionData })),
    };
    try {
      const { response } = await this.cluster.request(node, 0, body, { minVersion: MIN_PRODUCE_VERSION, expectResponse: acks !== 0 });
      if (acks === 0) for (const b of batches) this.complete(b, -1, -1);
      else this.handleResponse(batches, response);
    } catch (err) {
      for (const b of batches) this.retryOrFail(b, err as Error);
    } finally {
      this.inFlight.set(node, (this.inFlight.get(node) ?? 1) - 1);
      this.afterProgress();
    }
  }

  private handleResponse(batches: ProducerBatch[], response: Message): void {
    const byKey = new Map(batches.map((b) => [`${b.topic}\u0000${b.partition}`, b]));
    for (const t of response.responses as Message[]) {
      for (const p of t.partitionResponses as Message[]) {
        const batch = byKey.get(`${t.name}\u0000${p.index}`);
        if (!batch) continue;
        byKey.delete(`${t.name}\u0000${p.index}`);
        if (p.errorCode === 0) this.complete(batch, p.baseOffset, p.logAppendTimeMs ?? -1);
        else this.retryOrFail(batch, kafkaError(p.errorCode, p.errorMessage, `Error producing to ${batch.topic}-${batch.partition}`));
      }
    }
    for (const batch of byKey.values()) this.retryOrFail(batch, kafkaError(-1, `no response for ${batch.topic}-${batch.partition}`));
  }

  private retryOrFail(batch: ProducerBatch, err: Error): void {
    const now = Date.now();
    const canRetry = isRetriableError(err) && batch.attempts < this.config.retries && now - batch.createdMs < this.config.deliveryTimeoutMs;
    if (!canRetry || this.closedForGood()) return this.fail(batch, err);
    batch.attempts++;
    batch.retryAtMs = now + backoffMs(batch.attempts - 1, this.config.retryBackoffMs);
    this.accumulator.requeue(batch);
    this.refreshLeaders();
  }

  private complete(batch: ProducerBatch, baseOffset: number, logAppendTime: number): void {
    this.accumulator.release(batch);
    for (let i = 0; i < batch.callbacks.length; i++) {
      const cb = batch.callbacks[i];
      if (!cb) continue;
      const timestamp = logAppendTime >= 0 ? logAppendTime : (batch.records[i]!.timestamp as number);
      invoke(cb, null, { topic: batch.topic, partition: batch.partition, offset: baseOffset < 0 ? -1 : baseOffset + i, timestamp });
    }
  }

  private fail(batch: ProducerBatch, err: Error): void {
    this.accumulator.release(batch);
    for (const cb of batch.callbacks) this.report(cb, err);
  }

  private report(callback: SendCallback | undefined, err: Error): void {
    if (callback) invoke(callback, err);
    else this.firstError ??= err;
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

  private afterProgress(): void {
    if (!this.bufferFull && this.spaceWaiters.length > 0) {
      const waiters = this.spaceWaiters;
      this.spaceWaiters = [];
      for (const w of waiters) w();
    }
    if (this.idle() && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    } else {
      this.scheduleDrain();
    }
  }

  private idle(): boolean {
    return this.accumulator.incomplete === 0 && this.waiting.size === 0;
  }

  private closedForGood(): boolean {
    return this.closed && this.flushing === 0;
  }
}

/**
 * Run a user callback without letting it break the producer's bookkeeping: a throw is rethrown
 * on its own tick, where it surfaces as an uncaught exception instead of a silently stuck flush().
 */
function invoke(callback: SendCallback, err: Error | null, metadata?: RecordMetadata): void {
  try {
    callback(err, metadata);
  } catch (thrown) {
    queueMicrotask(() => {
      throw thrown;
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
