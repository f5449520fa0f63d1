/**
 * A follower's fetch loop against one leader broker (Kafka's ReplicaFetcherThread): one connection
 * to the leader's inter-broker listener, one Fetch at a time for every partition this broker
 * follows there, each partition asking from its log end offset with the epoch of its last batch.
 *
 * Fetch v15 (replica id and broker epoch in replicaState, KIP-903; diverging epochs from v12,
 * KIP-320; topic ids from v13). No fetch session: every fetch names all its partitions, which a
 * follower has few of per leader, and a full fetch cannot go out of step after a reconnect.
 *
 * Per partition in the answer: records are appended as the leader wrote them (offsets and epochs
 * kept, producer state rebuilt), the high watermark follows the leader's (never past this log's
 * end), a diverging epoch truncates (follower-truncation.ts), an offset below the leader's log start
 * restarts the log there, and a leadership error parks the partition until metadata moves it.
 * An answer for a partition that was meanwhile moved, re-added with another epoch, or deleted is
 * dropped: only the partition's current fetcher may touch its log.
 */
import { BrokerConnection } from '../../client/broker-connection.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Logger } from '../../logger.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { hostKey } from '../hosted-partition.js';
import { divergenceTruncationOffset } from './follower-truncation.js';

const FETCH_VERSION = 15;

export interface FollowedPartition {
  topic: string;
  topicId: string;
  partition: number;
  log: PartitionLog;
  /** The leader epoch this broker follows; the leader fences fetches with an older one. */
  leaderEpoch: number;
}

export interface FetcherSettings {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  backoffMs: number;
  socketTimeoutMs: number;
}

export interface FetcherDeps {
  nodeId: number;
  /** This broker's registration epoch (replicaState.replicaEpoch). */
  brokerEpoch(): number;
  /** The leader's inter-broker endpoint, or undefined while the metadata has none. */
  endpoint(leaderId: number): { host: string; port: number } | undefined;
  settings: FetcherSettings;
  log: Logger;
}

export class ReplicaFetcher {
  private readonly partitions = new Map<string, FollowedPartition & { retryAtMs: number }>();
  private conn?: BrokerConnection;
  private running = false;
  private closed = false;
  private wake?: () => void;

  constructor(
    readonly leaderId: number,
    private readonly deps: FetcherDeps,
  ) {}

  get size(): number {
    return this.partitions.size;
  }

  has(key: string): boolean {
    return this.partitions.has(key);
  }

  add(p: FollowedPartition): void {
    this.partitions.set(hostKey(p.topic, p.partition), { ...p, retryAtMs: 0 });
    this.wake?.();
    if (!this.running && !this.closed) void this.run();
  }

  remove(key: string): void {
    this.partitions.delete(key);
  }

  close(): void {
    this.closed = true;
    this.partitions.clear();
    this.conn?.close();
    this.wake?.();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (!this.closed && this.partitions.size > 0) {
        const now = Date.now();
        const ready = [...this.partitions.values()].filter((p) => p.retryAtMs <= now);
        if (ready.length === 0) {
          await this.pause(Math.min(...[...this.partitions.values()].map((p) => p.retryAtMs)) - now);
          continue;
        }
        try {
          const conn = await this.connection();
          const response = await conn.send(1, FETCH_VERSION, this.request(ready) as never) as Message;
          if (response.errorCode !== ErrorCode.NONE) throw new Error(`fetch failed with error ${response.errorCode}`);
          this.apply(ready, response);
        } catch (err) {
          if (this.closed) break;
          this.deps.log.debug(`fetch from leader ${this.leaderId} failed: ${(err as Error).message}`);
          this.conn?.close();
          this.conn = undefined;
          await this.pause(this.deps.settings.backoffMs);
        }
      }
    } finally {
      this.running = false;
      if (this.partitions.size === 0 || this.closed) {
        this.conn?.close();
        this.conn = undefined;
      }
    }
  }

  private async connection(): Promise<BrokerConnection> {
    if (this.conn && !this.conn.closed) return this.conn;
    const ep = this.deps.endpoint(this.leaderId);
    if (!ep) throw new Error(`no endpoint known for broker ${this.leaderId}`);
    this.conn = await BrokerConnection.open(ep.host, ep.port, { clientId: `kt-replica-fetcher-${this.deps.nodeId}`, timeoutMs: this.deps.settings.socketTimeoutMs });
    return this.conn;
  }

  /** Sleep up to `ms`, cut short by add() or close(). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private request(ready: FollowedPartition[]): Message {
    const byTopic = new Map<string, Message[]>();
    for (const p of ready) {
      let list = byTopic.get(p.topicId);
      if (!list) byTopic.set(p.topicId, (list = []));
      list.push({
        partition: p.partition,
        currentLeaderEpoch: p.leaderEpoch,
        fetchOffset: p.log.logEndOffset,
        lastFetchedEpoch: p.log.latestEpoch,
        logStartOffset: p.log.logStartOffset,
        partitionMaxBytes: this.deps.settings.partitionMaxBytes,
      });
    }
    const s = this.deps.settings;
    return {
      replicaState: { replicaId: this.deps.nodeId, replicaEpoch: this.deps.brokerEpoch() },
      maxWaitMs: s.maxWaitMs,
      minBytes: s.minBytes,
      maxBytes: s.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
      forgottenTopicsData: [],
      rackId: '',
    };
  }

  private apply(asked: FollowedPartition[], response: Message): void {
    const sent = new Map(asked.map((p) => [`${p.topicId}:${p.partition}`, p]));
    for (const t of response.responses as Message[]) {
      for (const r of t.partitions as Message[]) {
        const was = sent.get(`${t.topicId}:${r.partitionIndex}`);
        if (!was) continue;
        const current = this.partitions.get(hostKey(was.topic, was.partition));
        // Moved, re-added with another epoch or deleted while the fetch was out: not ours to apply.
        if (!current || current.log !== was.log || current.leaderEpoch !== was.leaderEpoch || current.log.isClosed) continue;
        try {
          this.applyPartition(current, r);
        } catch (err) {
          this.deps.log.warn(`replica of ${was.topic}-${was.partition} could not apply the leader's answer: ${(err as Error).message}`);
          current.retryAtMs = Date.now() + this.deps.settings.backoffMs;
        }
      }
    }
  }

  private applyPartition(p: FollowedPartition & { retryAtMs: number }, r: Message): void {
    const log = p.log;
    switch (r.errorCode) {
      case ErrorCode.NONE:
        break;
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        this.outOfRange(p, r);
        return;
      default:
        // Not leader any more, an epoch ahead of or behind ours, an unknown topic id: metadata will
        // move this partition; ask again after a pause in case it does not.
        p.retryAtMs = Date.now() + this.deps.settings.backoffMs;
        return;
    }
    const diverging = r.divergingEpoch as { epoch: number; endOffset: number } | undefined;
    if (diverging && diverging.epoch >= 0 && diverging.endOffset >= 0) {
      const to = divergenceTruncationOffset({ logEndOffset: log.logEndOffset, endOffsetFor: (e) => log.leaderEpochCache.endOffsetFor(e, log.logEndOffset) }, diverging);
      if (to < log.logEndOffset) this.deps.log.info(`truncating ${p.topic}-${p.partition} from ${log.logEndOffset} to ${to}: the leader's epoch ${diverging.epoch} ends at ${diverging.endOffset}`);
      // Also at the log end: an epoch this broker began as leader without writing in it goes.
      log.truncateTo(to);
      return;
    }
    const records = r.records as Buffer | null;
    if (records && records.length > 0) log.appendAsFollower(records);
    const leaderStart: number = r.logStartOffset;
    if (leaderStart > log.logStartOffset && leaderStart <= log.logEndOffset) log.maybeIncrementLogStartOffset(leaderStart);
    const hw = Math.min(r.highWatermark, log.logEndOffset);
    if (hw > log.highWatermark) log.updateHighWatermark(hw);
  }

  /**
   * The leader has no such offset: below its log start (this replica was away while the leader's
   * retention or DeleteRecords moved on) the log restarts at the leader's start; past its end (a
   * leader without diverging-epoch support would say so) the log is cut back to the leader's
   * high watermark, below which both logs agree.
   */
  private outOfRange(p: FollowedPartition, r: Message): void {
    const log = p.log;
    if (r.logStartOffset >= 0 && log.logEndOffset < r.logStartOffset) {
      this.deps.log.info(`restarting ${p.topic}-${p.partition} at the leader's log start offset ${r.logStartOffset}`);
      log.truncateFullyAndStartAt(r.logStartOffset);
    } else if (r.highWatermark >= 0 && r.highWatermark < log.logEndOffset) {
      log.truncateTo(r.highWatermark);
    }
  }
}
