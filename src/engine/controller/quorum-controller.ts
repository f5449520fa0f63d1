/**
 * The quorum controller: the single writer of cluster metadata. Every change — a broker registering,
 * a topic created, a config altered — is validated against the image, written to the metadata log
 * as Kafka's metadata records, and only then applied to the image by replaying those same records.
 * A restart replays the log and arrives at the same image.
 *
 * Operations run one at a time (a promise chain), so a request is always validated against the image
 * its records will be applied to. On one node a batch commits once durably appended; the Raft quorum
 * replaces that step without changing anything here.
 */
import type { Logger } from '../logger.js';
import { MetadataImage } from '../metadata/image.js';
import { BOOTSTRAP_FEATURE_LEVELS, SUPPORTED_FEATURES } from '../metadata/features.js';
import { RecordType, SECURITY_PROTOCOLS } from '../metadata/record-types.js';
import { applyMetadataRecord, emptyChange, type MetadataChange } from '../metadata/replay.js';
import { localReplicaChanges } from '../metadata/local-replica-changes.js';
import { randomUuid } from '../metadata/meta-properties.js';
import type { MetadataSnapshots } from '../metadata/metadata-snapshots.js';
import { applySnapshot } from '../metadata/snapshot-apply.js';
import type { SnapshotId } from '../metadata/snapshot-id.js';
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { planConfigChange, type ConfigResourceChange } from './config-control.js';
import type { MetadataLog } from './metadata-log.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';
import { planAllocateProducerIds, type ProducerIdBlock } from './producer-ids.js';
import {
  ClusterControl,
  type BrokerHeartbeatReply,
  type BrokerHeartbeatRequest,
  type BrokerRegistrationReply,
  type BrokerRegistrationRequest,
  type ClusterControlOptions,
  type Planned,
} from './cluster-control.js';
import { leaderCheck } from './leader-balance.js';
import type { ElectionPolicy } from './partition-leadership.js';
import { listPartitionReassignments, planAlterPartitionReassignments } from './reassignment.js';
import { electionPolicy, planAlterPartition, planElectLeaders, type ReplicationConfigSource } from './replication-control.js';
import { planCreatePartitions, planCreateTopic, planDeleteTopic, type Outcome, type TopicDefaults, type TopicRequest } from './topic-control.js';
import type { ControllerQuorum } from './quorum/controller-quorum.js';

export type MetadataListener = (change: MetadataChange, image: MetadataImage) => void;

/**
 * A broker registered from inside the process without a lifecycle manager (tests, fixtures): it is
 * registered and unfenced at once, as if its first heartbeat had come. Servers use the
 * BrokerRegistration / BrokerHeartbeat path (src/engine/broker/lifecycle/).
 */
export interface LocalBrokerRegistration {
  nodeId: number;
  endpoints: { name: string; host: string; port: number; securityProtocol: string }[];
  rack: string | null;
}

export interface QuorumControllerOptions extends ClusterControlOptions {
  /** Random numbers for replica placement (replica-placement.ts); injectable for deterministic tests. */
  random?: () => number;
  /** unclean.leader.election.enable, auto.leader.rebalance.enable, leader.imbalance.*; without it (tests): false, off. */
  config?: ReplicationConfigSource;
}

export interface CreateTopicResult extends Outcome {
  name: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
}

export class QuorumController {
  readonly image: MetadataImage;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: MetadataListener[] = [];
  /** Broker registrations, heartbeats and fencing (cluster-control.ts); active while this controller is. */
  readonly cluster: ClusterControl;
  private readonly random: () => number;
  private sessionCheck?: NodeJS.Timeout;
  private leaderCheck?: NodeJS.Timeout;
  private readonly config?: ReplicationConfigSource;
  readonly electionPolicy: ElectionPolicy;
  /**
   * Set in KRaft mode (controller.quorum.voters, quorum/controller-quorum.ts): records are written
   * only through the Raft quorum while this node is the active controller, and applied only once
   * committed (applyCommitted); operations on another node go to the active controller.
   */
  private quorum?: ControllerQuorum;

  constructor(
    private readonly log: MetadataLog,
    clusterId: string,
    readonly nodeId: number,
    private readonly logger: Logger,
    /** Metadata snapshots (metadata-snapshots.ts); without them the whole log is replayed at start. */
    private readonly snapshots?: MetadataSnapshots,
    options: QuorumControllerOptions = {},
  ) {
    this.image = new MetadataImage(clusterId, nodeId);
    this.cluster = new ClusterControl(this.image, options);
    this.random = options.random ?? Math.random;
    this.config = options.config;
    this.cluster.electionPolicy = this.electionPolicy = electionPolicy(this.image, nodeId, options.config, logger);
  }

  /** Put the controller on the Raft quorum (before start). */
  attachQuorum(quorum: ControllerQuorum): void {
    this.quorum = quorum;
  }

  /** True when this node may write: always on one node; on a quorum, the leader once caught up. */
  get isActive(): boolean {
    return this.quorum ? this.quorum.isActive : true;
  }

  /**
   * Committed records in log order (KRaft mode): the one path by which the image changes, the same
   * on the active controller, standby controllers and brokers, as Kafka's MetadataLoader publishes.
   */
  applyCommitted(entries: { offset: number; record: MetadataRecord }[]): void {
    const change = emptyChange();
    for (const { offset, record } of entries) applyMetadataRecord(this.image, record.type, record.data, offset, change);
    this.publish(change);
  }

  /**
   * A snapshot replaces the image (KRaft mode): the latest one at start, or one a follower fetched
   * because it fell behind the leader's log start. The image object stays (handlers and
   * coordinators hold it); what changed is published as a delta like any commit: topics gone are
   * deleted, every partition of the snapshot is (re)created, leadership follows the snapshot.
   */
  loadSnapshot(id: SnapshotId, records: readonly MetadataRecord[]): void {
    this.publish(applySnapshot(this.image, id, records));
  }

  onChange(listener: MetadataListener): void {
    this.listeners.push(listener);
  }

  /**
   * Rebuild the image from the log; bootstrap the features on a brand-new log (metadata.version and
   * transaction.version 2, one FeatureLevelRecord each, as Kafka 4.0 formats a new cluster). A log
   * written before transaction.version existed keeps it at level 0, as Kafka keeps an upgraded
   * cluster's features until an operator finalizes them (kafka-features.sh upgrade): its producers go
   * on with AddPartitionsToTxn and the epoch kept per transaction.
   */
  async start(): Promise<void> {
    // On a quorum the image comes from committed batches and the features are bootstrapped by
    // the first leader (controller-quorum.ts); activation follows leadership, not start.
    if (this.quorum) return;
    let count = 0;
    // The latest snapshot first, then only the log after it.
    const snapshot = this.snapshots?.load(this.log);
    const change = snapshot ? applySnapshot(this.image, snapshot.id, snapshot.records) : emptyChange();
    if (snapshot) this.log.lastRecordTimestamp = snapshot.header.lastContainedLogTimestamp;
    for (const { offset, record } of this.log.replay(snapshot?.id.endOffset ?? 0)) {
      applyMetadataRecord(this.image, record.type, record.data, offset, change);
      count++;
    }
    this.logger.info(`replayed ${count} metadata records up to offset ${this.image.offset}`);
    this.publish(change);
    this.maybeSnapshot(this.log.bytesReplayed);
    if (this.log.endOffset === 0 && !snapshot) {
      await this.commit(BOOTSTRAP_FEATURE_LEVELS.map((f) => metadataRecord(RecordType.FeatureLevel, { name: f.name, featureLevel: f.featureLevel })));
    }
    this.activate();
  }

  /**
   * Become the active controller: broker sessions start now, and brokers whose sessions expire are
   * fenced from here on. The broker with this node's id (combined mode) gets no session from its old
   * registration: that registration's process is gone, since this one holds its directories.
   */
  activate(): void {
    this.cluster.activate(this.nodeId);
    const every = Math.max(50, Math.min(1000, Math.floor(this.cluster.heartbeats.sessionTimeoutMs / 4)));
    clearInterval(this.sessionCheck);
    this.sessionCheck = setInterval(() => void this.fenceStaleBrokers().catch((err) => this.logger.error(`fencing stale brokers failed: ${err}`)), every);
    this.sessionCheck.unref();
    clearInterval(this.leaderCheck);
    const leaderEvery = (this.config?.int('leader.imbalance.check.interval.seconds') ?? 300) * 1000;
    this.leaderCheck = setInterval(() => void this.checkLeaders().catch((err) => this.logger.error(`leader check failed: ${err}`)), leaderEvery);
    this.leaderCheck.unref();
  }

  /** No longer the active controller: stop judging broker sessions. */
  deactivate(): void {
    clearInterval(this.sessionCheck);
    clearInterval(this.leaderCheck);
    this.sessionCheck = this.leaderCheck = undefined;
    this.cluster.deactivate();
  }

  /**
   * A new quorum's first active controller finalizes the bootstrap features, as start() does for a
   * brand-new log on one node; a log that has any feature level keeps what it has.
   */
  bootstrapFeaturesIfNew(): Promise<void> {
    return this.serialize(async () => {
      if (this.image.features.size > 0) return;
      await this.commit(BOOTSTRAP_FEATURE_LEVELS.map((f) => metadataRecord(RecordType.FeatureLevel, { name: f.name, featureLevel: f.featureLevel })));
    });
  }

  /** Run `op` after every operation before it; it sees the image as of its turn. */
  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const guarded = async (): Promise<T> => {
      this.quorum?.requireActive();
      return op();
    };
    const next = this.queue.then(guarded, guarded);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async commit(records: MetadataRecord[]): Promise<MetadataChange> {
    const change = emptyChange();
    if (records.length === 0) return change;
    if (this.quorum) {
      // Applied by applyCommitted once the quorum commits them; resolves after that.
      await this.quorum.append(records);
      return change;
    }
    const base = await this.log.append(records);
    records.forEach((r, i) => applyMetadataRecord(this.image, r.type, r.data, base + i, change));
    this.publish(change);
    this.maybeSnapshot(this.log.lastBatchBytes);
    return change;
  }

  /** A snapshot due after this commit is taken as the next operation, so this one's caller does not wait for it. */
  private maybeSnapshot(bytes: number): void {
    const reason = this.snapshots?.committed(bytes);
    if (!reason) return;
    this.serialize(async () => void this.snapshots!.write(this.image, this.log, reason)).catch((err) => this.logger.error('KRaft snapshot generation failed', err));
  }

  /** Snapshot the image now (tests, tools); resolves with its id once the file is durable. */
  async snapshotNow(reason = 'one was requested'): Promise<SnapshotId | undefined> {
    const { written } = await this.serialize(async () => ({ written: this.snapshots?.write(this.image, this.log, reason) }));
    return written;
  }

  /** Let queued operations and a snapshot being written finish (before the metadata log closes). */
  async close(): Promise<void> {
    this.deactivate();
    await this.queue;
    await this.snapshots?.settled();
  }

  private publish(change: MetadataChange): void {
    localReplicaChanges(change, this.image, this.nodeId);
    for (const l of this.listeners) l(change, this.image);
  }

  /** Commit a plan's records; its `committed` hook learns the offset of the last one. */
  private async commitPlanned<T>(plan: Planned<T>): Promise<T> {
    if (plan.records.length > 0) {
      await this.commit(plan.records);
      plan.committed?.(this.image.offset);
    }
    return plan.reply;
  }

  /**
   * BrokerRegistration (cluster-control.ts): the broker is registered fenced, with the offset of its
   * RegisterBrokerRecord as its epoch. A LocalBrokerRegistration is registered and unfenced at once.
   */
  registerBroker(req: BrokerRegistrationRequest | LocalBrokerRegistration): Promise<BrokerRegistrationReply> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.registerBroker(req);
    return this.serialize(async () => {
      if ('incarnationId' in req) return this.commitPlanned(this.cluster.planRegistration(req, this.log.endOffset));
      const reply = await this.commitPlanned(
        this.cluster.planRegistration(
          {
            brokerId: req.nodeId,
            // Registering the same node again is the same "process" updating its registration.
            incarnationId: this.image.brokers.get(req.nodeId)?.incarnationId ?? randomUuid(),
            listeners: req.endpoints.map((e) => ({ ...e, securityProtocol: Math.max(0, SECURITY_PROTOCOLS.indexOf(e.securityProtocol)) })),
            features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
            rack: req.rack,
          },
          this.log.endOffset,
        ),
      );
      if (reply.errorCode !== ErrorCode.NONE) return reply;
      const heartbeat = { brokerId: req.nodeId, brokerEpoch: reply.brokerEpoch, currentMetadataOffset: this.image.offset, wantFence: false, wantShutDown: false };
      await this.commitPlanned(this.cluster.planHeartbeat(heartbeat));
      return reply;
    });
  }

  /** BrokerHeartbeat (cluster-control.ts): keeps the session, and fences, unfences or shuts the broker down. */
  processBrokerHeartbeat(req: BrokerHeartbeatRequest): Promise<BrokerHeartbeatReply> {
    return this.serialize(async () => this.commitPlanned(this.cluster.planHeartbeat(req)));
  }

  /** Fence every broker whose session expired, one at a time; resolves with their ids. */
  fenceStaleBrokers(): Promise<number[]> {
    return this.serialize(async () => {
      const fenced: number[] = [];
      for (;;) {
        const plan = this.cluster.planFenceOneStaleBroker();
        if (plan.reply === undefined) return fenced;
        this.logger.info(`fencing broker ${plan.reply} because its session has timed out`);
        await this.commitPlanned(plan);
        fenced.push(plan.reply);
      }
    });
  }

  createTopics(topics: TopicRequest[], defaults: TopicDefaults, validateOnly: boolean): Promise<CreateTopicResult[]> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.createTopics(topics, defaults, validateOnly);
    return this.serialize(async () => {
      const pending = new Set<string>();
      const seen = new Map<string, number>();
      for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
      const plans = topics.map((t) => {
        if ((seen.get(t.name) ?? 0) > 1) {
          return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Create topics request from client contains a duplicate topic', topicId: '', numPartitions: -1, replicationFactor: -1, records: [] };
        }
        const plan = planCreateTopic(this.image, t, defaults, pending, this.random);
        if (plan.errorCode === ErrorCode.NONE) pending.add(t.name);
        return { name: t.name, ...plan };
      });
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  deleteTopics(targets: { name?: string; topicId?: string }[]): Promise<(Outcome & { name: string | null; topicId: string })[]> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.deleteTopics(targets);
    return this.serialize(async () => {
      const plans = targets.map((t) => {
        const topic = t.name !== undefined ? this.image.topic(t.name) : this.image.topicsById.get(t.topicId!);
        const plan = planDeleteTopic(topic, t.name ?? t.topicId!);
        return { ...plan, name: topic?.name ?? t.name ?? null, topicId: topic?.topicId ?? t.topicId ?? '' };
      });
      await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  createPartitions(
    requests: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[],
    validateOnly: boolean,
  ): Promise<(Outcome & { name: string })[]> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.createPartitions(requests, validateOnly);
    return this.serialize(async () => {
      const plans = requests.map((r) => ({ name: r.name, ...planCreatePartitions(this.image, r.name, r.count, r.assignments, this.random) }));
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  alterConfigs(changes: ConfigResourceChange[], validateOnly: boolean): Promise<Outcome[]> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.alterConfigs(changes, validateOnly);
    return this.serialize(async () => {
      const plans = changes.map((c) => planConfigChange(this.image, this.nodeId, c));
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  /** Hand `brokerId` the next block of producer ids, recorded in the metadata log before it is returned. */
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<ProducerIdBlock> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.allocateProducerIds(brokerId, brokerEpoch);
    return this.serialize(async () => {
      const { records, ...block } = planAllocateProducerIds(this.image, brokerId, brokerEpoch);
      await this.commit(records);
      return block;
    });
  }

  /** AlterPartition (a partition leader's new ISR, replication-control.ts): a v`version` body in, a response body of the same version out. */
  alterPartition(request: Message, version = 3): Promise<Message> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.alterPartition(request, version);
    return this.serialize(async () => this.commitPlanned(planAlterPartition(this.image, request, version, this.electionPolicy)));
  }

  /** ElectLeaders v2 body in, response out (replication-control.ts). */
  electLeaders(request: Message): Promise<Message> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.electLeaders(request);
    return this.serialize(async () => this.commitPlanned(planElectLeaders(this.image, request, this.electionPolicy)));
  }

  /** AlterPartitionReassignments v0 body in, response out (reassignment.ts). */
  alterPartitionReassignments(request: Message): Promise<Message> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.alterPartitionReassignments(request);
    return this.serialize(async () => this.commitPlanned(planAlterPartitionReassignments(this.image, request, this.electionPolicy)));
  }

  /** ListPartitionReassignments v0 body in, response out, as the active controller's image has them. */
  listPartitionReassignments(request: Message): Promise<Message> {
    if (this.quorum && !this.quorum.isActive) return this.quorum.remote.listPartitionReassignments(request);
    return this.serialize(async () => listPartitionReassignments(this.image, request));
  }

  /**
   * The periodic leader check: unclean elections for leaderless partitions whose topic allows them,
   * then (auto.leader.rebalance.enable, or `rebalance` given) leadership back to preferred replicas
   * on brokers over leader.imbalance.per.broker.percentage. Resolves with the records committed.
   */
  checkLeaders(rebalance = this.config?.bool('auto.leader.rebalance.enable') ?? false): Promise<number> {
    return this.serialize(async () => {
      const records = leaderCheck(this.image, this.electionPolicy, rebalance ? (this.config?.int('leader.imbalance.per.broker.percentage') ?? 10) : undefined, this.logger);
      await this.commit(records);
      return records.length;
    });
  }
}
