/**
 * Ending a decided transaction (the second half of Kafka's EndTxn): once its PrepareCommit or
 * PrepareAbort is replicated to the ISR of its __transaction_state partition, the COMMIT or ABORT
 * markers go to every partition of the transaction (MarkerSender, through MarkerRouter to each
 * partition's leader), and once all are written (and replicated) the Complete state is logged.
 *
 * No marker goes out before the decision is replicated: a failover could otherwise elect a leader
 * whose log lacks it, and that coordinator could abort a transaction some partitions already
 * committed. A decision that is not replicated yet keeps waiting (the state is decided, applied at
 * append); if the partition's leadership moves meanwhile, the work stops and the next leader, having
 * replayed its log, resumes what it finds in PrepareCommit/PrepareAbort.
 */
import type { Logger } from '../../logger.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ReplicationBarrier } from '../replication.js';
import type { MarkerSender } from './marker-sender.js';
import { TRANSACTION_STATE_TOPIC } from './partitioner.js';
import type { TransactionStateManager } from './state-manager.js';
import type { TransactionMetadata } from './transaction-metadata.js';

export interface TxnCompletionDeps {
  state: TransactionStateManager;
  sender: MarkerSender;
  barrier: ReplicationBarrier;
  log: Logger;
  now(): number;
  /** Whether this coordinator still owns the transaction under `coordinatorEpoch`. */
  isCurrent(txn: TransactionMetadata, coordinatorEpoch: number): boolean;
}

export class TxnCompletion {
  /** Transactions whose markers are being written, by transactional id. */
  readonly running = new Map<string, Promise<void>>();

  constructor(private readonly deps: TxnCompletionDeps) {}

  complete(txn: TransactionMetadata, coordinatorEpoch: number): Promise<void> {
    const id = txn.transactionalId;
    const { state, sender } = this.deps;
    const stillCurrent = () => this.deps.isCurrent(txn, coordinatorEpoch);
    const run = async () => {
      const marker = {
        producerId: txn.producerId,
        producerEpoch: txn.producerEpoch,
        coordinatorEpoch,
        commit: txn.state === 'PrepareCommit',
        partitions: txn.partitionList(),
        // Version 2 markers carry the epoch EndTxn bumped: the log requires it newer than the data's.
        ...(txn.clientTransactionVersion >= 2 ? { transactionVersion: 2 } : {}),
      };
      if (!(await this.untilReplicated(id, stillCurrent))) return;
      if (!(await sender.send(id, marker, stillCurrent))) return;
      for (;;) {
        if (!stillCurrent() || (txn.state !== 'PrepareCommit' && txn.state !== 'PrepareAbort')) return;
        const errorCode = state.append(txn, txn.prepareComplete(this.deps.now()), coordinatorEpoch);
        if (errorCode !== ErrorCode.COORDINATOR_NOT_AVAILABLE) {
          if (errorCode !== ErrorCode.NONE) this.deps.log.warn(`could not complete the transaction of ${id}: error ${errorCode}`);
          return;
        }
        await sender.backoff(id);
      }
    };
    // Start on the next turn of the event loop: EndTxn's answer (already due when PrepareCommit is
    // replicated) is written to the socket first, and the markers are written while the client reads
    // it. On one node setImmediate runs before the event loop polls sockets again, so the client's
    // next request finds the transaction complete; markers sent to other brokers take a round trip,
    // meanwhile the client gets CONCURRENT_TRANSACTIONS and retries, as with Kafka.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(run)
      .catch((err) => this.deps.log.error(`completing the transaction of ${id} failed`, err))
      .finally(() => {
        if (this.running.get(id) === done) this.running.delete(id);
      });
    this.running.set(id, done);
    return done;
  }

  /**
   * Wait until the id's partition has everything written so far replicated; false once the
   * transaction is no longer this coordinator's to finish.
   */
  private async untilReplicated(transactionalId: string, stillCurrent: () => boolean): Promise<boolean> {
    for (;;) {
      if (!stillCurrent()) return false;
      const waiting = this.deps.barrier.wait(TRANSACTION_STATE_TOPIC, this.deps.state.partitionFor(transactionalId));
      if (!waiting) return true;
      const code = await waiting;
      if (code === ErrorCode.NONE) return stillCurrent();
      if (code === ErrorCode.NOT_LEADER_OR_FOLLOWER) return false;
      // Timed out (followers slow or gone, the ISR not shrunk yet): keep waiting, the state is decided.
      this.deps.log.warn(`the end of the transaction of ${transactionalId} is not replicated yet (error ${code}); its markers wait`);
      await this.deps.sender.backoff(transactionalId);
    }
  }
}
