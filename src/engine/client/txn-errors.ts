/**
 * How the idempotent and transactional producer classifies errors, as Java's TransactionManager:
 * errors that end the producer (fenced by a newer instance, unauthorized, a state the coordinator
 * refuses) and errors that only doom the current transaction (abort it and go on).
 */
import { ErrorCode } from '../protocol/errors.js';

/** A batch failed because its transaction was aborted before it was sent (Java's TransactionAbortedException). */
export class TransactionAbortedError extends Error {
  override name = 'TransactionAbortedError';
  constructor() {
    super('Failing batch since transaction was aborted');
  }
}

/** Produce errors that end an idempotent or transactional producer. */
export const FATAL_PRODUCE: ReadonlySet<number> = new Set([
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
]);

export type TxnErrorKind = 'fatal' | 'abortable';

/** Errors of the coordinator APIs (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit, EndTxn). */
export function txnErrorKind(code: number): TxnErrorKind {
  switch (code) {
    case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
    case ErrorCode.UNKNOWN_PRODUCER_ID:
    case ErrorCode.TRANSACTION_ABORTABLE:
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
    case ErrorCode.FENCED_INSTANCE_ID:
    case ErrorCode.REQUEST_TIMED_OUT:
      return 'abortable';
    default:
      return 'fatal';
  }
}
