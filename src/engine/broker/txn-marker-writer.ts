/**
 * Writes transaction markers into the partitions this broker leads (STUB: being written).
 */
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import type { MarkerPartitionResult, TxnMarker, TxnMarkerChannel } from '../coordinator/transaction/marker-channel.js';
import type { MetadataImage } from '../metadata/image.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ReplicaManager } from './replica-manager.js';

export class LocalTxnMarkerWriter implements TxnMarkerChannel {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly groups: () => GroupCoordinator,
    private readonly metadata: () => MetadataImage,
  ) {}

  async write(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    return marker.partitions.map((p) => ({ ...p, errorCode: ErrorCode.NONE }));
  }
}
