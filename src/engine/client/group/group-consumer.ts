/**
 * kt's consumer-group member (the classic protocol, eager rebalancing, as Java's KafkaConsumer with
 * the range or roundrobin assignor): subscribe to topics or a pattern, and poll() joins the group,
 * gets partitions from the leader's assignment, starts each at the group's committed offset (else
 * auto.offset.reset) and commits what was consumed — every auto.commit.interval.ms, before giving
 * partitions up in a rebalance, and on close, which also leaves the group (dynamic members only).
 *
 * The fetching is the assignment Consumer's; this class adds membership around it. Rebalances run
 * in the background of poll(): poll returns no records until the member has its new partitions.
 * A partition whose committed offset an open transaction holds (a transactional producer's
 * sendOffsetsToTransaction) is not started until that transaction ends, as in Java: the member
 * heartbeats and asks again every retry.backoff.ms, and poll() returns nothing meanwhile.
 */
import { decodeAssignment, encodeSubscription } from '../../protocol/consumer-protocol.js';
import { ErrorCode } from '../../protocol/errors.js';
import { Cluster } from '../cluster.js';
import { Consumer, type ConsumerOptions, type ConsumerRecord, type TopicPartition } from '../consumer.js';
import type { ConsumerConfig } from '../consumer-config.js';
import { COORDINATOR_ERRORS, GroupCoordinators } from '../coordinator.js';
import { ConfigError, KafkaError, isRetriable, isRetriableError, kafkaError } from '../errors.js';
import { type CommittedOffset, type OffsetToCommit, commitOffsets, fetchStableCommittedOffsets } from '../group-offsets.js';
import { backoffMs, sleep } from '../timing.js';
import { HeartbeatLoop } from './heartbeat.js';
import { assignAsLeader, partitionCountsOf, sameCounts } from './leader-assignment.js';
import { GroupMembership } from './membership.js';
import { Subscription, type SubscriptionSpec, sameTopics } from './subscription.js';

/** Called around rebalances, as Java's ConsumerRebalanceListener. */
export interface RebalanceListener {
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions taken away without a chance to commit (the membership expired or was fenced). */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

export interface GroupConsumerOptions extends ConsumerOptions {
  listener?: RebalanceListener;
}

/** Errors after which the member simply joins again (the membership already forgot what it must). */
const REJOIN_AT_ONCE: ReadonlySet<number> = new Set([
  ErrorCode.REBALANCE_IN_PROGRESS,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.MEMBER_ID_REQUIRED,
]);

/** How long close() waits for the LeaveGroup answer. */
const LEAVE_TIMEOUT_MS = 5000;

export class GroupConsumer {
  readonly consumer: Consumer;
  readonly config: ConsumerConfig;
  readonly groupId: string;
  /**
   * The coordinator gets its own connection, as in Java: a JoinGroup stays parked there for up to
   * the rebalance timeout, and a broker answers one connection's requests in order.
   */
  private readonly coordinatorCluster: Cluster;
  private readonly coordinators: GroupCoordinators;
  private readonly membership: GroupMembership;
  private readonly heartbeats: HeartbeatLoop;
  private readonly listener: RebalanceListener;
  private subscription?: Subscription;
  private joinedTopics: string[] = [];
  /** The leader's view of the group's topics when it assigned, to notice partitions added later. */
  private leaderView?: { topics: string[]; counts: Map<string, number> };
  /** Why the member must (re)join; null while it is a member in good standing. */
  private rejoinReason: string | null = null;
  private joining?: Promise<void>;
  private failure: Error | null = null;
  private woken = false;
  private wakeWaiter?: () => void;
  private closed = false;
  private lastPollAt = Date.now();
  /** Inside poll(): however long it waits for records, the application is polling. */
  private polling = false;
  private nextAutoCommitAt = 0;
  private nextMetadataCheckAt = 0;
  private committing?: Promise<void>;
  /** The join's last step: synced and heartbeating, fetching the new partitions' committed offsets (held by a transaction?). */
  private fetchingOffsets = false;
  private waitingForStableOffsets = false;

  constructor(options: GroupConsumerOptions = {}) {
    const { listener, ...consumerOptions } = options;
    this.consumer = new Consumer(consumerOptions);
    this.config = this.consumer.config;
    const c = this.config;
    if (!c.groupId) {
      throw new ConfigError('To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.');
    }
    if (c.heartbeatIntervalMs >= c.sessionTimeoutMs) throw new ConfigError('Heartbeat must be set lower than the session timeout');
    this.groupId = c.groupId;
    this.listener = listener ?? {};
    const main = this.consumer.cluster;
    this.coordinatorCluster = new Cluster({ bootstrap: main.bootstrap, clientId: main.clientId, connectTimeoutMs: main.connectTimeoutMs, requestTimeoutMs: main.requestTimeoutMs });
    this.coordinators = new GroupCoordinators(this.coordinatorCluster);
    this.membership = new GroupMembership(this.coordinators, {
      groupId: c.groupId,
      groupInstanceId: c.groupInstanceId ?? null,
      sessionTimeoutMs: c.sessionTimeoutMs,
      rebalanceTimeoutMs: c.maxPollIntervalMs,
      requestTimeoutMs: c.requestTimeoutMs,
    });
    this.heartbeats = new HeartbeatLoop(c.heartbeatIntervalMs, () => this.beat());
  }

  get memberId(): string {
    return this.membership.memberId;
  }

  get generationId(): number {
    return this.membership.generationId;
  }

  /** True while the member has joined but an open transaction holds the committed offsets it would start from. */
  get awaitingStableOffsets(): boolean {
    return this.waitingForStableOffsets;
  }

  /** What a transactional producer's sendOffsetsToTransaction needs (Java's consumer.groupMetadata()). */
  groupMetadata(): { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null } {
    return { groupId: this.groupId, generationId: this.membership.generationId, memberId: this.membership.memberId, groupInstanceId: this.config.groupInstanceId ?? null };
  }

  async connect(): Promise<void> {
    await this.consumer.connect();
  }

  /** Subscribe to these topics, or to every topic the pattern matches (the whole name); replaces any earlier subscription. */
  subscribe(spec: SubscriptionSpec): void {
    this.subscription = new Subscription(spec);
    this.requestRejoin('the subscription changed');
  }

  assignment(): TopicPartition[] {
    return this.consumer.assignment();
  }

  position(tp: TopicPartition): number | null {
    return this.consumer.position(tp);
  }

  seek(tp: TopicPartition, offset: number): void {
    this.consumer.seek(tp, offset);
  }

  /** Records within `timeoutMs` (possibly none), joining or rejoining the group first when it must. */
  async poll(timeoutMs: number): Promise<ConsumerRecord[]> {
    if (!this.subscription) throw new Error('Consumer is not subscribed to any topics or assigned any partitions');
    const deadline = Date.now() + timeoutMs;
    this.woken = false;
    this.polling = true;
    try {
      return await this.pollUntil(deadline);
    } finally {
      this.polling = false;
      this.lastPollAt = Date.now();
    }
  }

  private async pollUntil(deadline: number): Promise<ConsumerRecord[]> {
    for (;;) {
      this.throwIfFailed();
      this.lastPollAt = Date.now();
      if (this.closed || this.woken) return [];
      if (this.rejoinReason !== null || this.joining) {
        await this.untilJoined(deadline);
        this.throwIfFailed();
        if (this.rejoinReason !== null || this.joining || this.woken) return [];
      }
      this.maybeAutoCommit();
      this.maybeCheckMetadata();
      const records = await this.consumer.poll(Math.max(0, deadline - Date.now()));
      // An empty answer before the deadline means a rebalance woke the fetcher: go round again.
      if (records.length > 0 || Date.now() >= deadline || this.woken || this.closed) return records;
    }
  }

  /** Make a poll() in progress return now (for Ctrl-C). */
  wakeup(): void {
    this.woken = true;
    this.wakeWaiter?.();
    this.consumer.wakeup();
  }

  /** Commit `offsets`, or the position of every assigned partition (the next record poll() would return). */
  async commit(offsets: readonly OffsetToCommit[] = this.consumedPositions()): Promise<void> {
    try {
      await commitOffsets(this.coordinators, this.groupId, offsets, this.membership.membership());
    } catch (err) {
      this.onCommitError(err);
      throw err;
    }
  }

  /** Commit consumed positions (with auto commit on), give the partitions up, leave the group, disconnect. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeats.stop();
    this.wakeup();
    try {
      if (!this.joining) await this.revoke();
      await this.membership.leave('the consumer is being closed', Math.min(this.config.requestTimeoutMs, LEAVE_TIMEOUT_MS)).catch(() => undefined);
    } finally {
      this.consumer.close();
      this.coordinatorCluster.close();
    }
  }

  private consumedPositions(): OffsetToCommit[] {
    const out: OffsetToCommit[] = [];
    for (const tp of this.consumer.assignment()) {
      const offset = this.consumer.position(tp);
      if (offset !== null) out.push({ ...tp, offset });
    }
    return out;
  }

  private requestRejoin(reason: string): void {
    this.rejoinReason ??= reason;
    this.wakeWaiter?.();
    this.consumer.wakeup();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.heartbeats.stop();
    this.wakeWaiter?.();
    this.consumer.wakeup();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Start (or keep) the background rebalance and wait for it until the deadline or a wakeup. */
  private async untilJoined(deadline: number): Promise<void> {
    this.joining ??= this.rebalance()
      .catch((err: unknown) => this.fail(err as Error))
      .finally(() => {
        this.joining = undefined;
        this.wakeWaiter?.();
      });
    const left = deadline - Date.now();
    if (left <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, left);
      this.wakeWaiter = resolve;
      void this.joining?.then(resolve);
    });
    clearTimeout(timer);
    this.wakeWaiter = undefined;
  }

  /** Give up the partitions (committing first, when allowed), then join until the member has an assignment. */
  private async rebalance(): Promise<void> {
    this.heartbeats.stop();
    await this.revoke();
    for (let attempt = 0; !this.closed; attempt++) {
      const reason = this.rejoinReason ?? 'rejoining the group';
      this.rejoinReason = null;
      try {
        if (await this.joinOnce(reason)) return;
        this.heartbeats.stop();
        this.rejoinReason ??= reason;
      } catch (err) {
        this.heartbeats.stop();
        if (!isRetriableError(err)) throw err;
        this.rejoinReason ??= reason;
        await sleep(backoffMs(attempt, this.config.retryBackoffMs));
      }
    }
  }

  /** JoinGroup, the leader's assignment, SyncGroup, then positions. False: join again now. */
  private async joinOnce(reason: string): Promise<boolean> {
    const topics = await this.subscription!.resolve(this.consumer.cluster);
    this.joinedTopics = topics;
    const metadata = encodeSubscription(topics, 3, { generationId: this.membership.generationId });
    const joined = await this.membership.join(
      this.config.partitionAssignmentStrategy.map((name) => ({ name, metadata })),
      reason,
    );
    if (!joined.ok) return this.retryOrThrow(joined.errorCode, 'JoinGroup');
    let assignments: { memberId: string; assignment: Buffer }[] = [];
    this.leaderView = undefined;
    if (joined.value.leaderId === this.membership.memberId && !joined.value.skipAssignment) {
      const leader = await assignAsLeader(this.consumer.cluster, joined.value);
      assignments = leader.assignments;
      this.leaderView = { topics: leader.topics, counts: leader.partitionCounts };
    }
    const synced = await this.membership.sync(assignments);
    if (!synced.ok) return this.retryOrThrow(synced.errorCode, 'SyncGroup');
    const tps = (decodeAssignment(synced.value) ?? []).flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    // Heartbeat from here: waiting for a transaction's offsets may outlast the session timeout.
    this.heartbeats.start();
    const committed = await this.stableOffsets(tps);
    if (committed === null) return false;
    await this.onAssigned(tps, committed);
    return true;
  }

  /**
   * The committed offsets to start `tps` from, waiting while a transaction holds some of them;
   * null when a rebalance, the member's poll timeout or close() ends the wait (join again).
   */
  private async stableOffsets(tps: TopicPartition[]): Promise<Map<string, CommittedOffset> | null> {
    if (tps.length === 0) return new Map();
    const interrupted = () => this.closed || this.rejoinReason !== null || this.failure !== null;
    this.fetchingOffsets = true;
    try {
      const committed = await fetchStableCommittedOffsets(this.coordinators, this.groupId, tps, {
        retryBackoffMs: this.config.retryBackoffMs,
        cancelled: interrupted,
        onRetry: (err) => {
          if (err instanceof KafkaError && err.code === ErrorCode.UNSTABLE_OFFSET_COMMIT) this.waitingForStableOffsets = true;
        },
      });
      this.throwIfFailed();
      return interrupted() ? null : committed;
    } finally {
      this.fetchingOffsets = false;
      this.waitingForStableOffsets = false;
    }
  }

  private retryOrThrow(code: number, api: string): false {
    if (REJOIN_AT_ONCE.has(code)) return false;
    // Retriable codes (and coordinator codes that outlived the lookup retries) back off in rebalance().
    throw kafkaError(code, null, `${api} for group ${this.groupId}`);
  }

  private async onAssigned(tps: TopicPartition[], committed: Map<string, CommittedOffset>): Promise<void> {
    await this.consumer.assign(tps);
    for (const c of committed.values()) this.consumer.seek(c, c.offset);
    this.nextAutoCommitAt = Date.now() + this.config.autoCommitIntervalMs;
    this.nextMetadataCheckAt = Date.now() + this.config.metadataMaxAgeMs;
    await this.listener.onPartitionsAssigned?.(tps);
  }

  /** Eager rebalancing: every partition goes back before joining; committed first while the generation is valid. */
  private async revoke(): Promise<void> {
    const owned = this.consumer.assignment();
    if (owned.length === 0) return;
    if (this.membership.generationId >= 0) {
      await this.committing;
      if (this.config.enableAutoCommit) await this.commit().catch(() => undefined);
      await this.listener.onPartitionsRevoked?.(owned);
    } else {
      await this.listener.onPartitionsLost?.(owned);
    }
    await this.consumer.assign([]);
  }

  /** Java's asynchronous auto commit from poll(); a failure is retried at the next interval. */
  private maybeAutoCommit(): void {
    if (!this.config.enableAutoCommit || this.committing || this.membership.generationId < 0 || Date.now() < this.nextAutoCommitAt) return;
    this.nextAutoCommitAt = Date.now() + this.config.autoCommitIntervalMs;
    this.committing = this.commit()
      .catch(() => undefined)
      .finally(() => (this.committing = undefined));
  }

  private onCommitError(err: unknown): void {
    if (!(err instanceof KafkaError)) return;
    if (err.code === ErrorCode.FENCED_INSTANCE_ID) return this.fail(err);
    if (err.code === ErrorCode.UNKNOWN_MEMBER_ID || err.code === ErrorCode.ILLEGAL_GENERATION) this.membership.reset(err.code === ErrorCode.UNKNOWN_MEMBER_ID);
    if (REJOIN_AT_ONCE.has(err.code)) this.requestRejoin(`OffsetCommit answered ${err.name}`);
  }

  /** Every metadata.max.age.ms: a pattern may match new topics; the leader watches partition counts. */
  private maybeCheckMetadata(): void {
    if (Date.now() < this.nextMetadataCheckAt || this.membership.generationId < 0) return;
    this.nextMetadataCheckAt = Date.now() + this.config.metadataMaxAgeMs;
    void (async () => {
      if (this.subscription?.isPattern && !sameTopics(await this.subscription.resolve(this.consumer.cluster), this.joinedTopics)) {
        return this.requestRejoin('the topics matching the subscribed pattern changed');
      }
      const view = this.leaderView;
      if (view && !sameCounts(await partitionCountsOf(this.consumer.cluster, view.topics), view.counts)) {
        this.requestRejoin('the partitions of the group\'s topics changed');
      }
    })().catch(() => undefined);
  }

  /** One heartbeat, and what its answer means for the membership (as Java's HeartbeatResponseHandler). */
  private async beat(): Promise<void> {
    if (!this.polling && Date.now() - this.lastPollAt > this.config.maxPollIntervalMs) {
      // The application stopped polling: leave, so the group moves on without it.
      this.heartbeats.stop();
      this.requestRejoin('consumer poll timeout has expired');
      return this.membership.leave('consumer poll timeout has expired', LEAVE_TIMEOUT_MS).catch(() => undefined);
    }
    const generation = this.membership.generationId;
    const code = await this.membership.heartbeat().catch(() => ErrorCode.NONE);
    // While joining, the join itself handles the answers; but a member waiting for a transaction's offsets has joined.
    if (generation !== this.membership.generationId || (this.joining && !this.fetchingOffsets) || code === ErrorCode.NONE) return;
    switch (code) {
      case ErrorCode.REBALANCE_IN_PROGRESS:
        // Keep heartbeating until poll() rejoins, so the session lives while the application works.
        return this.requestRejoin('the group is rebalancing');
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.heartbeats.stop();
        this.membership.reset(code === ErrorCode.UNKNOWN_MEMBER_ID);
        return this.requestRejoin(`Heartbeat answered ${kafkaError(code).name}`);
      default:
        if (!isRetriable(code) && !COORDINATOR_ERRORS.has(code)) this.fail(kafkaError(code, null, `Heartbeat for group ${this.groupId}`));
    }
  }
}
