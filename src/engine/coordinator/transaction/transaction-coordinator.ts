/**
 * The transaction coordinator (STUB: being written). Transactional ids live on the
 * __transaction_state partition abs(hash(id)) % partitions this broker leads.
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import type { QuorumController } from '../../controller/quorum-controller.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { MetadataChange } from '../../metadata/replay.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { TxnMarkerChannel } from './marker-channel.js';

export interface TransactionCoordinatorDeps {
  config: BrokerConfig;
  nodeId: number;
  log: Logger;
  metadata(): MetadataImage;
  replicaManager: ReplicaManager;
  controller: QuorumController;
  markers: TxnMarkerChannel;
}

export class TransactionCoordinator {
  constructor(readonly deps: TransactionCoordinatorDeps) {}

  async startup(): Promise<void> {}

  onMetadataChange(_change: MetadataChange, _image: MetadataImage): void {}

  /**
   * KIP-890 part 1: NONE when `topic`-`partition` is part of the producer's ongoing transaction,
   * else the error its produce request gets. Synchronous, so nothing can end the transaction
   * between this check and the append that follows it.
   */
  verifyPartition(_transactionalId: string, _producerId: number, _producerEpoch: number, _topic: string, _partition: number): number {
    return ErrorCode.NONE;
  }

  close(): void {}
}
