/**
 * Writes transaction markers into the partitions this broker leads: the transaction coordinator's
 * marker channel on one node, and the body of WriteTxnMarkers (the broker-to-broker form).
 *
 * Per partition, as Kafka's KafkaApis.handleWriteTxnMarkersRequest: the COMMIT or ABORT control batch
 * is appended (the replica manager advances the high watermark, so the last stable offset moves past
 * the transaction, and wakes read_committed long polls); then, for a __consumer_offsets partition,
 * the group coordinator makes the transaction's pending offsets visible (commit) or drops them
 * (abort) — only after its marker is in the log, so a restart replays the same outcome.
 */
import type { GroupCoordinator } from '../coordinator/group/group-coordinator.js';
import { OFFSETS_TOPIC } from '../coordinator/group/partitioner.js';
import type { MarkerPartitionResult, TxnMarker, TxnMarkerChannel } from '../coordinator/transaction/marker-channel.js';
import type { Logger } from '../logger.js';
import type { MetadataImage } from '../metadata/image.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ReplicaManager } from './replica-manager.js';

/** Write one marker to each of its partitions; one result per partition, in order. */
export function writeTxnMarker(
  replicaManager: ReplicaManager,
  groups: () => GroupCoordinator,
  image: MetadataImage,
  marker: TxnMarker,
  log?: Logger,
): MarkerPartitionResult[] {
  return marker.partitions.map(({ topic, partition }) => {
    const { errorCode } = replicaManager.appendMarker(image, topic, partition, {
      producerId: marker.producerId,
      producerEpoch: marker.producerEpoch,
      commit: marker.commit,
      coordinatorEpoch: marker.coordinatorEpoch,
      transactionVersion: marker.transactionVersion,
    });
    if (errorCode !== ErrorCode.NONE || topic !== OFFSETS_TOPIC) return { topic, partition, errorCode };
    try {
      groups().completeTransaction(partition, marker.producerId, marker.commit);
      return { topic, partition, errorCode };
    } catch (err) {
      log?.error(`Completing the transaction of producer ${marker.producerId} on ${topic}-${partition} failed`, err);
      return { topic, partition, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
    }
  });
}

export class LocalTxnMarkerWriter implements TxnMarkerChannel {
  constructor(
    private readonly replicaManager: ReplicaManager,
    private readonly groups: () => GroupCoordinator,
    private readonly metadata: () => MetadataImage,
    private readonly log?: Logger,
  ) {}

  async write(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    return writeTxnMarker(this.replicaManager, this.groups, this.metadata(), marker, this.log);
  }
}
