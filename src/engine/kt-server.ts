/**
 * One kt server process: the roles named in process.roles composed from the engine's parts.
 *
 * Start-up order matters and mirrors Kafka's KRaft server:
 *   1. storage identity (meta.properties; an empty directory is formatted on the spot),
 *   2. the metadata log is replayed by the controller into the metadata image,
 *   3. the log manager opens every partition log (recovering after an unclean stop) with the topic
 *      configs the image holds, and the replica manager adopts the partitions this node hosts,
 *   4. the listeners open and the broker registers itself through the controller.
 */
import { join } from 'node:path';
import { BrokerConfig } from './config/broker-config.js';
import { RequestDispatcher } from './broker/dispatcher.js';
import { FetchSessionCache } from './broker/fetch-session.js';
import { HandlerRegistry } from './broker/handlers/index.js';
import { ReplicaManager } from './broker/replica-manager.js';
import type { BrokerServices } from './broker/services.js';
import { type BoundListener, SocketServer } from './broker/socket-server.js';
import { checkServerLogConfig, describeTopicConfigs, effectiveTopicConfig } from './broker/topic-configs.js';
import { METADATA_TOPIC, MetadataLog } from './controller/metadata-log.js';
import { QuorumController } from './controller/quorum-controller.js';
import { quorumSettings } from './controller/quorum/quorum-config.js';
import type { QuorumNode } from './controller/quorum/quorum-node.js';
import { groupConfigFrom } from './coordinator/group/config.js';
import { GroupCoordinator } from './coordinator/group/group-coordinator.js';
import { TransactionCoordinator } from './coordinator/transaction/transaction-coordinator.js';
import { LocalTxnMarkerWriter } from './broker/txn-marker-writer.js';
import { BrokerLifecycleManager } from './broker/lifecycle/broker-lifecycle-manager.js';
import { LocalControllerChannel } from './broker/lifecycle/controller-channel.js';
import { SUPPORTED_FEATURES } from './metadata/features.js';
import { SECURITY_PROTOCOLS } from './metadata/record-types.js';
import { LogManager } from './log/log-manager.js';
import { logManagerConfigFromServerProps } from './log/log-manager-config.js';
import { PartitionLog } from './log/partition-log.js';
import { parseLogConfig } from './log/log-config.js';
import { createLogger, type Logger } from './logger.js';
import type { MetadataImage, TopicImage } from './metadata/image.js';
import { loadOrFormatStorage, storageDirs } from './metadata/meta-properties.js';
import { emptyChange } from './metadata/replay.js';
import { localReplicaChanges } from './metadata/local-replica-changes.js';
import { MetadataSnapshots } from './metadata/metadata-snapshots.js';
import { snapshotSettings } from './metadata/snapshot-settings.js';
import { FileSnapshotStore } from './metadata/snapshot-store.js';
import type { Message } from './protocol/codec.js';

const DEFAULT_INFLIGHT_BYTES = 16 * 1024 * 1024;

export interface KtServerOptions {
  overrides?: ReadonlyMap<string, string>;
  logger?: Logger;
}

export class KtServer {
  readonly config: BrokerConfig;
  readonly log: Logger;
  private controllerRef?: QuorumController;
  private replicas?: ReplicaManager;
  private groups?: GroupCoordinator;
  private txns?: TransactionCoordinator;
  private logs?: LogManager;
  private metadataPartition?: PartitionLog;
  private socketServer?: SocketServer;
  private lifecycle?: BrokerLifecycleManager;
  /** The KRaft quorum (controller.quorum.voters set); undefined on the single-node path. */
  private quorumNode?: QuorumNode;
  private started = false;

  constructor(options: KtServerOptions = {}) {
    this.config = new BrokerConfig(options.overrides ?? new Map());
    checkServerLogConfig(this.config);
    this.log = options.logger ?? createLogger();
  }

  get controller(): QuorumController {
    if (!this.controllerRef) throw new Error('server not started');
    return this.controllerRef;
  }

  get groupCoordinator(): GroupCoordinator {
    if (!this.groups) throw new Error('server not started');
    return this.groups;
  }

  get transactionCoordinator(): TransactionCoordinator {
    if (!this.txns) throw new Error('server not started');
    return this.txns;
  }

  get replicaManager(): ReplicaManager {
    if (!this.replicas) throw new Error('server not started');
    return this.replicas;
  }

  get clusterId(): string {
    return this.controller.image.clusterId;
  }

  /** Listeners with the ports actually bound (useful when configured with port 0). */
  get listeners(): BoundListener[] {
    return this.socketServer?.bound ?? [];
  }

  metadata(): MetadataImage {
    return this.controller.image;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('server already started');
    this.started = true;
    const nodeId = this.config.nodeId;
    const logDirs = this.config.logDirs;
    // A node of a multi-voter quorum never formats itself (each would pick its own cluster id): as
    // in Kafka, `kt storage format` with one cluster id comes first. metadata.log.dir is checked too.
    const meta = loadOrFormatStorage(storageDirs(logDirs, this.config.str('metadata.log.dir')), nodeId, quorumSettings(this.config).voters.length <= 1);

    const serverProps = Object.fromEntries(this.config.overrides);
    const logManagerConfig = logManagerConfigFromServerProps({ ...serverProps, 'log.dirs': logDirs.join(',') });
    const logLogger = this.log.child('kt.log');
    const metadataDir = join(this.config.str('metadata.log.dir') || logDirs[0], `${METADATA_TOPIC}-0`);
    // Metadata snapshots (<offset>-<epoch>.checkpoint) live next to the metadata log's segments.
    const snapshotConfig = snapshotSettings(this.config);
    this.metadataPartition = PartitionLog.open(metadataDir, {
      topic: METADATA_TOPIC,
      partition: 0,
      config: parseLogConfig({ 'segment.bytes': String(snapshotConfig.segmentBytes), 'retention.ms': '-1' }),
      context: { logger: logLogger },
    });
    this.metadataPartition.updateHighWatermark(this.metadataPartition.logEndOffset);
    const snapshots = new MetadataSnapshots(new FileSnapshotStore(metadataDir, this.log.child('kt.snapshots')), snapshotConfig, this.log.child('kt.snapshots'));
    const controller = new QuorumController(new MetadataLog(this.metadataPartition), meta.clusterId, nodeId, this.log.child('kt.controller'), snapshots, {
      sessionTimeoutMs: this.config.int('broker.session.timeout.ms'),
      config: this.config,
    });
    this.controllerRef = controller;
    // KRaft (controller.quorum.voters set): the Raft quorum replicates the metadata log and the
    // image follows its committed records. The CONTROLLER listener opens first so voters can elect;
    // the broker side then waits until its image holds everything committed, as Kafka's broker
    // waits for its metadata to catch up, before it opens logs against the image.
    const settings = quorumSettings(this.config);
    if (settings.voters.length > 0) {
      // Loaded only for a quorum: the zero-config single node starts without the Raft modules.
      const { QuorumNode } = await import('./controller/quorum/quorum-node.js');
      this.quorumNode = new QuorumNode({ config: this.config, settings, clusterId: meta.clusterId, controller, metadataPartition: this.metadataPartition, metadataDir, snapshots, logger: this.log });
    }
    await controller.start();
    if (this.quorumNode) {
      const bound = await this.quorumNode.start(this.services(controller));
      if (bound.length > 0) this.log.info(`[KtServer nodeId=${nodeId}] controller listener on ${bound.map((l) => `${l.name}://${l.host || '0.0.0.0'}:${l.boundPort}`).join(',')}`);
      await this.quorumNode.caughtUp();
      this.log.info(`[KtServer nodeId=${nodeId}] metadata caught up to offset ${controller.image.offset}`);
    }

    const resolveConfig = (topic: TopicImage, image: MetadataImage) => effectiveTopicConfig(topic, this.config, image, nodeId);
    this.logs = LogManager.open({
      config: logManagerConfig,
      logger: logLogger,
      topicConfig: (name) => {
        const topic = controller.image.topic(name);
        return topic ? resolveConfig(topic, controller.image) : undefined;
      },
    });
    this.replicas = new ReplicaManager(nodeId, this.logs, this.config, resolveConfig, this.log.child('kt.replicas'), {
      metadata: () => controller.image,
      alterPartition: (request) => controller.alterPartition(request),
    });
    this.adoptPartitions(controller.image);
    controller.onChange((change, image) => this.replicas!.applyMetadata(change, image));
    this.logs.startup();
    // The group coordinator replays the __consumer_offsets partitions it leads (in the background:
    // group requests answer COORDINATOR_LOAD_IN_PROGRESS until a partition is loaded).
    const groups = new GroupCoordinator({
      config: groupConfigFrom(this.config),
      nodeId,
      log: this.log.child('kt.group'),
      metadata: () => controller.image,
      replicaManager: this.replicas,
      controller,
    });
    this.groups = groups;
    controller.onChange((change, image) => groups.onMetadataChange(change, image));
    void groups.startup();
    // The transaction coordinator replays the __transaction_state partitions it leads (in the
    // background, like the group coordinator) and takes producer id blocks from the controller.
    const txnLog = this.log.child('kt.txn');
    const txns = new TransactionCoordinator({
      config: this.config,
      nodeId,
      log: txnLog,
      metadata: () => controller.image,
      replicaManager: this.replicas,
      controller,
      markers: new LocalTxnMarkerWriter(this.replicas, () => groups, () => controller.image, txnLog),
    });
    this.txns = txns;
    controller.onChange((change, image) => txns.onMetadataChange(change, image));
    void txns.startup();

    const services = this.services(controller);
    const dispatcher = new RequestDispatcher(new HandlerRegistry(), services, this.log.child('kt.network'));
    const queued = this.config.int('queued.max.request.bytes');
    this.socketServer = new SocketServer(
      dispatcher,
      {
        maxRequestBytes: this.config.int('socket.request.max.bytes'),
        maxInflightBytes: queued > 0 ? queued : DEFAULT_INFLIGHT_BYTES,
        idleTimeoutMs: this.config.int('connections.max.idle.ms'),
      },
      this.log.child('kt.network'),
    );
    const bound = await this.socketServer.listen(this.config.brokerListeners);
    const protocols = securityProtocols(this.config.str('listener.security.protocol.map'));
    const ports = new Map(bound.map((l) => [l.name, l.boundPort]));
    // Register with the active controller and wait to be unfenced (broker/lifecycle/). The controller
    // is in this process: the in-process channel; a broker of a multi-node cluster uses the network one.
    this.lifecycle = new BrokerLifecycleManager({
      nodeId,
      clusterId: meta.clusterId,
      listeners: this.config
        .advertisedListeners(ports)
        .filter((l) => ports.has(l.name))
        .map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: Math.max(0, SECURITY_PROTOCOLS.indexOf(protocols.get(l.name) ?? 'PLAINTEXT')) })),
      features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
      rack: this.config.str('broker.rack') || null,
      heartbeatIntervalMs: this.config.int('broker.heartbeat.interval.ms'),
      channel: this.quorumNode ? this.quorumNode.lifecycleChannel() : new LocalControllerChannel(controller),
      metadataOffset: () => controller.image.offset,
      logger: this.log.child('kt.lifecycle'),
    });
    // A controller-only node (process.roles=controller) is no broker: it registers nothing.
    if (settings.isBroker) await this.lifecycle.start();
    else this.lifecycle = undefined;
    const where = bound.map((l) => `${l.name}://${l.host || '0.0.0.0'}:${l.boundPort}`).join(',');
    this.log.info(`[KtServer nodeId=${nodeId}] started (cluster.id=${meta.clusterId}, listeners=${where}, log.dirs=${logDirs.join(',')})`);
  }

  /** Open the logs of every partition the image places here, and delete logs of topics that are gone. */
  private adoptPartitions(image: MetadataImage): void {
    const change = emptyChange();
    for (const topic of image.topicsByName.values()) for (const p of topic.partitions.keys()) change.createdPartitions.push({ topic, partition: p });
    localReplicaChanges(change, image, this.config.nodeId);
    this.replicas!.applyMetadata(change, image);
    for (const log of this.logs!.allLogs()) {
      const topic = image.topic(log.topic);
      if (!topic || !topic.partitions.has(log.partition) || (log.topicId && log.topicId !== topic.topicId)) {
        this.log.info(`deleting stray partition log ${log.topic}-${log.partition}: its topic is no longer in the metadata`);
        this.logs!.deleteLog(log.topic, log.partition);
      }
    }
  }

  private services(controller: QuorumController): BrokerServices {
    return {
      config: this.config,
      nodeId: this.config.nodeId,
      log: this.log,
      metadata: () => controller.image,
      controller,
      replicaManager: this.replicas!,
      fetchSessions: new FetchSessionCache(),
      groupCoordinator: this.groups!,
      transactionCoordinator: this.txns!,
      autoCreateTopics: async (names) => {
        if (!this.config.bool('auto.create.topics.enable')) return;
        const missing = names.filter((n) => !controller.image.topic(n));
        if (missing.length === 0) return;
        const results = await controller.createTopics(
          missing.map((name) => ({ name, numPartitions: -1, replicationFactor: -1, assignments: [], configs: [] })),
          { numPartitions: this.config.int('num.partitions'), replicationFactor: this.config.int('default.replication.factor') },
          false,
        );
        for (const r of results) if (r.errorCode === 0) this.log.info(`auto-created topic ${r.name} with ${r.numPartitions} partition(s)`);
      },
      topicConfigEntries: (name) => {
        const topic = controller.image.topic(name);
        const options = { keys: null, includeSynonyms: false, includeDocumentation: false };
        return topic ? describeTopicConfigs(topic, this.config, controller.image, this.config.nodeId, options) : [];
      },
      // One voter, the leader, committing on append: its high watermark is the metadata log's end.
      // The Raft quorum replaces this provider.
      quorumInfo: () => {
        if (this.quorumNode) return this.quorumNode.quorumInfo();
        const [id, end, now] = [this.config.nodeId, this.metadataPartition!.logEndOffset, Date.now()];
        const listeners = controller.image.brokers.get(id)?.endpoints.map(({ name, host, port }) => ({ name, host, port })) ?? [];
        const self = { replicaId: id, logEndOffset: end, lastFetchTimestamp: now, lastCaughtUpTimestamp: now };
        return { leaderId: id, leaderEpoch: 0, highWatermark: end, currentVoters: [self], observers: [], nodes: [{ nodeId: id, listeners }] };
      },
      ...(this.quorumNode ? { forwardToController: (apiKey: number, version: number, body: Message) => this.quorumNode!.forwardToController(apiKey, version, body) } : {}),
    };
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.log.info(`[KtServer nodeId=${this.config.nodeId}] shutting down`);
    // Controlled shutdown first: the controller moves leadership away while this broker still serves.
    // Past the session timeout the controller would have fenced it anyway.
    await this.lifecycle?.controlledShutdown(this.config.int('broker.session.timeout.ms'));
    this.lifecycle?.close();
    this.txns?.close();
    this.groups?.close();
    this.replicas?.close();
    await this.socketServer?.close();
    await this.logs?.close();
    await this.quorumNode?.close();
    await this.controllerRef?.close();
    this.metadataPartition?.flush();
    this.metadataPartition?.close();
    this.socketServer = undefined;
    this.log.info(`[KtServer nodeId=${this.config.nodeId}] shut down completed`);
  }
}

function securityProtocols(map: string): Map<string, string> {
  return new Map(
    map
      .split(',')
      .map((pair) => pair.split(':').map((s) => s.trim()))
      .filter((p) => p.length === 2)
      .map(([name, protocol]) => [name.toUpperCase(), protocol]),
  );
}
