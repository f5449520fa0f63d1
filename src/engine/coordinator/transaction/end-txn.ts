/**
 * EndTxn's decision (Kafka's TransactionCoordinator.endTransaction checks): given the id's state and
 * the request, either an answer now (an error, or NONE for a retry of an end that already happened)
 * or the Prepare state to write. Transaction version 1 (EndTxn v0-4) keeps the epoch; version 2
 * (EndTxn v5, KIP-890 part 2) bumps it on every commit and abort, so a request of the ended
 * transaction — a delayed EndTxn or produce — can never count for the next one.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { TransactionMetadata } from './transaction-metadata.js';
import { MAX_PRODUCER_EPOCH } from './transaction-state.js';

export interface EndTxnRequest {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  /** false: the coordinator itself aborts (a timeout, or fencing for a new producer). */
  fromClient: boolean;
  /** 2 for EndTxn v5, else 1. */
  clientTransactionVersion: number;
}

export type EndTxnDecision =
  | { answer: number }
  | { prepare: 'PrepareCommit' | 'PrepareAbort'; isEpochFence: boolean; noPartitionAdded: boolean; needsNewProducerId: boolean };

export function decideEndTxn(txn: TransactionMetadata, req: EndTxnRequest): EndTxnDecision {
  const isEpochFence = !req.fromClient && txn.pendingState === 'PrepareEpochFence';
  if (txn.pendingTransitionInProgress && !isEpochFence) return { answer: ErrorCode.CONCURRENT_TRANSACTIONS };
  const tv2 = req.clientTransactionVersion >= 2;
  const prepare = (state: 'PrepareCommit' | 'PrepareAbort', noPartitionAdded: boolean): EndTxnDecision => ({
    prepare: state,
    isEpochFence,
    noPartitionAdded,
    needsNewProducerId: tv2 && !isEpochFence && txn.isProducerEpochExhausted,
  });
  const invalid = { answer: ErrorCode.INVALID_TXN_STATE };
  const wanted = req.commit ? 'PrepareCommit' : 'PrepareAbort';

  if (!tv2) {
    if (txn.producerId !== req.producerId) return { answer: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    // A client must use the current epoch; the coordinator's own abort carries the fenced (higher) one.
    if ((req.fromClient && req.producerEpoch !== txn.producerEpoch) || req.producerEpoch < txn.producerEpoch) return { answer: ErrorCode.PRODUCER_FENCED };
    switch (txn.state) {
      case 'Ongoing':
        return prepare(wanted, false);
      case 'CompleteCommit':
        return req.commit ? { answer: ErrorCode.NONE } : invalid;
      case 'CompleteAbort':
        return req.commit ? invalid : { answer: ErrorCode.NONE };
      case 'PrepareCommit':
        return req.commit ? { answer: ErrorCode.CONCURRENT_TRANSACTIONS } : invalid;
      case 'PrepareAbort':
        return req.commit ? invalid : { answer: ErrorCode.CONCURRENT_TRANSACTIONS };
      case 'Empty':
        return invalid;
      default:
        return { answer: ErrorCode.UNKNOWN_SERVER_ERROR };
    }
  }

  // Transaction version 2: the previous epoch is a retry of the end that bumped it.
  const retryOnOverflow = !isEpochFence && txn.prevProducerId === req.producerId && req.producerEpoch === MAX_PRODUCER_EPOCH - 1 && txn.producerEpoch === 0;
  const retryOnEpochBump = !isEpochFence && txn.producerId === req.producerId && req.producerEpoch === txn.producerEpoch - 1;
  const isRetry = retryOnOverflow || retryOnEpochBump;
  if (txn.producerId !== req.producerId && !retryOnOverflow) return { answer: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
  const validEpoch = isEpochFence ? req.producerEpoch >= txn.producerEpoch : req.producerEpoch === txn.producerEpoch || isRetry;
  if (!validEpoch) return { answer: ErrorCode.PRODUCER_FENCED };
  switch (txn.state) {
    case 'Ongoing':
      // A retry cannot end the ongoing transaction: its epoch belongs to the one before.
      return isRetry ? { answer: ErrorCode.PRODUCER_FENCED } : prepare(wanted, false);
    case 'CompleteCommit':
      if (req.commit) return isRetry ? { answer: ErrorCode.NONE } : invalid;
      return isRetry ? invalid : prepare('PrepareAbort', true);
    case 'CompleteAbort':
      if (!req.commit) return isRetry ? { answer: ErrorCode.NONE } : prepare('PrepareAbort', true);
      return invalid;
    case 'PrepareCommit':
      return req.commit ? { answer: ErrorCode.CONCURRENT_TRANSACTIONS } : invalid;
    case 'PrepareAbort':
      return req.commit ? invalid : { answer: ErrorCode.CONCURRENT_TRANSACTIONS };
    case 'Empty':
      return req.commit || isRetry ? invalid : prepare('PrepareAbort', true);
    default:
      return { answer: ErrorCode.UNKNOWN_SERVER_ERROR };
  }
}
