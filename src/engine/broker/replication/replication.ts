/**
 * The replication half of the replica manager (Kafka's Partition makeLeader/makeFollower, the
 * replica fetcher manager, the ISR checks and the delayed-produce purgatory), for the partitions this
 * broker hosts:
 *
 * - becoming leader: the epoch is recorded at the log end (the start of this leader's epoch, what
 *   diverged followers truncate to), replica states start fresh, and the high watermark follows the
 *   ISR from here (at once for an ISR of one);
 * - becoming follower: writes waiting for replication are answered NOT_LEADER_OR_FOLLOWER, parked
 *   fetches are woken, and the partition joins the fetcher of its new leader;
 * - a follower's fetch moves its log end offset, which may move the high watermark (completing
 *   acks=all writes and waking consumers) and bring it back into the ISR;
 * - every replica.lag.time.max.ms / 2, followers that fell behind for longer leave the ISR.
 */
import type { BrokerConfig } from '../../config/broker-config.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage, PartitionState } from '../../metadata/image.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { FetchPurgatory } from '../fetch-purgatory.js';
import { hostKey, type HostedPartition } from '../hosted-partition.js';
import { IsrUpdates } from './isr-updates.js';
import { LeaderReplicas } from './leader-replicas.js';
import { ProducePurgatory } from './produce-purgatory.js';
import { type FetcherSettings, ReplicaFetcher } from './replica-fetcher.js';

export interface ReplicationDeps {
  nodeId: number;
  config: BrokerConfig;
  log: Logger;
  metadata(): MetadataImage;
  /** AlterPartition v3 to the active controller. */
  alterPartition(request: Message): Promise<Message>;
  /** Parked fetches, woken by appends and high-watermark moves. */
  fetches: FetchPurgatory;
  now?: () => number;
}

export class Replication {
  readonly produces = new ProducePurgatory();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** Followed partition -> the leader whose fetcher has it. */
  private readonly following = new Map<string, number>();
  private readonly led = new Set<HostedPartition>();
  private readonly isrUpdates: IsrUpdates;
  private readonly lagMs: number;
  private readonly settings: FetcherSettings;
  private readonly interBrokerListener: string;
  private readonly now: () => number;
  private readonly shrinkTimer: NodeJS.Timeout;

  constructor(private readonly deps: ReplicationDeps) {
    const c = deps.config;
    this.now = deps.now ?? Date.now;
    this.lagMs = c.int('replica.lag.time.max.ms');
    this.interBrokerListener = c.str('inter.broker.listener.name');
    this.settings = {
      maxWaitMs: c.int('replica.fetch.wait.max.ms'),
      minBytes: c.int('replica.fetch.min.bytes'),
      maxBytes: c.int('replica.fetch.response.max.bytes'),
      partitionMaxBytes: c.int('replica.fetch.max.bytes'),
      backoffMs: c.int('replica.fetch.backoff.ms'),
      socketTimeoutMs: c.int('replica.socket.timeout.ms'),
    };
    this.isrUpdates = new IsrUpdates({
      nodeId: deps.nodeId,
      brokerEpoch: (id) => deps.metadata().brokers.get(id)?.brokerEpoch ?? -1,
      send: deps.alterPartition,
      log: deps.log,
    });
    this.shrinkTimer = setInterval(() => this.shrinkIsrs(), Math.max(10, Math.floor(this.lagMs / 2)));
    this.shrinkTimer.unref();
  }

  becomeLeader(hosted: HostedPartition, state: PartitionState): void {
    this.unfollow(hosted);
    const log = hosted.log;
    if (log.latestEpoch < state.leaderEpoch) log.leaderEpochCache.assign(state.leaderEpoch, log.logEndOffset);
    hosted.leader = new LeaderReplicas(this.deps.nodeId, state.leaderEpoch, state.replicas, { isr: state.isr, partitionEpoch: state.partitionEpoch }, log.logEndOffset, this.now());
    this.led.add(hosted);
    this.advanceHighWatermark(hosted);
  }

  becomeFollower(hosted: HostedPartition, state: PartitionState): void {
    this.resign(hosted);
    if (state.leader >= 0 && state.leader !== this.deps.nodeId) this.follow(hosted, state.leader, state.leaderEpoch);
    else this.unfollow(hosted);
  }

  /** The replica goes away (topic deleted, or reassigned off this broker). */
  stop(hosted: HostedPartition): void {
    this.resign(hosted);
    this.unfollow(hosted);
  }

  /** The committed ISR or replica set of a partition this broker leads changed in the metadata. */
  metadataChanged(hosted: HostedPartition, state: PartitionState): void {
    const leader = hosted.leader;
    if (!leader || state.leaderEpoch !== leader.leaderEpoch) return;
    leader.setReplicas(state.replicas, this.now());
    if (leader.commit({ isr: state.isr, partitionEpoch: state.partitionEpoch })) this.advanceHighWatermark(hosted);
  }

  /**
   * A follower fetched at `fetchOffset`. Returns false when `replicaId` is not a replica of a
   * partition this broker leads.
   */
  recordFollowerFetch(hosted: HostedPartition, replicaId: number, fetchOffset: number): boolean {
    const leader = hosted.leader;
    if (!leader || !leader.recordFetch(replicaId, fetchOffset, hosted.log.logEndOffset, this.now())) return false;
    this.advanceHighWatermark(hosted);
    const grown = leader.expansion(hosted.log.highWatermark, this.now(), this.lagMs, (id) => this.deps.metadata().isActiveBroker(id));
    if (grown) this.proposeIsr(hosted, grown);
    return true;
  }

  /**
   * After an append on the leader: the high watermark may move (an ISR of one), and parked fetches
   * learn of the bytes — followers of every byte, consumers of what is visible to them.
   */
  afterAppend(hosted: HostedPartition, bytes: number): void {
    const moved = this.updateHighWatermark(hosted);
    const log = hosted.log;
    const visible = hosted.visibleBytes.written(bytes, log.logEndOffset, log.highWatermark);
    const stable = hosted.stableBytes.written(bytes, log.logEndOffset, log.lastStableOffset);
    this.deps.fetches.notify(hostKey(hosted.topicName, hosted.partition), visible, stable, bytes);
    if (moved) this.completeProduces(hosted);
  }

  /**
   * An ErrorCode once the high watermark reaches `requiredOffset` (see
   * ReplicaManager.awaitReplication): at once when it already has, so the common case of an ISR of
   * one costs no promise.
   */
  awaitReplication(hosted: HostedPartition, requiredOffset: number, timeoutMs: number): number | Promise<number> {
    if (!hosted.leader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (hosted.log.highWatermark >= requiredOffset) return this.completionCode(hosted);
    return this.produces.wait(hostKey(hosted.topicName, hosted.partition), requiredOffset, timeoutMs);
  }

  close(): void {
    clearInterval(this.shrinkTimer);
    this.isrUpdates.close();
    for (const f of this.fetchers.values()) f.close();
    this.fetchers.clear();
    this.following.clear();
    this.produces.failEverything(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }

  private resign(hosted: HostedPartition): void {
    if (!hosted.leader) return;
    hosted.leader = undefined;
    this.led.delete(hosted);
    const key = hostKey(hosted.topicName, hosted.partition);
    this.produces.failAll(key, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    // Parked fetches re-read and learn the leader moved.
    this.deps.fetches.notify(key, Infinity);
  }

  private follow(hosted: HostedPartition, leaderId: number, leaderEpoch: number): void {
    const key = hostKey(hosted.topicName, hosted.partition);
    const previous = this.following.get(key);
    if (previous !== undefined && previous !== leaderId) this.fetchers.get(previous)?.remove(key);
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(leaderId, {
        nodeId: this.deps.nodeId,
        brokerEpoch: () => this.deps.metadata().brokers.get(this.deps.nodeId)?.brokerEpoch ?? -1,
        endpoint: (id) => this.deps.metadata().endpointFor(id, this.interBrokerListener),
        settings: this.settings,
        log: this.deps.log,
      });
      this.fetchers.set(leaderId, fetcher);
    }
    fetcher.add({ topic: hosted.topicName, topicId: hosted.topicId, partition: hosted.partition, log: hosted.log, leaderEpoch });
    this.following.set(key, leaderId);
  }

  private unfollow(hosted: HostedPartition): void {
    const key = hostKey(hosted.topicName, hosted.partition);
    const leaderId = this.following.get(key);
    if (leaderId === undefined) return;
    this.fetchers.get(leaderId)?.remove(key);
    this.following.delete(key);
  }

  /** Move the high watermark to what the ISR has; true when it moved. */
  private updateHighWatermark(hosted: HostedPartition): boolean {
    const leader = hosted.leader;
    if (!leader) return false;
    const log = hosted.log;
    const candidate = leader.highWatermark(log.logEndOffset);
    if (candidate <= log.highWatermark) return false;
    log.updateHighWatermark(candidate);
    return true;
  }

  private advanceHighWatermark(hosted: HostedPartition): void {
    if (!this.updateHighWatermark(hosted)) return;
    const log = hosted.log;
    const visible = hosted.visibleBytes.written(0, log.logEndOffset, log.highWatermark);
    const stable = hosted.stableBytes.written(0, log.logEndOffset, log.lastStableOffset);
    if (visible > 0 || stable > 0) this.deps.fetches.notify(hostKey(hosted.topicName, hosted.partition), visible, stable, 0);
    this.completeProduces(hosted);
  }

  private completeProduces(hosted: HostedPartition): void {
    this.produces.complete(hostKey(hosted.topicName, hosted.partition), hosted.log.highWatermark, this.completionCode(hosted));
  }

  /** Kafka's DelayedProduce: replicated, but the ISR is now below min.insync.replicas. */
  private completionCode(hosted: HostedPartition): number {
    const isr = hosted.leader?.isr.length ?? 0;
    return isr < hosted.config.minInsyncReplicas ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
  }

  private proposeIsr(hosted: HostedPartition, isr: number[]): void {
    const leader = hosted.leader!;
    this.isrUpdates.propose(
      {
        topicId: hosted.topicId,
        partition: hosted.partition,
        leader,
        committed: (state) => {
          if (hosted.leader !== leader) return;
          this.deps.log.info(`ISR of ${hosted.topicName}-${hosted.partition} is now [${state.isr.join(',')}] (partition epoch ${state.partitionEpoch})`);
          if (leader.commit(state)) this.advanceHighWatermark(hosted);
        },
      },
      isr,
    );
  }

  private shrinkIsrs(): void {
    const now = this.now();
    for (const hosted of this.led) {
      const shrunk = hosted.leader?.shrink(now, this.lagMs);
      if (!shrunk) continue;
      this.deps.log.info(`shrinking ISR of ${hosted.topicName}-${hosted.partition} from [${hosted.leader!.isr.join(',')}] to [${shrunk.join(',')}]: followers behind for over ${this.lagMs} ms`);
      this.proposeIsr(hosted, shrunk);
    }
  }
}
