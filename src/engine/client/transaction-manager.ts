/**
 * The idempotent and transactional producer's state (Java's TransactionManager): the producer id
 * and epoch, per-partition sequence numbers, and for a transactional.id the transaction's states
 *
 *   UNINITIALIZED -> INITIALIZING -> READY -> IN_TRANSACTION -> COMMITTING / ABORTING -> READY
 *
 * with ABORTABLE_ERROR (abort, then go on) and FATAL_ERROR (the producer is done: fenced by a newer
 * instance, unauthorized, or in a state the coordinator refuses).
 *
 * Idempotent producers recover from a sequence gap or a forgotten producer (OUT_OF_ORDER_SEQUENCE_NUMBER,
 * UNKNOWN_PRODUCER_ID) as KIP-360 and Java's client do: once nothing is in flight the epoch is bumped
 * locally (no coordinator owns an idempotent producer id; a broker accepts a higher epoch starting at
 * sequence 0; an exhausted epoch gets a new id from InitProducerId) and the affected partitions'
 * pending batches start again at sequence 0. A transactional producer makes the same errors
 * abortable and bumps its epoch with InitProducerId and its current id and epoch (v3+) when the
 * transaction is aborted.
 *
 * Each transaction runs the transaction protocol the cluster finalized when it began (txn-version.ts):
 * version 2 adds partitions and offsets implicitly (Produce v12, TxnOffsetCommit v5) and ends with
 * EndTxn v5's new epoch; the older protocol sends AddPartitionsToTxn and AddOffsetsToTxn first.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { ProducerBatch } from './accumulator.js';
import type { Cluster } from './cluster.js';
import { GroupCoordinators, TRANSACTION_KEY_TYPE } from './coordinator.js';
import { KafkaError, UnsupportedVersionError, isRetriableError, kafkaError } from './errors.js';
import { type TopicPartition, tpKey } from './list-offsets.js';
import { MAX_IN_FLIGHT_FOR_IDEMPOTENCE, type ProducerConfig } from './producer-config.js';
import { NO_PRODUCER, PartitionSequences, type ProducerIdAndEpoch } from './producer-sequences.js';
import { FATAL_PRODUCE, TransactionAbortedError, txnErrorKind } from './txn-errors.js';
import { TxnPartitions } from './txn-partitions.js';
import { type Deadline, type GroupMetadata, type TxnOffset, addOffsetsToTxn, addPartitionsToTxn, endTxn, initProducerId, txnOffsetCommit } from './txn-requests.js';
import { MIN_PRODUCE_VERSION, TXN_V1_VERSIONS, TXN_V2_VERSIONS, TransactionVersionTracker, type TxnProtocolVersions } from './txn-version.js';

export { TransactionAbortedError };

export type TxnState = 'UNINITIALIZED' | 'INITIALIZING' | 'READY' | 'IN_TRANSACTION' | 'COMMITTING_TRANSACTION' | 'ABORTING_TRANSACTION' | 'ABORTABLE_ERROR' | 'FATAL_ERROR';

/** What the manager needs from the sender. */
export interface SenderControl {
  wake(): void;
  failUnsent(err: Error): void;
  /** Resolves once every queued and in-flight batch has completed. */
  flush(): Promise<void>;
}

/** Epochs are int16: past this an idempotent producer needs a new producer id. */
const MAX_EPOCH = 32767;

/** Java asks InitProducerId of an idempotent producer for the longest transaction timeout. */
const IDEMPOTENT_TXN_TIMEOUT = 2147483647;

export class TransactionManager {
  readonly transactional: boolean;
  readonly sequences = new PartitionSequences();
  identity: ProducerIdAndEpoch = NO_PRODUCER;
  state: TxnState = 'UNINITIALIZED';
  lastError: Error | null = null;
  private readonly transactionalId: string | null;
  private readonly txnCoordinators: GroupCoordinators | null;
  private readonly groupCoordinators: GroupCoordinators;
  private readonly partitions: TxnPartitions;
  /** The cluster's transaction.version as last read, and the protocol of the current transaction. */
  private readonly txnVersion: TransactionVersionTracker;
  private txnV2 = false;
  /** The coordinator knows (or will, by the first Produce) of this transaction: EndTxn is due. */
  private started = false;
  /** Idempotent recovery: bump once nothing is in flight; these partitions' sequences restart. */
  private bumpRequired = false;
  private readonly rewrite = new Map<string, TopicPartition>();
  /** Transactional recovery: bump the epoch when the transaction is aborted. */
  private bumpOnAbort = false;
  private working = false;
  private initVersion = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: ProducerConfig,
    private readonly sender: SenderControl,
    /** The highest transaction version to use (below 2: the older protocol, whatever the cluster runs). */
    maxTransactionVersion = 2,
  ) {
    this.transactionalId = config.transactionalId ?? null;
    this.transactional = this.transactionalId !== null;
    this.txnCoordinators = this.transactional ? new GroupCoordinators(cluster, TRANSACTION_KEY_TYPE) : null;
    this.groupCoordinators = new GroupCoordinators(cluster);
    this.txnVersion = new TransactionVersionTracker(cluster, maxTransactionVersion);
    this.partitions = new TxnPartitions({
      retryBackoffMs: config.retryBackoffMs,
      addingAllowed: () => this.state === 'IN_TRANSACTION' || this.state === 'COMMITTING_TRANSACTION',
      send: (partitions) => addPartitionsToTxn(this.txnCoordinators!, this.transactionalId!, this.identity, partitions, this.deadline('adding partitions to the transaction')),
      started: () => (this.started = true),
      wake: () => this.sender.wake(),
      abortable: (err) => this.abortable(err),
      refused: (code, partition) => {
        if (code === ErrorCode.UNKNOWN_PRODUCER_ID || code === ErrorCode.INVALID_PRODUCER_ID_MAPPING) this.bumpOnAbort = true;
        this.fail(code, `AddPartitionsToTxn for ${partition}`, false);
      },
    });
  }

  /** Whether the current (or next) transaction uses transaction version 2 (KIP-890 part 2). */
  get transactionV2(): boolean {
    return this.txnV2;
  }

  private get versions(): TxnProtocolVersions {
    return this.txnV2 ? TXN_V2_VERSIONS : TXN_V1_VERSIONS;
  }

  /** The Produce versions for this producer's batches: a transactional one's follow its protocol. */
  produceVersions(): { minVersion?: number; maxVersion?: number } {
    return this.transactional ? this.versions.produce : { minVersion: MIN_PRODUCE_VERSION };
  }

  // ---- the sender's questions -------------------------------------------------------------------

  /** Called at every drain: an idempotent producer fetches its id, or bumps its epoch once idle. */
  maybeWork(inFlightRequests: number): void {
    if (this.transactional || this.working || this.state === 'FATAL_ERROR') return;
    if (this.identity.producerId < 0) void this.initIdempotent();
    else if (this.bumpRequired && inFlightRequests === 0) {
      if (this.identity.epoch >= MAX_EPOCH) return void this.initIdempotent();
      this.restartSequences({ producerId: this.identity.producerId, epoch: this.identity.epoch + 1 });
    }
  }

  /** Adopt a new identity; the partitions that needed it start their pending batches again at 0. */
  private restartSequences(identity: ProducerIdAndEpoch): void {
    this.identity = identity;
    for (const tp of this.rewrite.values()) this.sequences.restartAtBeginning(tp.topic, tp.partition, identity);
    this.rewrite.clear();
    this.bumpRequired = false;
  }

  mayDrain(batch: ProducerBatch): boolean {
    if (this.state === 'FATAL_ERROR' || this.working || this.identity.producerId < 0 || this.bumpRequired) return false;
    if (this.transactional && !this.partitions.has(batch.topic, batch.partition)) return false;
    if (batch.baseSequence < 0) return this.sequences.readyForNew(batch.topic, batch.partition, this.identity, MAX_IN_FLIGHT_FOR_IDEMPOTENCE);
    // A retried batch goes again only as its partition's first pending one, keeping the order.
    return batch.baseSequence === this.sequences.firstPending(batch.topic, batch.partition);
  }

  onDrain(batch: ProducerBatch): void {
    this.sequences.assign(batch, this.identity);
  }

  onAcked(batch: ProducerBatch): void {
    this.sequences.acked(batch);
  }

  /** A produce error that means the broker already has this batch: complete it without an offset, as Java does. */
  writtenBefore(batch: ProducerBatch, code: number): boolean {
    if (code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) return true;
    return code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.sequences.writtenBefore(batch);
  }

  /** Java's TransactionManager.canRetry: whether a failed produce goes again (maybe after a bump). */
  canRetry(batch: ProducerBatch, err: Error, logStartOffset: number): boolean {
    const code = err instanceof KafkaError ? err.code : null;
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID) {
      if (logStartOffset === -1) return true;
      if (!this.transactional) return this.requestBump(batch);
      return false;
    }
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (this.transactional && this.state !== 'IN_TRANSACTION' && this.state !== 'COMMITTING_TRANSACTION') return false;
      // An earlier batch of the partition is being retried: this one follows it.
      if (!this.sequences.isNext(batch)) return true;
      if (!this.transactional) return this.requestBump(batch);
      return false;
    }
    if (code !== null && FATAL_PRODUCE.has(code)) return false;
    return isRetriableError(err);
  }

  /** A batch failed for good. */
  onFailed(batch: ProducerBatch, err: Error): void {
    if (batch.baseSequence >= 0) {
      this.sequences.failed(batch);
      // Whether the broker wrote it is unknown, or it left a gap: later sequences cannot be trusted.
      if (!this.transactional && this.state !== 'FATAL_ERROR') this.requestBump(batch);
      else this.bumpOnAbort = true;
    }
    this.onSendError(err);
  }

  /** A record's send failed (before or after batching). */
  onSendError(err: Error): void {
    if (err instanceof TransactionAbortedError) return;
    const code = err instanceof KafkaError ? err.code : null;
    if ((code !== null && FATAL_PRODUCE.has(code)) || err instanceof UnsupportedVersionError) this.fatal(err);
    else if (this.transactional) this.abortable(err);
  }

  private requestBump(batch: ProducerBatch): true {
    this.bumpRequired = true;
    this.rewrite.set(tpKey(batch.topic, batch.partition), { topic: batch.topic, partition: batch.partition });
    return true;
  }

  /** InitProducerId for an idempotent producer: its first id, or a new one once its epoch is exhausted. */
  private async initIdempotent(): Promise<void> {
    this.working = true;
    try {
      const { code, identity } = await initProducerId(this.cluster, null, null, IDEMPOTENT_TXN_TIMEOUT, null, this.deadline('initializing the producer id'));
      if (code !== ErrorCode.NONE) return this.fatal(kafkaError(code, null, 'InitProducerId'));
      this.restartSequences(identity);
    } catch (err) {
      if (!isRetriableError(err)) return this.fatal(err as Error);
      await new Promise((r) => setTimeout(r, this.config.retryBackoffMs));
    } finally {
      this.working = false;
      this.sender.wake();
    }
  }

  // ---- the transactional API ------------------------------------------------------------------

  async initTransactions(): Promise<void> {
    this.requireTransactional('initTransactions');
    this.throwIfFatal();
    if (this.state !== 'UNINITIALIZED' && this.state !== 'INITIALIZING') throw new Error(`Invalid transition attempted from state ${this.state} to state INITIALIZING`);
    this.state = 'INITIALIZING';
    await this.initTransactional(null);
    this.txnVersion.update(true);
    this.state = 'READY';
  }

  beginTransaction(): void {
    this.requireTransactional('beginTransaction');
    this.throwIfError();
    if (this.state !== 'READY') throw new Error(`Invalid transition attempted from state ${this.state} to state IN_TRANSACTION`);
    this.txnV2 = this.txnVersion.enabled;
    this.state = 'IN_TRANSACTION';
  }

  /** Thrown by send() when the producer may not send now (Java's failIfNotReadyForSend). */
  sendRefusal(): Error | null {
    if (this.lastError && (this.state === 'FATAL_ERROR' || this.state === 'ABORTABLE_ERROR')) {
      return new Error(`Cannot perform send because at least one previous transactional or idempotent request has failed with errors: ${this.lastError.message}`);
    }
    if (!this.transactional) return null;
    if (this.identity.producerId < 0) return new Error("Cannot perform a 'send' before completing a call to initTransactions when transactions are enabled.");
    if (this.state !== 'IN_TRANSACTION') return new Error(`Cannot call send in state ${this.state}`);
    return null;
  }

  /** Why a record may not be appended now (a transaction aborting, an error), or null. */
  appendRefusal(): Error | null {
    if (this.state === 'FATAL_ERROR' || this.state === 'ABORTABLE_ERROR') return this.lastError;
    if (this.state === 'ABORTING_TRANSACTION') return new TransactionAbortedError();
    return null;
  }

  /** A record is going to a partition: add it to the transaction first. */
  onPartition(topic: string, partition: number): void {
    if (!this.transactional) return;
    if (!this.txnV2) return this.partitions.addAtCoordinator(topic, partition);
    // Java's TV2 maybeAddPartition: tracked here only; its first Produce adds it at the broker.
    this.partitions.addLocally(topic, partition);
    this.started = true;
  }

  async sendOffsetsToTransaction(offsets: readonly TxnOffset[], group: GroupMetadata): Promise<void> {
    this.requireTransactional('sendOffsetsToTransaction');
    this.throwIfError();
    if (this.state !== 'IN_TRANSACTION') throw new Error(`Cannot send offsets if a transaction is not in progress (currentState= ${this.state})`);
    const deadline = this.deadline('sending offsets to the transaction');
    // Transaction version 2: TxnOffsetCommit v5 adds the group's offsets partition itself.
    if (!this.txnV2) {
      const added = await addOffsetsToTxn(this.txnCoordinators!, this.transactionalId!, this.identity, group.groupId, deadline);
      if (added !== ErrorCode.NONE) this.fail(added, `AddOffsetsToTxn for group ${group.groupId}`, true);
    }
    this.started = true;
    const committed = await txnOffsetCommit(this.groupCoordinators, this.transactionalId!, this.identity, group, offsets, deadline, this.versions.txnOffsetCommit);
    if (committed !== ErrorCode.NONE) this.fail(committed, `TxnOffsetCommit for group ${group.groupId}`, true);
  }

  async commitTransaction(): Promise<void> {
    this.requireTransactional('commitTransaction');
    this.throwIfError();
    if (this.state !== 'IN_TRANSACTION' && this.state !== 'COMMITTING_TRANSACTION') throw new Error(`Invalid transition attempted from state ${this.state} to state COMMITTING_TRANSACTION`);
    this.state = 'COMMITTING_TRANSACTION';
    await this.sender.flush();
    await this.partitions.settled();
    this.throwIfError();
    await this.endTransaction(true);
  }

  async abortTransaction(): Promise<void> {
    this.requireTransactional('abortTransaction');
    this.throwIfFatal();
    const from: TxnState[] = ['IN_TRANSACTION', 'ABORTABLE_ERROR', 'ABORTING_TRANSACTION', 'COMMITTING_TRANSACTION'];
    if (!from.includes(this.state)) throw new Error(`Invalid transition attempted from state ${this.state} to state ABORTING_TRANSACTION`);
    this.state = 'ABORTING_TRANSACTION';
    this.sender.failUnsent(new TransactionAbortedError());
    await this.sender.flush();
    await this.partitions.settled();
    await this.endTransaction(false);
  }

  private async endTransaction(commit: boolean): Promise<void> {
    let next: ProducerIdAndEpoch | null = null;
    if (this.started) {
      const what = commit ? 'committing the transaction' : 'aborting the transaction';
      const ended = await endTxn(this.txnCoordinators!, this.transactionalId!, this.identity, commit, this.deadline(what), this.versions.endTxn);
      if (ended.code !== ErrorCode.NONE) {
        // An abort goes on when the coordinator no longer knows the producer: the epoch bump below fixes it.
        if (commit || txnErrorKind(ended.code) === 'fatal') this.fail(ended.code, commit ? 'EndTxn (commit)' : 'EndTxn (abort)', true);
        this.bumpOnAbort = true;
      }
      next = ended.next;
    }
    // Java reads the feature again as a transaction ends; turning version 2 on takes a new epoch first.
    const upgraded = this.txnVersion.update(false);
    if (next) {
      this.identity = next;
      this.sequences.clear();
    } else if ((!commit && this.bumpOnAbort) || upgraded) {
      await this.initTransactional(this.identity);
    }
    this.bumpOnAbort = false;
    this.partitions.clear();
    this.started = false;
    this.lastError = null;
    this.state = 'READY';
  }

  /** InitProducerId at the transaction coordinator; with `current` (v3+) it bumps that epoch (KIP-360). */
  private async initTransactional(current: ProducerIdAndEpoch | null): Promise<void> {
    const bump = current !== null && this.initVersion >= 3 ? current : null;
    const { code, identity, version } = await initProducerId(this.cluster, this.txnCoordinators, this.transactionalId, this.config.transactionTimeoutMs, bump, this.deadline('initializing transactions'));
    if (code !== ErrorCode.NONE) this.fail(code, 'InitProducerId', true, true);
    this.initVersion = version;
    this.identity = identity;
    this.sequences.clear();
  }

  // ---- errors ---------------------------------------------------------------------------------

  /** Record an error from a transactional request: fatal or abortable as Java classifies it; throw it when asked. */
  private fail(code: number, context: string, thrown: true, alwaysFatal?: boolean): never;
  private fail(code: number, context: string, thrown: false): void;
  private fail(code: number, context: string, thrown: boolean, alwaysFatal = false): void {
    const err = kafkaError(code, null, context);
    if (alwaysFatal || txnErrorKind(code) === 'fatal') this.fatal(err);
    else this.abortable(err);
    if (thrown) throw err;
  }

  fatal(err: Error): void {
    if (this.state === 'FATAL_ERROR') return;
    this.state = 'FATAL_ERROR';
    this.lastError = err;
    this.sender.failUnsent(err);
    this.sender.wake();
  }

  private abortable(err: Error): void {
    if (this.state === 'FATAL_ERROR' || this.state === 'ABORTING_TRANSACTION' || this.state === 'ABORTABLE_ERROR') return;
    this.lastError = err;
    if (this.state === 'IN_TRANSACTION' || this.state === 'COMMITTING_TRANSACTION') this.state = 'ABORTABLE_ERROR';
    this.sender.failUnsent(err);
  }

  private throwIfFatal(): void {
    if (this.state === 'FATAL_ERROR') throw this.lastError!;
  }

  private throwIfError(): void {
    this.throwIfFatal();
    if (this.state === 'ABORTABLE_ERROR') {
      const err = new Error(`Cannot execute transactional method because we are in an error state: ${this.lastError?.message ?? 'unknown error'}`);
      err.name = this.lastError?.name ?? 'KafkaError';
      throw err;
    }
  }

  private requireTransactional(method: string): void {
    if (!this.transactional) throw new Error(`Cannot use transactional methods (${method}) without enabling transactions by setting the transactional.id configuration property`);
  }

  private deadline(what: string): Deadline {
    return { at: Date.now() + this.config.maxBlockMs, what };
  }
}
