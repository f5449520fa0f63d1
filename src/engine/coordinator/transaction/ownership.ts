/**
 * Which __transaction_state partitions this broker coordinates: the topic is created through the
 * controller on first use (compacted, transaction.state.log.* settings, replication factor capped by
 * the live brokers), the partitions it leads are replayed into the state manager (loading meanwhile,
 * to the log end offset) and become active with the partition's leader epoch as coordinator epoch;
 * a partition led elsewhere now, or led here under another epoch, is unloaded (NOT_COORDINATOR). Transactions found in
 * PrepareCommit/PrepareAbort after a load had their end decided but maybe not all markers written:
 * their completion is resumed, as Kafka's coordinator does on immigration.
 */
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { MetadataChange } from '../../metadata/replay.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import type { QuorumController } from '../../controller/quorum-controller.js';
import { loadTxnPartition } from './loader.js';
import { TRANSACTION_STATE_TOPIC } from './partitioner.js';
import type { OwnedPartition, TransactionStateManager } from './state-manager.js';
import type { TransactionMetadata } from './transaction-metadata.js';

export interface CoordinatorNode {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

interface OwnershipDeps {
  config: BrokerConfig;
  nodeId: number;
  log: Logger;
  metadata(): MetadataImage;
  replicaManager: ReplicaManager;
  controller: QuorumController;
}

export class TxnOwnership {
  private creatingTopic?: Promise<void>;
  private closed = false;

  constructor(
    private readonly deps: OwnershipDeps,
    private readonly state: TransactionStateManager,
    private readonly resumeCompletion: (txn: TransactionMetadata, coordinatorEpoch: number) => void,
  ) {}

  coordinatorEpochOf(transactionalId: string): number | undefined {
    const owned = this.state.owned.get(this.state.partitionFor(transactionalId));
    return owned?.status === 'active' ? owned.coordinatorEpoch : undefined;
  }

  async findCoordinator(transactionalId: string, listenerName: string): Promise<CoordinatorNode> {
    const none = (errorCode: number): CoordinatorNode => ({ errorCode, errorMessage: 'The coordinator is not available.', nodeId: -1, host: '', port: -1 });
    await this.ensureTopic();
    const image = this.deps.metadata();
    const state = image.topic(TRANSACTION_STATE_TOPIC)?.partitions.get(this.state.partitionFor(transactionalId));
    if (!state || state.leader < 0 || image.brokers.get(state.leader)?.fenced) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const endpoint = image.endpointFor(state.leader, listenerName);
    if (!endpoint) return none(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: state.leader, host: endpoint.host, port: endpoint.port };
  }

  /** Create __transaction_state if it does not exist yet. */
  async ensureTopic(): Promise<void> {
    if (this.deps.metadata().topic(TRANSACTION_STATE_TOPIC)) return;
    this.creatingTopic ??= this.createTopic().finally(() => {
      this.creatingTopic = undefined;
    });
    await this.creatingTopic;
  }

  private async createTopic(): Promise<void> {
    const { config } = this.deps;
    const numPartitions = config.int('transaction.state.log.num.partitions');
    const live = this.deps.metadata().liveBrokers().length;
    const replicationFactor = Math.max(1, Math.min(config.int('transaction.state.log.replication.factor'), live));
    const minIsr = Math.max(1, Math.min(config.int('transaction.state.log.min.isr'), replicationFactor));
    const [result] = await this.deps.controller.createTopics(
      [
        {
          name: TRANSACTION_STATE_TOPIC,
          numPartitions,
          replicationFactor,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'compression.type', value: 'uncompressed' },
            { name: 'min.insync.replicas', value: String(minIsr) },
            { name: 'segment.bytes', value: String(config.int('transaction.state.log.segment.bytes')) },
          ],
        },
      ],
      { numPartitions, replicationFactor },
      false,
    );
    if (result.errorCode === ErrorCode.NONE) {
      this.deps.log.info(`created ${TRANSACTION_STATE_TOPIC} with ${result.numPartitions} partitions and replication factor ${result.replicationFactor}`);
    } else if (result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
      this.deps.log.warn(`could not create ${TRANSACTION_STATE_TOPIC}: ${result.errorMessage ?? result.errorCode}`);
    }
  }

  /**
   * Follow the leadership of the __transaction_state partitions (Kafka's onElection /
   * onResignation): when a change touches them — this broker became leader or follower of one, a
   * leader moved, the topic was created or deleted — reconcile with the image.
   */
  onMetadataChange(change: MetadataChange, image: MetadataImage): void {
    const touches = (list: { topic: { name: string } }[]) => list.some((c) => c.topic.name === TRANSACTION_STATE_TOPIC);
    if (
      change.deletedTopics.some((t) => t.name === TRANSACTION_STATE_TOPIC) ||
      touches(change.becameLeader) ||
      touches(change.becameFollower) ||
      touches(change.changedLeaders) ||
      touches(change.createdPartitions)
    ) {
      void this.adoptLedPartitions(image);
    }
  }

  /**
   * Unload every partition this broker no longer leads under the epoch it loaded it with (NOT_COORDINATOR
   * from then on: another broker leads it, the topic is gone, or it moved away and back, when its log
   * may have been truncated meanwhile), and load every partition it leads and does not serve yet,
   * with the leader epoch as coordinator epoch.
   */
  async adoptLedPartitions(image: MetadataImage): Promise<void> {
    const topic = image.topic(TRANSACTION_STATE_TOPIC);
    for (const [partition, owned] of [...this.state.owned]) {
      const p = topic?.partitions.get(partition);
      const sameTopic = owned.topicId === undefined || owned.topicId === topic?.topicId;
      if (!p || !sameTopic || p.leader !== this.deps.nodeId || p.leaderEpoch !== owned.coordinatorEpoch) {
        this.deps.log.info(`Unloading ${TRANSACTION_STATE_TOPIC}-${partition} (coordinator epoch ${owned.coordinatorEpoch}): no longer its leader`);
        this.state.unload(partition);
      }
    }
    if (!topic) return;
    const loads: Promise<void>[] = [];
    for (const p of topic.partitions.values()) {
      if (p.leader === this.deps.nodeId && !this.state.owned.has(p.partition)) loads.push(this.load(p.partition, p.leaderEpoch, topic.topicId));
    }
    await Promise.all(loads);
  }

  /**
   * Replay a partition to its log END offset (as Kafka's loader: a new leader's high watermark lags
   * behind a log that is nevertheless what the partition keeps). Transactions found mid-completion
   * resume only once those records are replicated (TransactionCoordinator.completeTransaction waits).
   */
  private async load(partition: number, coordinatorEpoch: number, topicId: string): Promise<void> {
    const hosted = this.deps.replicaManager.get(TRANSACTION_STATE_TOPIC, partition);
    if (!hosted) return;
    const log = hosted.log;
    const owned: OwnedPartition = { status: 'loading', coordinatorEpoch, topicId };
    this.state.owned.set(partition, owned);
    if (log.logStartOffset >= log.logEndOffset) {
      owned.status = 'active';
      return;
    }
    const started = Date.now();
    try {
      const loaded = await loadTxnPartition(log, this.deps.config.int('transaction.state.log.load.buffer.size'), this.deps.log, () => this.closed || this.state.owned.get(partition) !== owned);
      if (!loaded || this.state.owned.get(partition) !== owned) return;
      for (const txn of loaded.values()) this.state.txns.set(txn.transactionalId, txn);
      owned.status = 'active';
      this.deps.log.info(`Finished loading ${TRANSACTION_STATE_TOPIC}-${partition} (coordinator epoch ${coordinatorEpoch}) in ${Date.now() - started} ms: ${loaded.size} transactional ids`);
      for (const txn of loaded.values()) {
        if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') this.resumeCompletion(txn, coordinatorEpoch);
      }
    } catch (err) {
      this.deps.log.error(`Failed to load ${TRANSACTION_STATE_TOPIC}-${partition}`, err);
      if (this.state.owned.get(partition) === owned) this.state.unload(partition);
    }
  }

  close(): void {
    this.closed = true;
    for (const p of [...this.state.owned.keys()]) this.state.unload(p);
  }
}
