/**
 * KIP-890 part 2 (transaction version 2): a producer that runs transaction version 2 sends no
 * AddPartitionsToTxn or AddOffsetsToTxn. The first transactional Produce (v12+) to a partition, and
 * the first TxnOffsetCommit (v5+) of a group, add the partition to the producer's transaction
 * themselves: the leader asks the coordinator (Kafka's AddPartitionsToTxnManager sends
 * AddPartitionsToTxn v4+ with verifyOnly=false; kt's coordinator is in-process). The add's answer
 * waits for its record to be replicated; then, synchronously before the append that follows, the
 * partitions are checked again to still be in the producer's ongoing transaction (the part of
 * Kafka's verification guard that matters here: no marker — a timeout abort, a fencing
 * InitProducerId — can have ended the transaction between the add and the append).
 *
 * As in Kafka, this happens whatever transaction.partition.verification.enable says (that switch is
 * part 1's, for older clients), and the coordinator's CONCURRENT_TRANSACTIONS — the previous
 * transaction's markers still being written right after EndTxn v5 answered — is retried by the broker
 * for a short while (add.partitions.to.txn.retry.backoff.ms 20, .max.ms 100) before it is returned.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { TransactionCoordinator } from './transaction-coordinator.js';
import type { TopicPartitionRef } from './transaction-metadata.js';

/** The request versions that add partitions implicitly (transaction version 2). */
export const PRODUCE_IMPLICIT_ADD_VERSION = 12;
export const TXN_OFFSET_COMMIT_IMPLICIT_ADD_VERSION = 5;

const RETRY_BACKOFF_MS = 20;
const RETRY_MAX_MS = 100;

/**
 * Add `partitions` to the producer's ongoing transaction (starting one if needed) and then run
 * `then` with the coordinator's answer (NONE or its error) — synchronously after the check that
 * the partitions are (still) in the transaction, so `then` can append before anything else runs.
 * CONCURRENT_TRANSACTIONS is retried until the previous transaction completes or RETRY_MAX_MS pass.
 */
export async function addImplicitlyThen<T>(
  coordinator: TransactionCoordinator,
  transactionalId: string,
  producerId: number,
  producerEpoch: number,
  partitions: TopicPartitionRef[],
  then: (errorCode: number) => T,
): Promise<T> {
  const deadline = Date.now() + RETRY_MAX_MS;
  for (;;) {
    let errorCode = partitions.length === 0 ? ErrorCode.NONE : await coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions, 2);
    if (errorCode === ErrorCode.NONE && partitions.length > 0) errorCode = stillAdded(coordinator, transactionalId, producerId, producerEpoch, partitions);
    if (errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS || Date.now() >= deadline) return then(errorCode);
    await completionOrBackoff(coordinator, transactionalId, Math.min(RETRY_BACKOFF_MS, deadline - Date.now()));
  }
}

/** NONE while every partition is in the producer's ongoing transaction, else the error its add would get now. */
function stillAdded(coordinator: TransactionCoordinator, transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[]): number {
  const verified = coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, partitions);
  if ('errorCode' in verified) return verified.errorCode;
  // Gone from the transaction: it ended (its markers are being written) since the add.
  return verified.results.every((code) => code === ErrorCode.NONE) ? ErrorCode.NONE : ErrorCode.CONCURRENT_TRANSACTIONS;
}

/** Resolves when the id's markers are written (the usual cause of the conflict), or after `ms`. */
function completionOrBackoff(coordinator: TransactionCoordinator, transactionalId: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(1, ms));
    coordinator.completions.get(transactionalId)?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * What a Produce v12+ partition gets when the implicit add fails, as Kafka's
 * AddPartitionsToTxnManager and ReplicaManager.handleProduceAppend pass the coordinator's answer on:
 * PRODUCER_FENCED as INVALID_PRODUCER_EPOCH; the coordinator's retriable errors as
 * NOT_ENOUGH_REPLICAS (retried without a metadata refresh); CONCURRENT_TRANSACTIONS unchanged for
 * version 2 clients; anything else (INVALID_PRODUCER_ID_MAPPING, INVALID_TXN_STATE, ...) as it is.
 */
export function produceAddError(code: number): { errorCode: number; errorMessage: string | null } {
  switch (code) {
    case ErrorCode.NONE:
      return { errorCode: code, errorMessage: null };
    case ErrorCode.PRODUCER_FENCED:
      return { errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, errorMessage: null };
    case ErrorCode.INVALID_TXN_STATE:
      return { errorCode: code, errorMessage: 'Partition was not added to the transaction' };
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return {
        errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
        errorMessage: `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(code)}`,
      };
    default:
      return { errorCode: code, errorMessage: null };
  }
}

/**
 * What a TxnOffsetCommit v5+ gets when adding the group's __consumer_offsets partition fails, as
 * Kafka's coordinator runtime passes the answer on: PRODUCER_FENCED as INVALID_PRODUCER_EPOCH; the
 * transaction coordinator's retriable errors (and a CONCURRENT_TRANSACTIONS that outlasted the
 * retries) as COORDINATOR_NOT_AVAILABLE, which every client retries after finding the coordinator.
 */
export function txnOffsetCommitAddError(code: number): number {
  switch (code) {
    case ErrorCode.PRODUCER_FENCED:
      return ErrorCode.INVALID_PRODUCER_EPOCH;
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
    case ErrorCode.CONCURRENT_TRANSACTIONS:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    default:
      return code;
  }
}

function errorName(code: number): string {
  return Object.entries(ErrorCode).find(([, c]) => c === code)?.[0] ?? String(code);
}
