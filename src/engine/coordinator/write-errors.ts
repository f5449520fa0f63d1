/**
 * What a coordinator answers when writing its own records failed: Kafka's
 * GroupMetadataManager.appendGroupMetadataErrorToResponseError and
 * TransactionStateManager.appendTransactionToLog map an append error the same way, so both
 * coordinators share this one mapping.
 */
import { ErrorCode } from '../protocol/errors.js';

export function coordinatorWriteError(code: number): number {
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
