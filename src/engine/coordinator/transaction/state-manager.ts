/**
 * Which transactional ids this broker coordinates and where their state is kept (Kafka's
 * TransactionStateManager): the __transaction_state partitions it leads, each loading or active with
 * its coordinator epoch (the partition's leader epoch, carried by markers to fence old coordinators),
 * the TransactionMetadata of every id on them, and the writes of state changes to the log.
 */
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { CoordinatorRecord } from '../group/records.js';
import { partitionForTransactionalId, TRANSACTION_STATE_TOPIC } from './partitioner.js';
import { txnRecord, txnTombstone } from './records.js';
import type { TransactionMetadata, TxnTransit } from './transaction-metadata.js';
import { coordinatorWriteError } from '../write-errors.js';
import type { TxnRecordWriter } from './txn-log.js';

export interface OwnedPartition {
  status: 'loading' | 'active';
  /** The partition's leader epoch when this broker took it. */
  coordinatorEpoch: number;
  /** The topic id it was loaded from (a topic deleted and created again is another partition). */
  topicId?: string;
}

export type TxnLookup = { errorCode: number } | { txn: TransactionMetadata | undefined; coordinatorEpoch: number };

export class TransactionStateManager {
  readonly owned = new Map<number, OwnedPartition>();
  readonly txns = new Map<string, TransactionMetadata>();

  constructor(
    private readonly metadata: () => MetadataImage,
    private readonly defaultNumPartitions: number,
    private readonly writer: TxnRecordWriter,
    private readonly log: Logger,
  ) {}

  numPartitions(): number {
    return this.metadata().topic(TRANSACTION_STATE_TOPIC)?.partitions.size || this.defaultNumPartitions;
  }

  partitionFor(transactionalId: string): number {
    return partitionForTransactionalId(transactionalId, this.numPartitions());
  }

  /** NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS unless this broker serves the id now. */
  status(transactionalId: string): number {
    const owned = this.owned.get(this.partitionFor(transactionalId));
    if (!owned) return ErrorCode.NOT_COORDINATOR;
    return owned.status === 'loading' ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
  }

  get(transactionalId: string): TxnLookup {
    const owned = this.owned.get(this.partitionFor(transactionalId));
    if (!owned) return { errorCode: ErrorCode.NOT_COORDINATOR };
    if (owned.status === 'loading') return { errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS };
    return { txn: this.txns.get(transactionalId), coordinatorEpoch: owned.coordinatorEpoch };
  }

  putIfNotExists(txn: TransactionMetadata): TransactionMetadata {
    const existing = this.txns.get(txn.transactionalId);
    if (existing) return existing;
    this.txns.set(txn.transactionalId, txn);
    return txn;
  }

  /**
   * Write `transit` for `txn` and make it current; on failure the pending transition is dropped and
   * the error is Kafka's (COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, ...). A coordinator epoch that
   * changed meanwhile (the partition moved) answers NOT_COORDINATOR.
   */
  append(txn: TransactionMetadata, transit: TxnTransit, coordinatorEpoch: number): number {
    const partition = this.partitionFor(txn.transactionalId);
    const owned = this.owned.get(partition);
    if (!owned || owned.status !== 'active' || owned.coordinatorEpoch !== coordinatorEpoch) {
      txn.abortTransition();
      return ErrorCode.NOT_COORDINATOR;
    }
    const record: CoordinatorRecord = transit.state === 'Dead' ? txnTombstone(txn.transactionalId) : txnRecord(txn.transactionalId, transit);
    const errorCode = coordinatorWriteError(this.writer(partition, [record]));
    if (errorCode !== ErrorCode.NONE) {
      this.log.warn(`Failed to write ${transit.state} of transactional id ${txn.transactionalId} to ${TRANSACTION_STATE_TOPIC}-${partition}: error ${errorCode}`);
      txn.abortTransition();
      return errorCode;
    }
    txn.completeTransition(transit);
    if (transit.state === 'Dead') this.txns.delete(txn.transactionalId);
    return ErrorCode.NONE;
  }

  /** Ids on partitions that are active (loaded), for the periodic checks and ListTransactions. */
  *activeTransactions(): Iterable<[TransactionMetadata, number]> {
    for (const txn of this.txns.values()) {
      const owned = this.owned.get(this.partitionFor(txn.transactionalId));
      if (owned?.status === 'active') yield [txn, owned.coordinatorEpoch];
    }
  }

  isLoading(): boolean {
    for (const o of this.owned.values()) if (o.status === 'loading') return true;
    return false;
  }

  /** Forget the ids of a partition this broker no longer leads. */
  unload(partition: number): TransactionMetadata[] {
    this.owned.delete(partition);
    const dropped: TransactionMetadata[] = [];
    for (const [id, txn] of this.txns) {
      if (this.partitionFor(id) === partition) {
        this.txns.delete(id);
        dropped.push(txn);
      }
    }
    return dropped;
  }
}
