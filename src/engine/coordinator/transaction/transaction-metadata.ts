/**
 * One transactional id's state (Kafka's TransactionMetadata). Every change is two steps, as in Kafka:
 * `prepare...` checks the transition, marks it pending and returns the state to be (a TxnTransit);
 * once that state is in __transaction_state, `completeTransition` makes it current (a failed write
 * calls `abortTransition`). While a transition is pending, other requests for the id get
 * CONCURRENT_TRANSACTIONS, so no two changes of one id interleave.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { isEpochExhausted, isValidTransition, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, type TxnState } from './transaction-state.js';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

/** A state a transactional id moves to: what is written to __transaction_state. */
export interface TxnTransit {
  state: TxnState;
  producerId: number;
  /** The producer id before the last rotation (Kafka's lastProducerId / PreviousProducerId). */
  prevProducerId: number;
  /** KIP-890 part 2: the producer id taken over once this transaction completes (epoch exhausted), else -1. */
  nextProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  partitions: TopicPartitionRef[];
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  /** 2 when the producer ends transactions with EndTxn v5 (the epoch is bumped on every transaction). */
  clientTransactionVersion: number;
}

export type Prepared = { errorCode: number } | { transit: TxnTransit };

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class TransactionMetadata {
  state: TxnState;
  producerId: number;
  prevProducerId: number;
  nextProducerId = NO_PRODUCER_ID;
  producerEpoch: number;
  lastProducerEpoch: number;
  txnTimeoutMs: number;
  readonly partitions = new Map<string, TopicPartitionRef>();
  txnStartTimestamp: number;
  txnLastUpdateTimestamp: number;
  clientTransactionVersion = 0;
  pendingState: TxnState | undefined;
  /** A fence whose PrepareAbort could not be written: the next fence reuses the bumped epoch. */
  hasFailedEpochFence = false;

  constructor(
    readonly transactionalId: string,
    init: Omit<TxnTransit, 'nextProducerId' | 'clientTransactionVersion'> & Partial<Pick<TxnTransit, 'nextProducerId' | 'clientTransactionVersion'>>,
  ) {
    this.state = init.state;
    this.producerId = init.producerId;
    this.prevProducerId = init.prevProducerId;
    this.nextProducerId = init.nextProducerId ?? NO_PRODUCER_ID;
    this.producerEpoch = init.producerEpoch;
    this.lastProducerEpoch = init.lastProducerEpoch;
    this.txnTimeoutMs = init.txnTimeoutMs;
    for (const p of init.partitions) this.partitions.set(tpKey(p.topic, p.partition), p);
    this.txnStartTimestamp = init.txnStartTimestamp;
    this.txnLastUpdateTimestamp = init.txnLastUpdateTimestamp;
    this.clientTransactionVersion = init.clientTransactionVersion ?? 0;
  }

  /** A brand-new transactional id: a fresh producer id, no epoch yet (the first InitProducerId makes it 0). */
  static fresh(transactionalId: string, producerId: number, txnTimeoutMs: number, now: number): TransactionMetadata {
    return new TransactionMetadata(transactionalId, {
      state: 'Empty',
      producerId,
      prevProducerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      txnTimeoutMs,
      partitions: [],
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: now,
    });
  }

  get pendingTransitionInProgress(): boolean {
    return this.pendingState !== undefined;
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.producerEpoch);
  }

  hasPartition(topic: string, partition: number): boolean {
    return this.partitions.has(tpKey(topic, partition));
  }

  partitionList(): TopicPartitionRef[] {
    return [...this.partitions.values()];
  }

  snapshot(): TxnTransit {
    return {
      state: this.state,
      producerId: this.producerId,
      prevProducerId: this.prevProducerId,
      nextProducerId: this.nextProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      txnTimeoutMs: this.txnTimeoutMs,
      partitions: this.partitionList(),
      txnStartTimestamp: this.txnStartTimestamp,
      txnLastUpdateTimestamp: this.txnLastUpdateTimestamp,
      clientTransactionVersion: this.clientTransactionVersion,
    };
  }

  private prepareTransitionTo(changes: Partial<TxnTransit> & { state: TxnState }): TxnTransit {
    if (this.pendingState !== undefined) throw new Error(`${this.transactionalId}: transition to ${changes.state} while ${this.pendingState} is pending`);
    if (!isValidTransition(this.state, changes.state)) throw new Error(`${this.transactionalId}: invalid transition ${this.state} -> ${changes.state}`);
    const transit = { ...this.snapshot(), ...changes };
    this.pendingState = changes.state;
    return transit;
  }

  /**
   * InitProducerId with the current producer id (Kafka's prepareIncrementProducerEpoch). With an
   * expected epoch (KIP-360): the current one bumps, the previous one (a retry of a bump that
   * succeeded) returns the current epoch again, anything else is PRODUCER_FENCED.
   */
  prepareIncrementProducerEpoch(txnTimeoutMs: number, expectedEpoch: number | undefined, now: number): Prepared {
    if (this.isProducerEpochExhausted) throw new Error(`${this.transactionalId}: epoch ${this.producerEpoch} cannot be bumped`);
    const bumped = this.producerEpoch + 1;
    let next: [number, number];
    if (expectedEpoch === undefined) next = [bumped, NO_PRODUCER_EPOCH];
    else if (this.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === this.producerEpoch) next = [bumped, this.producerEpoch];
    else if (expectedEpoch === this.lastProducerEpoch) next = [this.producerEpoch, this.lastProducerEpoch];
    else return { errorCode: ErrorCode.PRODUCER_FENCED };
    return {
      transit: this.prepareTransitionTo({
        state: 'Empty',
        producerEpoch: next[0],
        lastProducerEpoch: next[1],
        txnTimeoutMs,
        partitions: [],
        txnStartTimestamp: -1,
        txnLastUpdateTimestamp: now,
      }),
    };
  }

  /** The epoch is exhausted: continue under a new producer id at epoch 0. */
  prepareProducerIdRotation(newProducerId: number, txnTimeoutMs: number, now: number, recordLastEpoch: boolean): TxnTransit {
    return this.prepareTransitionTo({
      state: 'Empty',
      producerId: newProducerId,
      prevProducerId: this.producerId,
      producerEpoch: 0,
      lastProducerEpoch: recordLastEpoch ? this.producerEpoch : NO_PRODUCER_EPOCH,
      txnTimeoutMs,
      partitions: [],
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: now,
    });
  }

  /** Fence the producer of an open transaction: bump the epoch (in memory) before aborting it. */
  prepareFenceProducerEpoch(): TxnTransit {
    if (this.producerEpoch >= MAX_EPOCH_FOR_FENCE) throw new Error(`${this.transactionalId}: epoch ${this.producerEpoch} cannot be fenced`);
    const bumped = this.hasFailedEpochFence ? this.producerEpoch : this.producerEpoch + 1;
    return this.prepareTransitionTo({ state: 'PrepareEpochFence', producerEpoch: bumped, lastProducerEpoch: NO_PRODUCER_EPOCH });
  }

  prepareAddPartitions(added: TopicPartitionRef[], now: number, clientTransactionVersion: number): TxnTransit {
    const partitions = new Map(this.partitions);
    for (const p of added) partitions.set(tpKey(p.topic, p.partition), p);
    const start = this.state === 'Ongoing' ? this.txnStartTimestamp : now;
    return this.prepareTransitionTo({
      state: 'Ongoing',
      partitions: [...partitions.values()],
      txnStartTimestamp: start,
      txnLastUpdateTimestamp: now,
      clientTransactionVersion,
    });
  }

  /**
   * EndTxn (or a timeout/fence abort): PrepareCommit or PrepareAbort. With transaction version 2
   * (EndTxn v5) the epoch is bumped here, so the markers and everything after carry the new epoch.
   */
  prepareAbortOrCommit(state: 'PrepareCommit' | 'PrepareAbort', clientTransactionVersion: number, nextProducerId: number, now: number, noPartitionAdded: boolean): TxnTransit {
    const bump = clientTransactionVersion >= 2;
    return this.prepareTransitionTo({
      state,
      producerEpoch: bump ? this.producerEpoch + 1 : this.producerEpoch,
      lastProducerEpoch: bump ? this.producerEpoch : this.lastProducerEpoch,
      nextProducerId,
      txnStartTimestamp: noPartitionAdded ? now : this.txnStartTimestamp,
      txnLastUpdateTimestamp: now,
      clientTransactionVersion,
    });
  }

  /** The markers are written: CompleteCommit or CompleteAbort, with no partitions left. */
  prepareComplete(now: number): TxnTransit {
    const rotate = this.clientTransactionVersion >= 2 && this.nextProducerId !== NO_PRODUCER_ID;
    this.hasFailedEpochFence = false;
    return this.prepareTransitionTo({
      state: this.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
      producerId: rotate ? this.nextProducerId : this.producerId,
      prevProducerId: rotate ? this.producerId : this.prevProducerId,
      nextProducerId: NO_PRODUCER_ID,
      producerEpoch: rotate ? 0 : this.producerEpoch,
      partitions: [],
      txnLastUpdateTimestamp: now,
    });
  }

  prepareDead(): TxnTransit {
    return this.prepareTransitionTo({ state: 'Dead', partitions: [] });
  }

  completeTransition(transit: TxnTransit): void {
    if (this.pendingState !== transit.state) throw new Error(`${this.transactionalId}: completing ${transit.state} but ${this.pendingState ?? 'nothing'} is pending`);
    this.pendingState = undefined;
    this.state = transit.state;
    this.producerId = transit.producerId;
    this.prevProducerId = transit.prevProducerId;
    this.nextProducerId = transit.nextProducerId;
    this.producerEpoch = transit.producerEpoch;
    this.lastProducerEpoch = transit.lastProducerEpoch;
    this.txnTimeoutMs = transit.txnTimeoutMs;
    this.partitions.clear();
    for (const p of transit.partitions) this.partitions.set(tpKey(p.topic, p.partition), p);
    this.txnStartTimestamp = transit.txnStartTimestamp;
    this.txnLastUpdateTimestamp = transit.txnLastUpdateTimestamp;
    this.clientTransactionVersion = transit.clientTransactionVersion;
  }

  abortTransition(): void {
    if (this.pendingState === 'PrepareEpochFence') this.hasFailedEpochFence = true;
    this.pendingState = undefined;
  }
}

/** Short.MaxValue: an epoch already at the maximum cannot be fenced by a bump. */
const MAX_EPOCH_FOR_FENCE = 32767;
