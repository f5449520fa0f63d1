/**
 * The transaction coordinator (Kafka's TransactionCoordinator): transactional ids, their producer ids
 * and epochs, and their transactions, for the __transaction_state partitions this broker leads (an id
 * lives on partition abs(hash(id)) % partitions). Every state change is written to that partition
 * before it is answered; a transaction ends with PrepareCommit/PrepareAbort in the log, COMMIT/ABORT
 * markers in each of its partitions (deps.markers), then CompleteCommit/CompleteAbort in the log.
 *
 * Every answer that follows a state change waits until the record is replicated to the ISR
 * (replication.ts; TXN_WRITE_TIMEOUT_MS), and a transaction's markers are only sent once its
 * PrepareCommit/PrepareAbort is replicated: otherwise a coordinator failover could lose the decision
 * after some partitions already had their markers.
 *
 * Ids on a partition being replayed answer COORDINATOR_LOAD_IN_PROGRESS, ids on partitions led
 * elsewhere NOT_COORDINATOR. Producer ids come in blocks from the controller (ProducerIdManager).
 * Ownership and loading live in ownership.ts, the periodic checks in expiration.ts, the admin
 * views in admin.ts.
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import type { QuorumController } from '../../controller/quorum-controller.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { MetadataChange } from '../../metadata/replay.js';
import { ErrorCode } from '../../protocol/errors.js';
import { type CoordinatorTimer, SystemTimer } from '../group/timer.js';
import { describeTransactions, type DescribedTxn, listTransactions, type ListedTxns } from './admin.js';
import { decideEndTxn, type EndTxnRequest } from './end-txn.js';
import { scheduleTxnChecks } from './expiration.js';
import type { TxnMarkerChannel } from './marker-channel.js';
import { MarkerSender } from './marker-sender.js';
import { TxnCompletion } from './completion.js';
import { TxnOwnership } from './ownership.js';
import { ProducerIdManager } from './producer-id-manager.js';
import { TransactionStateManager } from './state-manager.js';
import { type TopicPartitionRef, TransactionMetadata, type TxnTransit } from './transaction-metadata.js';
import { isEpochExhausted, NO_PRODUCER_EPOCH } from './transaction-state.js';
import { replicaManagerTxnWriter, type TxnRecordWriter } from './txn-log.js';
import { TRANSACTION_STATE_TOPIC } from './partitioner.js';
import { MarkerRouter } from './marker-router.js';
import { type Held, ReplicationBarrier } from '../replication.js';

export interface TransactionCoordinatorDeps {
  config: BrokerConfig;
  nodeId: number;
  log: Logger;
  metadata(): MetadataImage;
  replicaManager: ReplicaManager;
  controller: QuorumController;
  markers: TxnMarkerChannel;
  timer?: CoordinatorTimer;
  writer?: TxnRecordWriter;
  producerIds?: { generate(): Promise<number>; warmUp?(): Promise<void> };
}

export interface ProducerIdAndEpoch {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  /** KIP-360: the producer id and epoch the producer has, or undefined. */
  expected?: { producerId: number; producerEpoch: number };
}

const failed = (errorCode: number): ProducerIdAndEpoch => ({ errorCode, producerId: -1, producerEpoch: -1 });

/**
 * How long a __transaction_state write may wait for the ISR before the client gets
 * COORDINATOR_NOT_AVAILABLE: Kafka's TransactionStateManager uses the broker's request.timeout.ms,
 * whose default this is.
 */
export const TXN_WRITE_TIMEOUT_MS = 30_000;

export class TransactionCoordinator {
  readonly timer: CoordinatorTimer;
  readonly state: TransactionStateManager;
  readonly ownership: TxnOwnership;
  private readonly producerIds: { generate(): Promise<number>; warmUp?(): Promise<void> };
  private readonly barrier: ReplicationBarrier;
  private readonly router: MarkerRouter;
  private readonly completion: TxnCompletion;
  /** Transactions whose markers are being written, by transactional id (tests and shutdown wait on them). */
  readonly completions: Map<string, Promise<void>>;
  private closed = false;

  constructor(readonly deps: TransactionCoordinatorDeps) {
    const log = deps.log;
    this.timer = deps.timer ?? new SystemTimer((key, err) => log.error(`transaction coordinator timer ${JSON.stringify(key)} failed`, err));
    const writer = deps.writer ?? replicaManagerTxnWriter(deps.replicaManager, deps.metadata, () => this.timer.now());
    this.state = new TransactionStateManager(deps.metadata, deps.config.int('transaction.state.log.num.partitions'), writer, log);
    this.producerIds = deps.producerIds ?? new ProducerIdManager(deps.controller, deps.nodeId);
    this.barrier = new ReplicationBarrier(() => deps.replicaManager, TXN_WRITE_TIMEOUT_MS);
    // Markers for partitions led here go through deps.markers; the others to their leaders (WriteTxnMarkers).
    this.router = new MarkerRouter({ nodeId: deps.nodeId, config: deps.config, metadata: deps.metadata, local: deps.markers, barrier: this.barrier, log });
    this.completion = new TxnCompletion({
      state: this.state,
      sender: new MarkerSender(this.router, this.timer, log),
      barrier: this.barrier,
      log,
      now: () => this.now(),
      isCurrent: (txn, coordinatorEpoch) => !this.closed && this.state.txns.get(txn.transactionalId) === txn && this.ownership.coordinatorEpochOf(txn.transactionalId) === coordinatorEpoch,
    });
    this.completions = this.completion.running;
    this.ownership = new TxnOwnership(deps, this.state, (txn, epoch) => this.completeTransaction(txn, epoch));
  }

  // ---- lifecycle

  async startup(): Promise<void> {
    void this.producerIds.warmUp?.();
    scheduleTxnChecks(this);
    await this.ownership.adoptLedPartitions(this.deps.metadata());
  }

  onMetadataChange(change: MetadataChange, image: MetadataImage): void {
    if (!this.closed) this.ownership.onMetadataChange(change, image);
  }

  close(): void {
    this.closed = true;
    this.timer.cancelAll();
    this.ownership.close();
    this.router.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  now(): number {
    return this.timer.now();
  }

  partitionFor(transactionalId: string): number {
    return this.state.partitionFor(transactionalId);
  }

  /** `errorCode` (when NONE) once the id's __transaction_state partition has its writes replicated, else the coordinator error. */
  private held(transactionalId: string, errorCode: number): Held<number> {
    if (errorCode !== ErrorCode.NONE) return errorCode;
    return this.barrier.hold(TRANSACTION_STATE_TOPIC, this.partitionFor(transactionalId), ErrorCode.NONE, (code) => code);
  }

  findCoordinator(transactionalId: string, listenerName: string) {
    return this.ownership.findCoordinator(transactionalId, listenerName);
  }

  // ---- InitProducerId

  /** A producer id from the controller's blocks, or undefined when none can be had now (retriable). */
  private async newProducerId(): Promise<number | undefined> {
    try {
      return await this.producerIds.generate();
    } catch (err) {
      this.deps.log.warn(`no producer id available: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  async initProducerId(req: InitProducerIdRequest): Promise<ProducerIdAndEpoch> {
    if (req.transactionalId === null) {
      // An idempotent producer: always a fresh producer id at epoch 0.
      const producerId = await this.newProducerId();
      return producerId === undefined ? failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) : { errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
    }
    const txnId = req.transactionalId;
    if (txnId === '') return failed(ErrorCode.INVALID_REQUEST);
    const timeout = req.transactionTimeoutMs;
    if (timeout <= 0 || timeout > this.deps.config.int('transaction.max.timeout.ms')) return failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    await this.ownership.ensureTopic();
    let newProducerId: number | undefined;
    for (;;) {
      const lookup = this.state.get(txnId);
      if ('errorCode' in lookup) return failed(lookup.errorCode);
      let txn = lookup.txn;
      if (!txn) {
        if (newProducerId === undefined) {
          newProducerId = await this.newProducerId();
          if (newProducerId === undefined) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
          continue; // look again: the partition may have moved while waiting
        }
        txn = this.state.putIfNotExists(TransactionMetadata.fresh(txnId, newProducerId, timeout, this.now()));
        newProducerId = undefined;
      }
      if (txn.pendingTransitionInProgress) return failed(ErrorCode.CONCURRENT_TRANSACTIONS);
      if (req.expected && !isValidProducerId(txn, req.expected)) return failed(ErrorCode.PRODUCER_FENCED);
      switch (txn.state) {
        case 'PrepareAbort':
        case 'PrepareCommit':
          return failed(ErrorCode.CONCURRENT_TRANSACTIONS);
        case 'Ongoing': {
          // A new producer for the id: fence the old one (epoch bump) and abort what it left open. The
          // caller retries on CONCURRENT_TRANSACTIONS and then gets the next epoch.
          const fence = txn.prepareFenceProducerEpoch();
          const ended = await this.endTransaction({
            transactionalId: txnId,
            producerId: txn.producerId,
            producerEpoch: fence.producerEpoch,
            commit: false,
            fromClient: false,
            clientTransactionVersion: txn.clientTransactionVersion,
          });
          if (txn.pendingState === 'PrepareEpochFence') txn.abortTransition();
          return failed(ended.errorCode !== ErrorCode.NONE ? ended.errorCode : ErrorCode.CONCURRENT_TRANSACTIONS);
        }
        case 'Empty':
        case 'CompleteAbort':
        case 'CompleteCommit': {
          let transit: TxnTransit;
          if (txn.isProducerEpochExhausted && (!req.expected || req.expected.producerEpoch === txn.producerEpoch)) {
            if (newProducerId === undefined) {
              newProducerId = await this.newProducerId();
              if (newProducerId === undefined) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
              continue;
            }
            transit = txn.prepareProducerIdRotation(newProducerId, timeout, this.now(), req.expected !== undefined);
          } else {
            const prepared = txn.prepareIncrementProducerEpoch(timeout, req.expected?.producerEpoch, this.now());
            if ('errorCode' in prepared) return failed(prepared.errorCode);
            transit = prepared.transit;
          }
          const errorCode = await this.held(txnId, this.state.append(txn, transit, lookup.coordinatorEpoch));
          if (errorCode !== ErrorCode.NONE) return failed(errorCode);
          return { errorCode: ErrorCode.NONE, producerId: transit.producerId, producerEpoch: transit.producerEpoch };
        }
        default:
          return failed(ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    }
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn

  /**
   * Add partitions to the producer's transaction (starting one if none is open); one error for all.
   * `clientTransactionVersion` 2 is KIP-890 part 2's implicit add (Produce v12, TxnOffsetCommit v5,
   * see implicit-add.ts): the transaction then runs version 2, so a timeout abort bumps its epoch too.
   */
  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[], clientTransactionVersion?: number): Held<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    const lookup = this.state.get(transactionalId);
    if ('errorCode' in lookup) return lookup.errorCode;
    const txn = lookup.txn;
    if (!txn) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.pendingTransitionInProgress) return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (txn.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (txn.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (txn.state === 'Ongoing' && partitions.every((p) => txn.hasPartition(p.topic, p.partition))) return ErrorCode.NONE;
    if (txn.state === 'Dead' || txn.state === 'PrepareEpochFence') return ErrorCode.UNKNOWN_SERVER_ERROR;
    const transit = txn.prepareAddPartitions(partitions, this.now(), clientTransactionVersion ?? txn.clientTransactionVersion);
    return this.held(transactionalId, this.state.append(txn, transit, lookup.coordinatorEpoch));
  }

  /**
   * AddPartitionsToTxn v4+ verifyOnly (Kafka's handleVerifyPartitionsInTransaction): whether each
   * partition is already in the producer's ongoing transaction (TRANSACTION_ABORTABLE if not), or one
   * error for the whole transaction.
   */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartitionRef[]): { errorCode: number } | { results: number[] } {
    if (!transactionalId) return { errorCode: ErrorCode.INVALID_REQUEST };
    const lookup = this.state.get(transactionalId);
    if ('errorCode' in lookup) return { errorCode: lookup.errorCode };
    const txn = lookup.txn;
    if (!txn || txn.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
    if (txn.producerEpoch !== producerEpoch) return { errorCode: ErrorCode.PRODUCER_FENCED };
    if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
    return { results: partitions.map((p) => (txn.hasPartition(p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE)) };
  }

  /**
   * KIP-890 part 1: NONE when `topic`-`partition` is part of the producer's ongoing transaction, else
   * the error its produce request gets — the verifyOnly answer as Kafka's AddPartitionsToTxnManager
   * and ReplicaManager pass it on: PRODUCER_FENCED as INVALID_PRODUCER_EPOCH, a partition not in the
   * transaction as TRANSACTION_ABORTABLE (Produce v11+) or INVALID_TXN_STATE (older, and when the
   * version is not given), and retriable coordinator errors as NOT_ENOUGH_REPLICAS so every client
   * retries the batch. Synchronous, so nothing can end the transaction between this check and the
   * append that follows it.
   */
  verifyPartition(transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number, produceVersion?: number): number {
    if (!this.deps.config.bool('transaction.partition.verification.enable')) return ErrorCode.NONE;
    const verified = this.verifyPartitions(transactionalId, producerId, producerEpoch, [{ topic, partition }]);
    const code = 'results' in verified ? verified.results[0] : verified.errorCode;
    switch (code) {
      case ErrorCode.PRODUCER_FENCED:
        return ErrorCode.INVALID_PRODUCER_EPOCH;
      case ErrorCode.TRANSACTION_ABORTABLE:
        return produceVersion !== undefined && produceVersion >= 11 ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE;
      case ErrorCode.CONCURRENT_TRANSACTIONS:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
        return ErrorCode.NOT_ENOUGH_REPLICAS;
      default:
        return code;
    }
  }

  // ---- EndTxn

  /**
   * Commit or abort. Answers once PrepareCommit/PrepareAbort is in the log (as Kafka does); the markers
   * and the Complete state follow in the background, and meanwhile the id answers
   * CONCURRENT_TRANSACTIONS. With transaction version 2 the answer carries the bumped epoch (or a new
   * producer id at epoch 0 when the epoch ran out).
   */
  async endTransaction(req: EndTxnRequest): Promise<ProducerIdAndEpoch> {
    if (!req.transactionalId) return failed(ErrorCode.INVALID_REQUEST);
    let nextProducerId = -1;
    for (;;) {
      const lookup = this.state.get(req.transactionalId);
      if ('errorCode' in lookup) return failed(lookup.errorCode);
      const txn = lookup.txn;
      if (!txn) return failed(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
      const decision = decideEndTxn(txn, req);
      if ('answer' in decision) {
        if (decision.answer !== ErrorCode.NONE) return failed(decision.answer);
        return { errorCode: ErrorCode.NONE, producerId: txn.producerId, producerEpoch: txn.producerEpoch };
      }
      if (decision.needsNewProducerId && nextProducerId < 0) {
        const generated = await this.newProducerId();
        if (generated === undefined) return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
        nextProducerId = generated;
        continue;
      }
      if (decision.isEpochFence) {
        // The fence's bumped epoch becomes the epoch of the abort (version 2 bumps it there instead).
        txn.pendingState = undefined;
        if (req.clientTransactionVersion < 2) {
          txn.producerEpoch = req.producerEpoch;
          txn.lastProducerEpoch = NO_PRODUCER_EPOCH;
        }
      }
      const transit = txn.prepareAbortOrCommit(decision.prepare, req.clientTransactionVersion, decision.needsNewProducerId ? nextProducerId : -1, this.now(), decision.noPartitionAdded);
      const errorCode = this.state.append(txn, transit, lookup.coordinatorEpoch);
      if (errorCode !== ErrorCode.NONE) {
        if (decision.isEpochFence) txn.hasFailedEpochFence = true;
        return failed(errorCode);
      }
      // The state is decided (applied at append): the markers follow once it is replicated, even if
      // this answer gives up waiting first (the client's retry then sees CONCURRENT_TRANSACTIONS
      // until they are written, then the completed transaction).
      const replicated = this.held(req.transactionalId, ErrorCode.NONE);
      this.completeTransaction(txn, lookup.coordinatorEpoch);
      const replicationError = await replicated;
      if (replicationError !== ErrorCode.NONE) return failed(replicationError);
      const rotated = transit.nextProducerId >= 0;
      return { errorCode: ErrorCode.NONE, producerId: rotated ? transit.nextProducerId : transit.producerId, producerEpoch: rotated ? 0 : transit.producerEpoch };
    }
  }

  /** Write the markers of a transaction in PrepareCommit/PrepareAbort, then log its Complete state (completion.ts). */
  completeTransaction(txn: TransactionMetadata, coordinatorEpoch: number): Promise<void> {
    return this.completion.complete(txn, coordinatorEpoch);
  }

  // ---- admin

  describeTransactions(transactionalIds: string[]): DescribedTxn[] {
    return describeTransactions(this.state, transactionalIds);
  }

  listTransactions(stateFilters: string[], producerIdFilters: number[], durationFilterMs: number): ListedTxns {
    return listTransactions(this.state, stateFilters, producerIdFilters, durationFilterMs, this.now());
  }
}

/** Kafka's isValidProducerId for a KIP-360 InitProducerId carrying the producer's id and epoch. */
function isValidProducerId(txn: TransactionMetadata, expected: { producerId: number; producerEpoch: number }): boolean {
  return (
    txn.producerEpoch === NO_PRODUCER_EPOCH ||
    expected.producerId === txn.producerId ||
    (expected.producerId === txn.prevProducerId && isEpochExhausted(expected.producerEpoch))
  );
}
