/**
 * The group coordinator: consumer groups and their committed offsets for the __consumer_offsets
 * partitions this broker leads. A group lives on partition abs(hash(groupId)) % partitions; requests
 * for a group on a partition this broker does not lead get NOT_COORDINATOR, and while a partition is
 * being replayed COORDINATOR_LOAD_IN_PROGRESS. The topic itself is created through the controller on
 * first FindCoordinator. Operations live in their own modules; this class routes and guards them.
 *
 * Every answer that follows a write waits until the partition's records are replicated to the ISR
 * (replication.ts, offsets.commit.timeout.ms): a commit or an assignment is only acknowledged once
 * it survives the leader's loss. Which partitions are served follows their leadership (ownership.ts).
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { QuorumController } from '../../controller/quorum-controller.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { MetadataChange } from '../../metadata/replay.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { deleteGroup, deleteOffsets, type DescribedGroup, describeGroup, type ListedGroup, listGroups, type OffsetDeleteResult } from './admin.js';
import { ClassicGroup } from './classic-group.js';
import { type JoinResult, joinError, type SyncResult, syncError } from './classic-member.js';
import type { GroupConfig } from './config.js';
import { consumerGroupTombstones } from './consumer/consumer-records.js';
import { describeConsumerGroup } from './consumer/describe.js';
import { consumerGroupHeartbeat, type ConsumerHeartbeatRequest, type ConsumerHeartbeatResponse } from './consumer/heartbeat.js';
import { type CoordinatorContext, type Group, groupTimerPrefix } from './context.js';
import { expireOffsets } from './expiration.js';
import { heartbeatClassicGroup, type LeaveResult, leaveClassicGroup, type LeavingMember } from './heartbeat-leave.js';
import { joinClassicGroup, type JoinRequest } from './join-group.js';
import { loadPartition } from './loader.js';
import { type CommitRequest, type CommitResult, commitOffsets, commitResult } from './offset-commit.js';
import { type FetchedGroup, type FetchRequest, fetchOffsets } from './offset-fetch.js';
import { OffsetStore } from './offset-store.js';
import { type RecordWriter, replicaManagerWriter, type TxnProducer, type WriteResult } from './offsets-log.js';
import { PendingOffsets } from './pending-offsets.js';
import { createOffsetsTopic } from './offsets-topic.js';
import { GroupPartitions } from './ownership.js';
import { OFFSETS_TOPIC, partitionForGroup } from './partitioner.js';
import { type Held, ReplicationBarrier } from '../replication.js';
import type { CoordinatorRecord } from './records.js';
import { type SyncRequest, syncClassicGroup } from './sync-group.js';
import { type CoordinatorTimer, SystemTimer } from './timer.js';
import { commitTransactionalOffsets, type TxnCommitRequest, type TxnCommitResult, txnCommitResult, type TxnPartitionVerifier } from './txn-offset-commit.js';

export interface GroupCoordinatorDeps {
  config: GroupConfig;
  nodeId: number;
  log: Logger;
  metadata(): MetadataImage;
  replicaManager: ReplicaManager;
  controller: QuorumController;
  timer?: CoordinatorTimer;
  writer?: RecordWriter;
}

export interface CoordinatorNode {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

const EXPIRE_KEY = '\u0000expire-offsets';

/** Put `errorCode` on every partition of an offset commit's answer that succeeded. */
function failCommitted<R extends { topics: { partitions: { errorCode: number }[] }[] }>(result: R, errorCode: number): R {
  return {
    ...result,
    topics: result.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => (p.errorCode === ErrorCode.NONE ? { ...p, errorCode } : p)) })),
  };
}

export class GroupCoordinator {
  readonly ctx: CoordinatorContext;
  /** __consumer_offsets partitions this broker coordinates, and whether their replay is done. */
  private readonly partitions: GroupPartitions;
  private readonly barrier: ReplicationBarrier;
  private creatingTopic?: Promise<void>;
  private readonly writer: RecordWriter;
  private closed = false;

  constructor(private readonly deps: GroupCoordinatorDeps) {
    const log = deps.log;
    const timer = deps.timer ?? new SystemTimer((key, err) => log.error(`group coordinator timer ${JSON.stringify(key)} failed`, err));
    this.writer = deps.writer ?? replicaManagerWriter(deps.replicaManager, deps.metadata, () => timer.now());
    this.ctx = {
      config: deps.config,
      timer,
      log,
      groups: new Map(),
      offsets: new OffsetStore(),
      pending: new PendingOffsets(),
      metadata: deps.metadata,
      write: (groupId, records) => this.write(groupId, records).errorCode,
      append: (groupId, records, txn) => this.write(groupId, records, txn),
    };
    this.barrier = new ReplicationBarrier(() => deps.replicaManager, deps.config.offsetsCommitTimeoutMs);
    this.partitions = new GroupPartitions({
      nodeId: deps.nodeId,
      log,
      replicaManager: deps.replicaManager,
      replay: (partition, partitionLog, cancelled) => loadPartition(this.ctx, partitionLog, cancelled, (groupId) => this.partitionFor(groupId) === partition),
      drop: (partition) => this.dropPartition(partition),
      closed: () => this.closed,
    });
  }

  /**
   * `result` once everything written to the group's partition so far is replicated (at once when
   * nothing is pending); `onError` gives the answer when that fails (the coordinator error, e.g.
   * COORDINATOR_NOT_AVAILABLE after offsets.commit.timeout.ms, NOT_COORDINATOR after losing the
   * partition's leadership).
   */
  private held<T>(groupId: string, result: T, onError: (errorCode: number) => T): Held<T> {
    return this.barrier.hold(OFFSETS_TOPIC, this.partitionFor(groupId), result, onError);
  }

  /** The same for an answer that may itself still be parked (a JoinGroup or SyncGroup waiting for the rebalance). */
  private heldWhenDone<T>(groupId: string, result: Held<T>, onError: (result: T, errorCode: number) => T): Held<T> {
    if (!(result instanceof Promise)) return this.held(groupId, result, (code) => onError(result, code));
    return result.then((r) => this.held(groupId, r, (code) => onError(r, code)));
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.numPartitions());
  }

  private numPartitions(): number {
    return this.deps.metadata().topic(OFFSETS_TOPIC)?.partitions.size || this.deps.config.offsetsTopicNumPartitions;
  }

  private write(groupId: string, records: CoordinatorRecord[], txn?: TxnProducer): WriteResult {
    if (records.length === 0) return { errorCode: ErrorCode.NONE, baseOffset: -1 };
    const partition = this.partitionFor(groupId);
    if (!this.partitions.isActive(partition)) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1 };
    return this.writer(partition, records, txn);
  }

  /** NONE when this broker serves the group now, else NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS. */
  groupStatus(groupId: string): number {
    return this.partitions.status(this.partitionFor(groupId));
  }

  // ---- Transactions

  /**
   * A COMMIT or ABORT marker for `producerId` was written to __consumer_offsets-`partition`: the
   * producer's pending transactional offsets of the groups on that partition become committed
   * offsets (each only if its record is later in the log than the committed offset's), or are dropped.
   */
  completeTransaction(partition: number, producerId: number, commit: boolean): void {
    if (this.closed) return;
    const committed = this.ctx.pending.complete(producerId, commit, this.ctx.offsets, (groupId) => this.partitionFor(groupId) === partition);
    if (committed > 0) this.deps.log.debug(`Committed ${committed} transactional offsets of producer ${producerId} on ${OFFSETS_TOPIC}-${partition}`);
  }

  /**
   * TxnOffsetCommit. `verify` (KIP-890 part 1, when transaction.partition.verification.enable) is
   * asked whether the group's partition is in the producer's transaction, unless the log already
   * holds that transaction open there.
   */
  commitTransactionalOffsets(req: TxnCommitRequest, verify?: TxnPartitionVerifier): Held<TxnCommitResult> {
    if (!req.groupId) return txnCommitResult(req, ErrorCode.INVALID_GROUP_ID);
    const status = this.groupStatus(req.groupId);
    if (status !== ErrorCode.NONE) return txnCommitResult(req, status);
    const partition = this.partitionFor(req.groupId);
    const open = this.deps.replicaManager.get(OFFSETS_TOPIC, partition)?.log.hasOngoingTransaction(req.producerId) === true;
    const result = commitTransactionalOffsets(this.ctx, req, verify && !open ? () => verify(req.transactionalId, req.producerId, req.producerEpoch, OFFSETS_TOPIC, partition) : undefined);
    return this.held(req.groupId, result, (code) => failCommitted(result, code));
  }

  // ---- FindCoordinator

  async findGroupCoordinator(groupId: string, listenerName: string): Promise<CoordinatorNode> {
    const none = (errorCode: number, errorMessage: string | null = null): CoordinatorNode => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
    if (!this.deps.metadata().topic(OFFSETS_TOPIC)) await this.createOffsetsTopic();
    const image = this.deps.metadata();
    const state = image.topic(OFFSETS_TOPIC)?.partitions.get(this.partitionFor(groupId));
    if (!state || state.leader < 0 || image.brokers.get(state.leader)?.fenced) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
    const endpoint = image.endpointFor(state.leader, listenerName);
    if (!endpoint) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.');
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: state.leader, host: endpoint.host, port: endpoint.port };
  }

  private createOffsetsTopic(): Promise<void> {
    this.creatingTopic ??= createOffsetsTopic(this.deps).finally(() => {
      this.creatingTopic = undefined;
    });
    return this.creatingTopic;
  }

  // ---- classic membership

  joinGroup(req: JoinRequest): Held<JoinResult> {
    if (!req.groupId) return joinError(ErrorCode.INVALID_GROUP_ID, req.memberId);
    const result = this.joinGroupNow(req);
    return this.heldWhenDone(req.groupId, result, (r, code) => (r.errorCode === ErrorCode.NONE ? joinError(code, r.memberId) : r));
  }

  private joinGroupNow(req: JoinRequest): Held<JoinResult> {
    const status = this.groupStatus(req.groupId);
    if (status !== ErrorCode.NONE) return joinError(status, req.memberId);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.deps.config;
    if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    let group = this.ctx.groups.get(req.groupId);
    if (group?.type === 'consumer') {
      // An empty KIP-848 group becomes a classic group; a live one cannot take classic members.
      if (group.members.size > 0 || req.memberId !== '') return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
      const error = this.ctx.write(req.groupId, consumerGroupTombstones(group));
      if (error !== ErrorCode.NONE) return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId);
      this.forget(group, ErrorCode.NONE);
      group = undefined;
    }
    if (!group) {
      if (req.memberId !== '') return joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId);
      group = new ClassicGroup(req.groupId, this.ctx.timer.now());
      this.ctx.groups.set(req.groupId, group);
    }
    return joinClassicGroup(this.ctx, group, req);
  }

  syncGroup(req: SyncRequest): Held<SyncResult> {
    if (!req.groupId) return syncError(ErrorCode.INVALID_GROUP_ID);
    const status = this.groupStatus(req.groupId);
    if (status !== ErrorCode.NONE) return syncError(status);
    const group = this.ctx.groups.get(req.groupId);
    if (group?.type !== 'classic') return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    // Every member's assignment waits for the leader's write of the generation to be replicated.
    return this.heldWhenDone(req.groupId, syncClassicGroup(this.ctx, group, req), (r, code) => (r.errorCode === ErrorCode.NONE ? syncError(code) : r));
  }

  heartbeat(req: { groupId: string; generationId: number; memberId: string; groupInstanceId: string | null }): number {
    if (!req.groupId) return ErrorCode.INVALID_GROUP_ID;
    const status = this.groupStatus(req.groupId);
    // Kafka answers heartbeats blindly while the group's partition loads.
    if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return ErrorCode.NONE;
    if (status !== ErrorCode.NONE) return status;
    const group = this.ctx.groups.get(req.groupId);
    if (group?.type !== 'classic') return ErrorCode.UNKNOWN_MEMBER_ID;
    return heartbeatClassicGroup(this.ctx, group, req);
  }

  leaveGroup(groupId: string, members: LeavingMember[]): Held<LeaveResult> {
    if (!groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const status = this.groupStatus(groupId);
    if (status !== ErrorCode.NONE) return { errorCode: status, members: [] };
    const group = this.ctx.groups.get(groupId);
    if (group?.type !== 'classic') return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    const result = leaveClassicGroup(this.ctx, group, members);
    return this.held(groupId, result, (errorCode) => (result.errorCode === ErrorCode.NONE ? { errorCode, members: [] } : result));
  }

  // ---- KIP-848 consumer groups

  consumerGroupHeartbeat(req: ConsumerHeartbeatRequest): Held<ConsumerHeartbeatResponse> {
    const unavailable = (errorCode: number): ConsumerHeartbeatResponse => ({ errorCode, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    if (!this.deps.config.consumerProtocolEnabled) return unavailable(ErrorCode.UNSUPPORTED_VERSION);
    if (req.groupId) {
      const status = this.groupStatus(req.groupId);
      if (status !== ErrorCode.NONE) return unavailable(status);
    }
    const result = consumerGroupHeartbeat(this.ctx, req);
    if (!req.groupId || result.errorCode !== ErrorCode.NONE) return result;
    return this.held(req.groupId, result, unavailable);
  }

  consumerGroupDescribe(groupIds: string[]): Message[] {
    return groupIds.map((groupId) => {
      const status = groupId ? this.groupStatus(groupId) : ErrorCode.INVALID_GROUP_ID;
      if (status !== ErrorCode.NONE) {
        return { errorCode: status, errorMessage: null, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [] };
      }
      return describeConsumerGroup(this.ctx, groupId);
    });
  }

  // ---- offsets

  commitOffsets(req: CommitRequest): Held<CommitResult> {
    if (!req.groupId) return commitResult(req, ErrorCode.INVALID_GROUP_ID);
    const status = this.groupStatus(req.groupId);
    if (status !== ErrorCode.NONE) return commitResult(req, status);
    const result = commitOffsets(this.ctx, req);
    return this.held(req.groupId, result, (code) => failCommitted(result, code));
  }

  fetchOffsets(req: FetchRequest): FetchedGroup {
    if (!req.groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const status = this.groupStatus(req.groupId);
    if (status !== ErrorCode.NONE) return { errorCode: status, topics: [] };
    return fetchOffsets(this.ctx, req);
  }

  deleteOffsets(groupId: string, topics: { name: string; partitions: { partitionIndex: number }[] }[]): Held<OffsetDeleteResult> {
    if (!groupId) return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    const status = this.groupStatus(groupId);
    if (status !== ErrorCode.NONE) return { errorCode: status, topics: [] };
    const result = deleteOffsets(this.ctx, groupId, topics);
    return this.held(groupId, result, (errorCode) => (result.errorCode === ErrorCode.NONE ? { errorCode, topics: [] } : result));
  }

  // ---- administration

  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const status = groupId ? this.groupStatus(groupId) : ErrorCode.INVALID_GROUP_ID;
      if (status !== ErrorCode.NONE) return { errorCode: status, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
      return describeGroup(this.ctx, groupId);
    });
  }

  listGroups(statesFilter: string[], typesFilter: string[]): { errorCode: number; groups: ListedGroup[] } {
    const loading = this.partitions.anyLoading();
    return { errorCode: loading ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE, groups: listGroups(this.ctx, statesFilter, typesFilter) };
  }

  deleteGroups(groupIds: string[]): Held<{ groupId: string; errorCode: number }[]> {
    const results = groupIds.map((groupId) => {
      const status = groupId ? this.groupStatus(groupId) : ErrorCode.INVALID_GROUP_ID;
      const result = { groupId, errorCode: status !== ErrorCode.NONE ? status : deleteGroup(this.ctx, groupId) };
      return result.errorCode === ErrorCode.NONE ? this.held(groupId, result, (errorCode) => ({ groupId, errorCode })) : result;
    });
    return results.some((r) => r instanceof Promise) ? Promise.all(results) : (results as { groupId: string; errorCode: number }[]);
  }

  group(groupId: string): Group | undefined {
    return this.ctx.groups.get(groupId);
  }

  // ---- partition ownership

  /** Load every __consumer_offsets partition this broker leads, and start the offset expiry check. */
  startup(): Promise<void> {
    this.scheduleExpiration();
    return this.partitions.reconcile(this.deps.metadata());
  }

  /** Follow the leadership of the __consumer_offsets partitions (ownership.ts). */
  onMetadataChange(change: MetadataChange, image: MetadataImage): void {
    if (this.closed) return;
    void this.partitions.onMetadataChange(change, image);
  }

  /** A partition is no longer coordinated here: its groups are forgotten and their parked requests answered. */
  private dropPartition(partition: number): void {
    for (const group of [...this.ctx.groups.values()]) {
      if (this.partitionFor(group.groupId) === partition) this.forget(group, ErrorCode.NOT_COORDINATOR);
    }
    for (const groupId of [...this.ctx.offsets.groupIds()]) {
      if (this.partitionFor(groupId) === partition) this.ctx.offsets.deleteGroup(groupId);
    }
    for (const groupId of [...this.ctx.pending.groupIds()]) {
      if (this.partitionFor(groupId) === partition) this.ctx.pending.removeGroup(groupId);
    }
  }

  private forget(group: Group, errorCode: number): void {
    this.ctx.timer.cancelAll(groupTimerPrefix(group.groupId));
    if (group.type === 'classic') {
      for (const m of group.members.values()) {
        group.completeJoin(m, joinError(errorCode, m.memberId));
        m.completeSync(syncError(errorCode));
      }
    }
    this.ctx.groups.delete(group.groupId);
  }

  private scheduleExpiration(): void {
    this.ctx.timer.schedule(EXPIRE_KEY, this.deps.config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsetsNow();
      this.scheduleExpiration();
    });
  }

  /** Run the offset expiry check now (it also runs every offsets.retention.check.interval.ms). */
  expireOffsetsNow(): void {
    const ids = [...this.ctx.groups.keys(), ...this.ctx.offsets.groupIds()].filter((id) => this.groupStatus(id) === ErrorCode.NONE);
    expireOffsets(this.ctx, new Set(ids));
  }

  close(): void {
    this.closed = true;
    for (const group of [...this.ctx.groups.values()]) this.forget(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.ctx.timer.cancelAll();
    this.partitions.clear();
  }
}

