/**
 * The states of a transactional id (Kafka's TransactionState), with the int8 status written to
 * __transaction_state and the names DescribeTransactions / ListTransactions report.
 *
 *   Empty ──AddPartitions──> Ongoing ──EndTxn──> PrepareCommit ──markers──> CompleteCommit
 *                                   └─EndTxn/timeout/fence─> PrepareAbort ──markers──> CompleteAbort
 *   CompleteCommit / CompleteAbort / Empty ──AddPartitions──> Ongoing, ──InitProducerId──> Empty
 *   Empty / CompleteCommit / CompleteAbort ──expiry──> Dead (a tombstone)
 *   Ongoing ──InitProducerId of a new producer──> PrepareEpochFence (in memory only) ──> PrepareAbort
 */
export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

export const TXN_STATES: readonly TxnState[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

/** The TransactionStatus byte of TransactionLogValue is the state's position in Kafka's list. */
export function txnStatusByte(state: TxnState): number {
  return TXN_STATES.indexOf(state);
}

export function txnStateFromByte(status: number): TxnState {
  const state = TXN_STATES[status];
  if (!state) throw new Error(`unknown transaction status ${status} in __transaction_state`);
  return state;
}

/** Kafka's TransactionState.validPreviousStates. */
const VALID_PREVIOUS: Record<TxnState, readonly TxnState[]> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteAbort', 'CompleteCommit'],
  PrepareEpochFence: ['Ongoing'],
};

export function isValidTransition(from: TxnState, to: TxnState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** States in which the transactional id has no open transaction (it may expire from these). */
export function isIdle(state: TxnState): boolean {
  return state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
}

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
/** Short.MaxValue: an epoch of MAX - 1 cannot be bumped again without a new producer id. */
export const MAX_PRODUCER_EPOCH = 32767;

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_PRODUCER_EPOCH - 1;
}
