/**
 * Writes coordinator records to __consumer_offsets through the replica manager (acks=-1, one batch
 * per operation, so a commit of many partitions lands atomically) and maps append failures to the
 * errors Kafka's coordinator answers with.
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { MetadataImage } from '../../metadata/image.js';
import { ErrorCode } from '../../protocol/errors.js';
import { buildBatch } from '../../records/record-batch.js';
import { OFFSETS_TOPIC } from './partitioner.js';
import type { CoordinatorRecord } from './records.js';

export type RecordWriter = (partition: number, records: CoordinatorRecord[]) => number;

export function replicaManagerWriter(replicaManager: ReplicaManager, metadata: () => MetadataImage, now: () => number): RecordWriter {
  return (partition, records) => {
    if (records.length === 0) return ErrorCode.NONE;
    const timestamp = now();
    const batch = buildBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) });
    return replicaManager.append(metadata(), OFFSETS_TOPIC, partition, batch, -1).errorCode;
  };
}

/** Kafka's appendGroupMetadataErrorToResponseError. */
export function groupWriteError(code: number): number {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    default:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
  }
}

/** Kafka's mapping for offset commits: the group errors, and too-large batches as INVALID_COMMIT_OFFSET_SIZE. */
export function offsetWriteError(code: number): number {
  switch (code) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return groupWriteError(code);
  }
}
