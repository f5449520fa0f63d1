/**
 * kt's producer: Java's partitioning, per-partition batching (linger.ms, batch.size), compression,
 * acks 0/1/all, a bounded number of in-flight requests per broker, retries on retriable errors
 * with a metadata refresh, flush() and close(). Idempotent by default as Java's since Kafka 3.0
 * (producer id, epoch and sequence numbers: a retry is never written twice), and transactional
 * with a transactional.id: initTransactions, beginTransaction, send, sendOffsetsToTransaction,
 * commitTransaction, abortTransaction.
 *
 * send() never blocks: records for a topic whose metadata is not known yet wait in a small queue
 * while it is fetched. Callers that produce fast check `bufferFull` and await `waitForSpace()`,
 * the buffer.memory back-pressure Java applies by blocking in send().
 */
import type { RecordInput } from '../records/record-batch.js';
import { RecordAccumulator, type RecordMetadata, type SendCallback, estimateRecordSize } from './accumulator.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { ConfigError, TimeoutError, kafkaError } from './errors.js';
import { StickyPartitioner, partitionForKey } from './partitioner.js';
import { PRODUCER_DEFAULTS, type ProducerConfig, idempotenceEnabled } from './producer-config.js';
import type { TopicMetadata } from './metadata.js';
import { Sender, invoke } from './sender.js';
import { awaitTopics } from './topic-wait.js';
import { TransactionManager } from './transaction-manager.js';
import type { GroupMetadata, TxnOffset } from './txn-requests.js';

export type { GroupMetadata, RecordMetadata, SendCallback, TxnOffset };

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
  /**
   * The highest transaction version a transactional producer uses (default 2: whatever the cluster
   * finalized, as Java's client 4.x). 1 keeps it on the older protocol (AddPartitionsToTxn,
   * Produce up to v11), as a client from before Kafka 4.0 talks.
   */
  maxTransactionVersion?: number;
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

const toBuffer = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v;

export class Producer {
  readonly config: ProducerConfig;
  readonly cluster: Cluster;
  /** The first error of a record sent without a callback; such records have nowhere else to report. */
  firstError: Error | null = null;
  /** Whether batches carry a producer id, epoch and sequence numbers. */
  readonly idempotent: boolean;
  /** Producer id, epoch, sequences and transaction state; null when not idempotent. */
  readonly transactionManager: TransactionManager | null;
  private readonly ownsCluster: boolean;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly sticky: StickyPartitioner;
  private readonly waiting = new Map<string, Waiting[]>();
  private waitingBytes = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private spaceWaiters: (() => void)[] = [];

  constructor(options: ProducerOptions = {}) {
    const { cluster, clusterOptions, maxTransactionVersion, ...config } = options;
    this.config = { ...PRODUCER_DEFAULTS, ...stripUndefined(config) };
    this.idempotent = idempotenceEnabled(this.config);
    this.ownsCluster = !cluster;
    this.cluster =
      cluster ??
      new Cluster({ bootstrap: this.config.bootstrapServers, clientId: this.config.clientId, requestTimeoutMs: this.config.requestTimeoutMs, ...clusterOptions });
    this.accumulator = new RecordAccumulator(this.config.batchSize, this.config.lingerMs);
    this.sticky = new StickyPartitioner(this.config.batchSize);
    const hooks = { onProgress: () => this.afterProgress(), report: (cb: SendCallback | undefined, err: Error) => this.report(cb, err) };
    this.transactionManager = this.idempotent
      ? new TransactionManager(
          this.cluster,
          this.config,
          {
            wake: () => this.sender.scheduleDrain(),
            failUnsent: (err) => this.sender.failUnsent(err),
            flush: () => this.flush(),
          },
          maxTransactionVersion,
        )
      : null;
    this.sender = new Sender(this.config, this.cluster, this.accumulator, this.transactionManager, hooks);
  }

  /** Reach the cluster now, so an unreachable broker is reported before any record is sent. */
  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /** Queue a record; the callback (if any) runs once it is acknowledged or has failed for good. */
  send(record: ProducerRecord, callback?: SendCallback): void {
    if (this.closed) throw new Error('Cannot send after the producer is closed.');
    const refusal = this.transactionManager?.sendRefusal();
    if (refusal) {
      // Misuse of the transactional API is the caller's bug (Java throws); an earlier failure is reported like any send error.
      if (this.transactionManager!.lastError === null) throw refusal;
      return this.report(callback, refusal);
    }
    const now = Date.now();
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers = record.headers?.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
    const input: RecordInput = { key, value, headers, timestamp: record.timestamp ?? now };
    const size = estimateRecordSize(key, value, headers);
    if (size > this.config.maxRequestSize) {
      return this.reject(callback, kafkaError(10, `The message is ${size} bytes when serialized which is larger than ${this.config.maxRequestSize}, which is the value of the max.request.size configuration.`));
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
    this.sender.flushing++;
    try {
      this.sender.scheduleDrain();
      if (!this.idle()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.sender.flushing--;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.sender.closing = true;
    this.sender.stop();
    if (this.ownsCluster) this.cluster.close();
  }

  // ---- transactions (a transactional.id is required) -------------------------------------------

  /** Register the transactional id with its coordinator, fencing older instances and finishing what they left open. */
  async initTransactions(): Promise<void> {
    return this.txn().initTransactions();
  }

  beginTransaction(): void {
    this.txn().beginTransaction();
  }

  /** Commit a consumer group's offsets as part of the transaction (consume-transform-produce). */
  async sendOffsetsToTransaction(offsets: readonly TxnOffset[], group: GroupMetadata | string): Promise<void> {
    return this.txn().sendOffsetsToTransaction(offsets, typeof group === 'string' ? { groupId: group } : group);
  }

  /** Flush, then commit: the records become visible to read_committed consumers. */
  async commitTransaction(): Promise<void> {
    return this.txn().commitTransaction();
  }

  /** Drop unsent records, wait for in-flight ones, then abort: read_committed consumers never see them. */
  async abortTransaction(): Promise<void> {
    return this.txn().abortTransaction();
  }

  private txn(): TransactionManager {
    if (!this.transactionManager?.transactional) {
      throw new Error('Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property');
    }
    return this.transactionManager;
  }

  private append(meta: TopicMetadata, explicit: number | undefined, input: RecordInput, size: number, callback: SendCallback | undefined, now: number): void {
    const refusal = this.transactionManager?.appendRefusal();
    if (refusal) return this.report(callback, refusal);
    const count = meta.partitions.length;
    let partition = explicit;
    if (partition !== undefined) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= count) {
        return this.reject(callback, new ConfigError(`Invalid partition given with record: ${partition} is not in the range [0...${count}).`));
      }
    } else if (input.key) {
      partition = partitionForKey(input.key as Buffer, count);
    } else {
      partition = this.sticky.partition(meta.name, count, availablePartitions(meta), size);
    }
    this.transactionManager?.onPartition(meta.name, partition);
    const full = this.accumulator.append(meta.name, partition, input, size, callback, now);
    if (full || this.config.lingerMs === 0) this.sender.scheduleDrain();
    else this.sender.wakeAtMost(now + this.config.lingerMs);
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
      if (error || !meta) this.reject(w.callback, error ?? kafkaError(3, null, `Topic ${topic}`));
      else this.append(meta, w.partition, w.input, w.size, w.callback, now);
    }
    this.afterProgress();
  }

  private report(callback: SendCallback | undefined, err: Error): void {
    if (callback) invoke(callback, err);
    else this.firstError ??= err;
  }

  /** A record refused before it reached a batch: in a transaction that dooms the transaction, as in Java. */
  private reject(callback: SendCallback | undefined, err: Error): void {
    this.transactionManager?.onSendError(err);
    this.report(callback, err);
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
      this.sender.scheduleDrain();
    }
  }

  private idle(): boolean {
    return this.accumulator.incomplete === 0 && this.waiting.size === 0;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
