/**
 * kt's consumer by assignment (no group): assign partitions, seek (earliest, latest, an offset, a
 * timestamp), then poll. One Fetch is in flight per broker; a partition with records buffered
 * is not fetched again until poll() hands them out, which bounds memory the way Kafka's fetcher
 * does while keeping the next fetch in flight as the caller works.
 */
import { ErrorCode } from '../protocol/errors.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { CONSUMER_DEFAULTS, type ConsumerConfig } from './consumer-config.js';
import { isRetriable, isRetriableError, kafkaError } from './errors.js';
import { type ConsumerRecord, recordsFromFetch } from './fetch-records.js';
import { type FetchTarget, type FetchedPartition, fetchRequest, fetchedPartitions, maxFetchVersion } from './fetch-request.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type TopicPartition, listOffsets, tpKey } from './list-offsets.js';
import { ZERO_UUID } from './metadata.js';
import { awaitTopics } from './topic-wait.js';

export type { ConsumerRecord, TopicPartition };

export interface ConsumerOptions extends Partial<ConsumerConfig> {
  cluster?: Cluster;
  clusterOptions?: ClusterOptions;
}

interface PartitionState extends TopicPartition {
  /** Next offset poll() returns; null until a seek or a reset decides it. */
  position: number | null;
  /** Next offset to fetch (ahead of position while records are buffered). */
  fetchOffset: number;
  /** Bumped by every seek, so fetches answered for an old position are dropped. */
  epoch: number;
  fetching: boolean;
  /** Not fetched before this time (after a retriable error). */
  backoffUntil: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

interface Chunk {
  state: PartitionState;
  records: ConsumerRecord[];
  index: number;
  nextOffset: number;
}

export class Consumer {
  readonly config: ConsumerConfig;
  readonly cluster: Cluster;
  /** Key and value bytes handed out by poll(), for throughput figures. */
  bytesConsumed = 0;
  private readonly ownsCluster: boolean;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly nodesFetching = new Set<number>();
  private buffer: Chunk[] = [];
  private pendingError: Error | null = null;
  private wake?: () => void;
  private woken = false;
  private closed = false;
  private resetting?: Promise<void>;
  private refreshing?: Promise<void>;

  constructor(options: ConsumerOptions = {}) {
    const { cluster, clusterOptions, ...config } = options;
    this.config = { ...CONSUMER_DEFAULTS, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) };
    this.ownsCluster = !cluster;
    this.cluster =
      cluster ??
      new Cluster({ bootstrap: this.config.bootstrapServers, clientId: this.config.clientId, requestTimeoutMs: this.config.requestTimeoutMs, ...clusterOptions });
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /** Every partition of `topic`, failing with UNKNOWN_TOPIC_OR_PARTITION when it does not exist. */
  async partitionsFor(topic: string): Promise<TopicPartition[]> {
    const topics = await awaitTopics(this.cluster, [topic], { timeoutMs: this.config.requestTimeoutMs, unknownTopicGraceMs: this.config.unknownTopicGraceMs });
    return topics.get(topic)!.partitions.map((p) => ({ topic, partition: p.partition }));
  }

  /** Replace the assignment. New partitions start unpositioned (auto.offset.reset decides). */
  async assign(tps: readonly TopicPartition[]): Promise<void> {
    const topics = [...new Set(tps.map((tp) => tp.topic))];
    // Unassigning everything (a group member's revocation) needs no metadata.
    const known = topics.length === 0 ? new Map() : await awaitTopics(this.cluster, topics, { timeoutMs: this.config.requestTimeoutMs, unknownTopicGraceMs: this.config.unknownTopicGraceMs });
    for (const tp of tps) {
      const count = known.get(tp.topic)!.partitions.length;
      if (tp.partition < 0 || tp.partition >= count) {
        throw kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${tp.partition} of topic ${tp.topic} does not exist (the topic has ${count}).`);
      }
    }
    const keep = new Set(tps.map((tp) => tpKey(tp.topic, tp.partition)));
    for (const k of this.partitions.keys()) if (!keep.has(k)) this.partitions.delete(k);
    this.buffer = this.buffer.filter((c) => keep.has(tpKey(c.state.topic, c.state.partition)));
    for (const tp of tps) {
      const k = tpKey(tp.topic, tp.partition);
      if (!this.partitions.has(k)) {
        this.partitions.set(k, { ...tp, position: null, fetchOffset: 0, epoch: 0, fetching: false, backoffUntil: 0, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 });
      }
    }
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  seek(tp: TopicPartition, offset: number): void {
    const state = this.state(tp);
    state.position = offset;
    state.fetchOffset = offset;
    state.epoch++;
    this.buffer = this.buffer.filter((c) => c.state !== state);
  }

  seekToBeginning(tps: readonly TopicPartition[] = this.assignment()): Promise<void> {
    return this.seekToTimestamp(EARLIEST_TIMESTAMP, tps);
  }

  seekToEnd(tps: readonly TopicPartition[] = this.assignment()): Promise<void> {
    return this.seekToTimestamp(LATEST_TIMESTAMP, tps);
  }

  /** First offset with a timestamp at or after `timestamp`; the end when there is none. */
  async seekToTimestamp(timestamp: number, tps: readonly TopicPartition[] = this.assignment()): Promise<void> {
    const queries = tps.map((tp) => ({ ...tp, timestamp }));
    const found = await listOffsets(this.cluster, queries, { isolationLevel: this.config.isolationLevel, timeoutMs: this.config.requestTimeoutMs });
    const missing = tps.filter((tp) => (found.get(tpKey(tp.topic, tp.partition))?.offset ?? -1) < 0);
    for (const tp of tps) {
      const offset = found.get(tpKey(tp.topic, tp.partition))?.offset ?? -1;
      if (offset >= 0) this.seek(tp, offset);
    }
    if (missing.length > 0 && timestamp !== LATEST_TIMESTAMP) await this.seekToEnd(missing);
  }

  position(tp: TopicPartition): number | null {
    return this.state(tp).position;
  }

  /** The high watermark from the latest fetch of a partition (-1 before any). */
  highWatermark(tp: TopicPartition): number {
    return this.state(tp).highWatermark;
  }

  /** Records available within `timeoutMs` (possibly none). Throws a fetch's non-retriable error. */
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    const deadline = Date.now() + timeoutMs;
    this.woken = false;
    for (;;) {
      if (this.pendingError) {
        const err = this.pendingError;
        this.pendingError = null;
        throw err;
      }
      if (this.buffer.length > 0) return this.take();
      if (this.closed || this.woken) return [];
      this.fetchMore();
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 1000));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
  }

  /** Make a poll() in progress return now (for Ctrl-C). */
  wakeup(): void {
    this.woken = true;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wakeup();
    if (this.ownsCluster) this.cluster.close();
  }

  private state(tp: TopicPartition): PartitionState {
    const s = this.partitions.get(tpKey(tp.topic, tp.partition));
    if (!s) throw new Error(`No current assignment for partition ${tp.topic}-${tp.partition}`);
    return s;
  }

  private take(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    while (this.buffer.length > 0 && out.length < this.config.maxPollRecords) {
      const chunk = this.buffer[0]!;
      const n = Math.min(chunk.records.length - chunk.index, this.config.maxPollRecords - out.length);
      for (let i = 0; i < n; i++) {
        const r = chunk.records[chunk.index + i]!;
        this.bytesConsumed += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        out.push(r);
      }
      chunk.index += n;
      if (chunk.index >= chunk.records.length) {
        this.buffer.shift();
        chunk.state.position = chunk.nextOffset;
      } else {
        chunk.state.position = chunk.records[chunk.index]!.offset;
      }
    }
    this.fetchMore();
    return out;
  }

  /** Send a Fetch to every leader with fetchable partitions and nothing in flight. */
  private fetchMore(): void {
    if (this.closed) return;
    const now = Date.now();
    const buffered = new Set(this.buffer.map((c) => c.state));
    const byNode = new Map<number, PartitionState[]>();
    let needLeaders = false;
    let needReset = false;
    for (const s of this.partitions.values()) {
      if (s.position === null) {
        needReset = true;
        continue;
      }
      if (s.fetching || buffered.has(s) || s.backoffUntil > now) continue;
      const leader = this.cluster.leaderFor(s.topic, s.partition);
      if (leader < 0) {
        needLeaders = true;
        continue;
      }
      if (this.nodesFetching.has(leader)) continue;
      byNode.set(leader, [...(byNode.get(leader) ?? []), s]);
    }
    for (const [node, states] of byNode) void this.fetchFrom(node, states);
    if (needLeaders) this.refreshLeaders();
    if (needReset) this.resetPositions();
  }

  private async fetchFrom(node: number, states: PartitionState[]): Promise<void> {
    this.nodesFetching.add(node);
    const epochs = new Map(states.map((s) => [s, s.epoch]));
    const offsets = new Map(states.map((s) => [s, s.fetchOffset]));
    for (const s of states) s.fetching = true;
    const targets: FetchTarget[] = states.map((s) => ({
      topic: s.topic,
      topicId: this.cluster.topic(s.topic)?.topicId ?? ZERO_UUID,
      partition: s.partition,
      fetchOffset: s.fetchOffset,
    }));
    const c = this.config;
    try {
      const { response } = await this.cluster.request(
        node,
        1,
        fetchRequest(targets, {
          maxWaitMs: c.fetchMaxWaitMs,
          minBytes: c.fetchMinBytes,
          maxBytes: c.fetchMaxBytes,
          partitionMaxBytes: c.maxPartitionFetchBytes,
          readCommitted: c.isolationLevel === 'read_committed',
        }),
        { minVersion: 4, maxVersion: maxFetchVersion(targets), timeoutMs: c.requestTimeoutMs + c.fetchMaxWaitMs },
      );
      if (response.errorCode) throw kafkaError(response.errorCode, null, 'Fetch');
      const idToName = (id: string) => [...this.cluster.topics.values()].find((t) => t.topicId === id)?.name;
      for (const p of fetchedPartitions(response, idToName)) {
        const s = this.partitions.get(tpKey(p.topic, p.partition));
        if (!s || epochs.get(s) !== s.epoch || offsets.get(s) !== s.fetchOffset) continue;
        this.onPartition(s, p);
      }
    } catch (err) {
      if (!this.closed) {
        if (isRetriableError(err)) this.backOff(states);
        else this.pendingError ??= err as Error;
      }
    } finally {
      for (const s of states) s.fetching = false;
      this.nodesFetching.delete(node);
      this.wake?.();
    }
  }

  private onPartition(s: PartitionState, p: FetchedPartition): void {
    if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (this.config.autoOffsetReset === 'none') {
        this.pendingError ??= kafkaError(p.errorCode, `Fetch position ${s.fetchOffset} is out of range for partition ${s.topic}-${s.partition}`);
      } else {
        s.position = null;
        s.epoch++;
      }
      return;
    }
    if (p.errorCode !== 0) {
      if (isRetriable(p.errorCode) || p.errorCode === ErrorCode.UNKNOWN_TOPIC_ID || p.errorCode === ErrorCode.INCONSISTENT_TOPIC_ID) {
        this.backOff([s]);
      } else {
        this.pendingError ??= kafkaError(p.errorCode, null, `Fetch from ${s.topic}-${s.partition}`);
      }
      return;
    }
    s.highWatermark = p.highWatermark;
    s.lastStableOffset = p.lastStableOffset;
    s.logStartOffset = p.logStartOffset;
    const got = recordsFromFetch(s.topic, s.partition, p.records, s.fetchOffset, this.config.isolationLevel === 'read_committed', p.abortedTransactions, p.lastStableOffset);
    if (got.batches === 0 && p.records && p.records.length > 0) {
      this.pendingError ??= kafkaError(
        ErrorCode.MESSAGE_TOO_LARGE,
        `A batch at offset ${s.fetchOffset} of ${s.topic}-${s.partition} is larger than max.partition.fetch.bytes (${this.config.maxPartitionFetchBytes}).`,
      );
      return;
    }
    s.fetchOffset = got.nextOffset;
    if (got.records.length > 0) this.buffer.push({ state: s, records: got.records, index: 0, nextOffset: got.nextOffset });
    else if (this.buffer.every((c) => c.state !== s)) s.position = got.nextOffset;
  }

  private backOff(states: PartitionState[]): void {
    const until = Date.now() + this.config.retryBackoffMs;
    for (const s of states) s.backoffUntil = until;
    this.refreshLeaders();
    setTimeout(() => this.wake?.(), this.config.retryBackoffMs).unref();
  }

  private refreshLeaders(): void {
    if (this.refreshing || this.closed) return;
    const topics = [...new Set([...this.partitions.values()].map((s) => s.topic))];
    this.refreshing = this.cluster
      .refreshMetadata(topics)
      .then(() => undefined, () => undefined)
      .finally(() => {
        this.refreshing = undefined;
        this.wake?.();
      });
  }

  /** Positions for unpositioned partitions, from auto.offset.reset. */
  private resetPositions(): void {
    if (this.resetting || this.closed) return;
    const unpositioned = [...this.partitions.values()].filter((s) => s.position === null);
    if (this.config.autoOffsetReset === 'none') {
      this.pendingError ??= new Error(`Undefined offset with no reset policy for partitions: ${unpositioned.map((s) => `${s.topic}-${s.partition}`).join(', ')}`);
      return;
    }
    const tps = unpositioned.map(({ topic, partition }) => ({ topic, partition }));
    const reset = this.config.autoOffsetReset === 'earliest' ? this.seekToBeginning(tps) : this.seekToEnd(tps);
    this.resetting = reset
      .catch((err: unknown) => {
        if (!isRetriableError(err)) this.pendingError ??= err as Error;
      })
      .finally(() => {
        this.resetting = undefined;
        this.wake?.();
      });
  }
}
