/**
 * What request handlers may use from the engine. It grows with the roadmap (group coordinator,
 * transactions); handlers reach every engine part through it and nothing else.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import type { QuorumController } from '../controller/quorum-controller.js';
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { TransactionCoordinator } from '../coordinator/transaction/transaction-coordinator.js';
import type { Logger } from '../logger.js';
import type { MetadataImage } from '../metadata/image.js';
import type { Message } from '../protocol/codec.js';
import type { RaftRequest, RaftResponse } from '../raft/index.js';
import type { FetchSessionCache } from './fetch-session.js';
import type { ReplicaManager } from './replica-manager.js';

export interface BrokerServices {
  config: BrokerConfig;
  nodeId: number;
  log: Logger;
  /** The current metadata image, kept up to date by replaying the metadata log. */
  metadata(): MetadataImage;
  controller: QuorumController;
  replicaManager: ReplicaManager;
  fetchSessions: FetchSessionCache;
  /** Consumer groups and committed offsets of the __consumer_offsets partitions this broker leads. */
  groupCoordinator: GroupCoordinator;
  /** Transactional ids and their transactions, for the __transaction_state partitions this broker leads. */
  transactionCoordinator: TransactionCoordinator;
  /** Create missing topics with the broker defaults when auto.create.topics.enable; resolves when done. */
  autoCreateTopics(names: string[]): Promise<void>;
  /** A topic's configs as CreateTopics v5+ reports them. */
  topicConfigEntries(topic: string): Message[];
  /**
   * The KRaft quorum of __cluster_metadata as its leader describes it (DescribeQuorum), or
   * undefined when this node is not the quorum's leader (answered NOT_LEADER_OR_FOLLOWER).
   */
  quorumInfo(): QuorumInfo | undefined;
  /**
   * Send a request to the active controller over the controller channel and resolve with its
   * answer (Kafka's forwarding to the controller). Present on the broker listener of a node in a
   * KRaft quorum; absent on the single-node path and on the CONTROLLER listener.
   */
  forwardToController?(apiKey: number, version: number, body: Message): Promise<Message>;
  /**
   * The Raft client's door for KRaft requests (Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and
   * FetchSnapshot of __cluster_metadata) on the CONTROLLER listener; absent on the single-node path.
   */
  raft?: RaftRequestSink;
}

/** Hands a decoded KRaft request to the Raft client and resolves with its answer (controller/quorum/raft-manager.ts). */
export interface RaftRequestSink {
  handleRequest(from: number, request: RaftRequest): Promise<RaftResponse>;
}

/** A replica of the metadata log as DescribeQuorum reports it; timestamps are -1 when unknown. */
export interface QuorumReplicaInfo {
  replicaId: number;
  /** The replica's metadata log directory id (KIP-853); ZERO_UUID when the quorum does not track them. */
  replicaDirectoryId?: string;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

/** DescribeQuorum's answer: the leader's view of the voters and observers, and the voters' endpoints. */
export interface QuorumInfo {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  currentVoters: QuorumReplicaInfo[];
  observers: QuorumReplicaInfo[];
  /** The voters' listeners (DescribeQuorum v2 nodes). */
  nodes: { nodeId: number; listeners: { name: string; host: string; port: number }[] }[];
}
