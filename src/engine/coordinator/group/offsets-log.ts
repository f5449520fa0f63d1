/**
 * Writes coordinator records to __consumer_offsets through the replica manager (acks=-1, one batch
 * per operation, so a commit of many partitions lands atomically) and maps append failures to the
 * errors Kafka's coordinator answers with.
 *
 * TxnOffsetCommit's records go in a transactional batch carrying the producer's id and epoch (no
 * sequence, as Kafka's coordinator writes them) with origin 'coordinator': the log does not
 * sequence-check it, but it opens the producer's transaction on the partition, so the COMMIT or
 * ABORT marker that ends the transaction there closes it again, and a reader replaying the
 * partition can tell which offsets wait for a marker.
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { MetadataImage } from '../../metadata/image.js';
import { ErrorCode } from '../../protocol/errors.js';
import { buildBatch } from '../../records/record-batch.js';
import { OFFSETS_TOPIC } from './partitioner.js';
import type { CoordinatorRecord } from './records.js';
import { coordinatorWriteError } from '../write-errors.js';

/** The transactional producer a batch of records belongs to. */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

export interface WriteResult {
  /** The raw append error (NONE once written). */
  errorCode: number;
  /** Offset of the first record written; the others follow one by one. -1 on failure. */
  baseOffset: number;
}

export type RecordWriter = (partition: number, records: CoordinatorRecord[], txn?: TxnProducer) => WriteResult;

export function replicaManagerWriter(replicaManager: ReplicaManager, metadata: () => MetadataImage, now: () => number): RecordWriter {
  return (partition, records, txn) => {
    if (records.length === 0) return { errorCode: ErrorCode.NONE, baseOffset: -1 };
    const timestamp = now();
    const batch = buildBatch({
      records: records.map((r) => ({ key: r.key, value: r.value, timestamp })),
      ...(txn && { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: -1, transactional: true }),
    });
    const appended = replicaManager.append(metadata(), OFFSETS_TOPIC, partition, batch, -1, { origin: 'coordinator' });
    return { errorCode: appended.errorCode, baseOffset: appended.errorCode === ErrorCode.NONE ? appended.baseOffset : -1 };
  };
}


/** Kafka's mapping for offset commits: the group errors, and too-large batches as INVALID_COMMIT_OFFSET_SIZE. */
export function offsetWriteError(code: number): number {
  switch (code) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return coordinatorWriteError(code);
  }
}

/** The producer-state refusals a transactional write may get, which reach the client as they are. */
const PRODUCER_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_TXN_STATE,
  ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ErrorCode.TRANSACTION_ABORTABLE,
]);

/** TxnOffsetCommit's mapping: the offset commit errors, and the producer's own errors unchanged. */
export function txnOffsetWriteError(code: number): number {
  return PRODUCER_ERRORS.has(code) ? code : offsetWriteError(code);
}
