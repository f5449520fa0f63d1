/**
 * The read-only views of the coordinator's transactional ids: DescribeTransactions and
 * ListTransactions, as Kafka's TransactionCoordinator and TransactionStateManager answer them.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { groupByTopic } from './records.js';
import type { TransactionStateManager } from './state-manager.js';
import { TXN_STATES, type TxnState } from './transaction-state.js';

export interface DescribedTxn {
  errorCode: number;
  transactionalId: string;
  transactionState: string;
  transactionTimeoutMs: number;
  transactionStartTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export interface ListedTxns {
  errorCode: number;
  unknownStateFilters: string[];
  transactionStates: { transactionalId: string; producerId: number; transactionState: string }[];
}

export function describeTransactions(state: TransactionStateManager, transactionalIds: string[]): DescribedTxn[] {
  return transactionalIds.map((transactionalId) => {
    const none = (errorCode: number): DescribedTxn => ({ errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] });
    if (!transactionalId) return none(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    const lookup = state.get(transactionalId);
    if ('errorCode' in lookup) return none(lookup.errorCode);
    const txn = lookup.txn;
    // A Dead id is being expired: as good as gone.
    if (!txn || txn.state === 'Dead') return none(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      transactionState: txn.state,
      transactionTimeoutMs: txn.txnTimeoutMs,
      transactionStartTimeMs: txn.txnStartTimestamp,
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      topics: groupByTopic(txn.partitionList()),
    };
  });
}

/** Kafka's listTransactionStates: unknown state names are reported back; a duration keeps transactions running longer than it. */
export function listTransactions(state: TransactionStateManager, stateFilters: string[], producerIdFilters: number[], durationFilterMs: number, now: number): ListedTxns {
  if (state.isLoading()) return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, unknownStateFilters: [], transactionStates: [] };
  const states = new Set<TxnState>();
  const unknownStateFilters: string[] = [];
  for (const name of stateFilters) {
    if ((TXN_STATES as readonly string[]).includes(name)) states.add(name as TxnState);
    else unknownStateFilters.push(name);
  }
  const producerIds = new Set(producerIdFilters);
  const transactionStates: ListedTxns['transactionStates'] = [];
  for (const [txn] of state.activeTransactions()) {
    if (txn.state === 'Dead') continue;
    if (producerIds.size > 0 && !producerIds.has(txn.producerId)) continue;
    if (states.size > 0 && !states.has(txn.state)) continue;
    if (durationFilterMs >= 0 && now - txn.txnStartTimestamp <= durationFilterMs) continue;
    transactionStates.push({ transactionalId: txn.transactionalId, producerId: txn.producerId, transactionState: txn.state });
  }
  return { errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}
