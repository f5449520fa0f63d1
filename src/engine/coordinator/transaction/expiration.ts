/**
 * The coordinator's periodic checks (Kafka's abortTimedOutTransactions and
 * removeExpiredTransactionalIds):
 * - every transaction.abort.timed.out.transaction.cleanup.interval.ms, a transaction open longer than
 *   its transaction.timeout.ms is aborted with the epoch bumped first, so the producer that left it
 *   open is fenced (its next request gets PRODUCER_FENCED / INVALID_PRODUCER_EPOCH);
 * - every transaction.remove.expired.transaction.cleanup.interval.ms, an id with no open transaction
 *   and no change for transactional.id.expiration.ms is forgotten: a tombstone in __transaction_state.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { TransactionCoordinator } from './transaction-coordinator.js';
import { isIdle } from './transaction-state.js';

const ABORT_KEY = '\u0000abort-timed-out';
const EXPIRE_KEY = '\u0000expire-ids';

export function scheduleTxnChecks(coordinator: TransactionCoordinator): void {
  const { config } = coordinator.deps;
  const every = (key: string, intervalMs: number, check: () => void) => {
    const tick = () => {
      if (coordinator.isClosed) return;
      check();
      coordinator.timer.schedule(key, intervalMs, tick);
    };
    coordinator.timer.schedule(key, intervalMs, tick);
  };
  every(ABORT_KEY, config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'), () => abortTimedOutTransactions(coordinator));
  every(EXPIRE_KEY, config.int('transaction.remove.expired.transaction.cleanup.interval.ms'), () => removeExpiredTransactionalIds(coordinator));
}

export function abortTimedOutTransactions(coordinator: TransactionCoordinator): void {
  const now = coordinator.now();
  for (const [txn] of [...coordinator.state.activeTransactions()]) {
    if (txn.state !== 'Ongoing' || txn.pendingTransitionInProgress || txn.txnStartTimestamp + txn.txnTimeoutMs >= now) continue;
    coordinator.deps.log.info(
      `Aborting the transaction of ${txn.transactionalId} (producer id ${txn.producerId}, epoch ${txn.producerEpoch}): open for ${now - txn.txnStartTimestamp} ms, longer than its timeout of ${txn.txnTimeoutMs} ms`,
    );
    const fence = txn.prepareFenceProducerEpoch();
    void coordinator
      .endTransaction({
        transactionalId: txn.transactionalId,
        producerId: txn.producerId,
        producerEpoch: fence.producerEpoch,
        commit: false,
        fromClient: false,
        clientTransactionVersion: txn.clientTransactionVersion,
      })
      .then((r) => {
        if (txn.pendingState === 'PrepareEpochFence') txn.abortTransition();
        if (r.errorCode !== ErrorCode.NONE) coordinator.deps.log.warn(`Could not abort the timed-out transaction of ${txn.transactionalId}: error ${r.errorCode}`);
      });
  }
}

export function removeExpiredTransactionalIds(coordinator: TransactionCoordinator): void {
  const now = coordinator.now();
  const expiration = coordinator.deps.config.int('transactional.id.expiration.ms');
  for (const [txn, coordinatorEpoch] of [...coordinator.state.activeTransactions()]) {
    if (!isIdle(txn.state) || txn.pendingTransitionInProgress || txn.txnLastUpdateTimestamp + expiration > now) continue;
    const errorCode = coordinator.state.append(txn, txn.prepareDead(), coordinatorEpoch);
    if (errorCode === ErrorCode.NONE) coordinator.deps.log.info(`Expired transactional id ${txn.transactionalId}: unused for ${now - txn.txnLastUpdateTimestamp} ms`);
  }
}
