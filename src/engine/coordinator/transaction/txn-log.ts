/**
 * Writes __transaction_state records through the replica manager (acks=-1, one batch per state
 * change, appended as the coordinator's own records, so without the checks a client batch gets) and
 * maps append failures to the errors Kafka's TransactionStateManager answers with.
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { MetadataImage } from '../../metadata/image.js';
import { ErrorCode } from '../../protocol/errors.js';
import { buildBatch } from '../../records/record-batch.js';
import type { CoordinatorRecord } from '../group/records.js';
import { TRANSACTION_STATE_TOPIC } from './partitioner.js';

/** Append `records` to __transaction_state-`partition`; the append's error code. */
export type TxnRecordWriter = (partition: number, records: CoordinatorRecord[]) => number;

export function replicaManagerTxnWriter(replicaManager: ReplicaManager, metadata: () => MetadataImage, now: () => number): TxnRecordWriter {
  return (partition, records) => {
    if (records.length === 0) return ErrorCode.NONE;
    const timestamp = now();
    const batch = buildBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) });
    return replicaManager.append(metadata(), TRANSACTION_STATE_TOPIC, partition, batch, -1, { origin: 'coordinator' }).errorCode;
  };
}

