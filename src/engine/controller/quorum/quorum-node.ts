/**
 * A node's place in the KRaft quorum, assembled (Kafka's KafkaRaftManager plus the network side of
 * ControllerServer): the Raft client over `__cluster_metadata-0` and its quorum-state file, the
 * controller state machine on top of it, the CONTROLLER listener with its own handler table (on
 * nodes with the controller role), and the channel other parts use to reach the active controller.
 *
 * Start-up: `start()` restores the quorum state and opens the controller listener, so voters can
 * elect before anyone waits; `caughtUp()` then resolves once a leader is known and everything it
 * had committed is applied, which the broker side waits for before it opens logs against the image.
 */
import { join } from 'node:path';
import { RequestDispatcher } from '../../broker/dispatcher.js';
import type { BrokerServices, QuorumInfo } from '../../broker/services.js';
import { type BoundListener, SocketServer } from '../../broker/socket-server.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import type { PartitionLog } from '../../log/partition-log.js';
import type { Logger } from '../../logger.js';
import type { MetadataSnapshots } from '../../metadata/metadata-snapshots.js';
import type { Message } from '../../protocol/codec.js';
import { FileQuorumStateStore } from '../../raft/index.js';
import { controllerHandlers } from '../handlers/index.js';
import type { QuorumController } from '../quorum-controller.js';
import { ControllerChannel } from './controller-channel.js';
import { ControllerQuorum } from './controller-quorum.js';
import { NetworkLifecycleChannel } from './lifecycle-channel.js';
import { PartitionRaftLog } from './partition-raft-log.js';
import { alignLogStart, QuorumSnapshots } from './quorum-snapshots.js';
import type { QuorumSettings } from './quorum-config.js';
import { RaftManager } from './raft-manager.js';
import { RemoteController } from './remote-controller.js';

const DEFAULT_INFLIGHT_BYTES = 16 * 1024 * 1024;

export interface QuorumNodeOptions {
  config: BrokerConfig;
  settings: QuorumSettings;
  clusterId: string;
  controller: QuorumController;
  metadataPartition: PartitionLog;
  /** `<metadata.log.dir>/__cluster_metadata-0`: the quorum-state file lives there, as in Kafka. */
  metadataDir: string;
  /** The snapshots of `__cluster_metadata-0` (its FileSnapshotStore, trigger and retention settings). */
  snapshots: MetadataSnapshots;
  logger: Logger;
}

export class QuorumNode {
  readonly raft: RaftManager;
  readonly quorum: ControllerQuorum;
  readonly channel: ControllerChannel;
  private socketServer?: SocketServer;

  constructor(private readonly options: QuorumNodeOptions) {
    const { settings, logger } = options;
    const voters = new Map(settings.voters.map((v) => [v.id, v]));
    const requestTimeoutMs = options.config.int('controller.quorum.request.timeout.ms');
    this.channel = new ControllerChannel(voters, () => this.raft.client.leaderId, requestTimeoutMs, logger.child('kt.controller-channel'));
    const snapshotLogger = logger.child('kt.snapshots');
    const snapshots = new QuorumSnapshots(options.snapshots, snapshotLogger);
    this.quorum = new ControllerQuorum(options.controller, new RemoteController(this.channel, options.clusterId), settings.nodeId, logger.child('kt.controller'), snapshots);
    options.controller.attachQuorum(this.quorum);
    const partition = options.metadataPartition;
    const startEpoch = alignLogStart(partition, options.snapshots, snapshotLogger);
    this.raft = new RaftManager({
      settings,
      clusterId: options.clusterId,
      log: new PartitionRaftLog(partition, startEpoch),
      quorumStateStore: new FileQuorumStateStore(join(options.metadataDir, 'quorum-state'), settings.voters.map((v) => v.id)),
      // The FileSnapshotStore of __cluster_metadata-0: the snapshots this node writes and loads at
      // start, serves with FetchSnapshot when it leads, and installs when it fell behind.
      snapshotStore: options.snapshots.store,
      // Kafka's metadata.max.retention.bytes/ms: the log and older snapshots stay within them.
      snapshotRetention: () => options.snapshots.oldestToKeep(partition.size, partition.logStartOffset),
      listener: this.quorum,
      logger: logger.child('kt.raft'),
      // As Kafka refuses a node whose meta.properties names another cluster than its voters'.
      onInconsistentClusterId: (voterId) =>
        this.quorum.failCatchUp(new Error(`this node is formatted for cluster ${options.clusterId}, but voter ${voterId} of controller.quorum.voters answers INCONSISTENT_CLUSTER_ID: it belongs to another cluster (format this node with that cluster's id)`)),
    });
    this.quorum.bind(this.raft);
    this.quorum.onLeaderChanged((leaderId, epoch) => logger.child('kt.raft').info(`metadata quorum leader is ${leaderId < 0 ? 'unknown' : `node ${leaderId}`} in epoch ${epoch}`));
  }

  /** Restore the quorum state, start the Raft client and open the CONTROLLER listener (controllers only). */
  async start(services: BrokerServices): Promise<BoundListener[]> {
    this.raft.start();
    this.quorum.started();
    if (!this.options.settings.isController) return [];
    const { config, logger } = this.options;
    const names = config.controllerListenerNames;
    const listeners = config.listeners.filter((l) => names.includes(l.name));
    if (listeners.length === 0) throw new Error(`process.roles has controller but listeners has none of controller.listener.names (${names.join(',')})`);
    const dispatcher = new RequestDispatcher(controllerHandlers(), { ...services, raft: this.raft, forwardToController: undefined }, logger.child('kt.controller-network'));
    const queued = config.int('queued.max.request.bytes');
    this.socketServer = new SocketServer(
      dispatcher,
      { maxRequestBytes: config.int('socket.request.max.bytes'), maxInflightBytes: queued > 0 ? queued : DEFAULT_INFLIGHT_BYTES, idleTimeoutMs: config.int('connections.max.idle.ms') },
      logger.child('kt.controller-network'),
    );
    return this.socketServer.listen(listeners);
  }

  caughtUp(): Promise<void> {
    return this.quorum.caughtUp();
  }

  /** The lifecycle manager's channel: registration and heartbeats to the active controller. */
  lifecycleChannel(): NetworkLifecycleChannel {
    return new NetworkLifecycleChannel(this.channel, this.options.config.int('controller.quorum.request.timeout.ms'));
  }

  /** A request to the active controller over the controller channel (the broker listener's forwarding). */
  forwardToController(apiKey: number, version: number, body: Message): Promise<Message> {
    return this.channel.send(apiKey, version, body);
  }

  /**
   * The quorum as this node knows it: the leader's view on the leader; elsewhere the leader, its
   * epoch, the high watermark and its own log end (other replicas' progress is known only to the
   * leader, so they read -1 here), or undefined while it knows no leader. DescribeCluster reads the
   * voters and the leader from it on any controller; DescribeQuorum answers only from the leader's
   * view (a non-leader forwards it on the broker listener, answers NOT_LEADER_OR_FOLLOWER on the
   * CONTROLLER listener).
   */
  quorumInfo(): QuorumInfo | undefined {
    const nodes = this.options.settings.voters.map((v) => ({ nodeId: v.id, listeners: [{ name: this.options.config.controllerListenerNames[0] ?? 'CONTROLLER', host: v.host, port: v.port }] }));
    const client = this.raft.client;
    const d = client.describeQuorum();
    if (d) return { ...d, nodes };
    if (client.leaderId < 0) return undefined;
    const replica = (id: number) => (id === client.nodeId ? { replicaId: id, logEndOffset: client.log.endOffset(), lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 } : { replicaId: id, logEndOffset: -1, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1 });
    const observers = client.isVoter ? [] : [replica(client.nodeId)];
    return { leaderId: client.leaderId, leaderEpoch: client.epoch, highWatermark: client.highWatermark, currentVoters: client.voters.map(replica), observers, nodes };
  }

  /** Controlled shutdown: a leader resigns so the others elect at once, then everything closes. */
  async close(): Promise<void> {
    if (this.raft.client.isLeader) {
      this.raft.resign();
      // Give EndQuorumEpoch a moment to reach the voters before the sockets go.
      await new Promise((r) => setTimeout(r, 50));
    }
    this.quorum.close();
    this.channel.close();
    this.raft.close();
    await this.socketServer?.close();
  }
}
