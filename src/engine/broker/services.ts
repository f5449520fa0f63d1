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
}
