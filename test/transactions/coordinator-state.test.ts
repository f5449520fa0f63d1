/**
 * The transaction coordinator's state machine, deterministically: a manual clock, an in-memory
 * __transaction_state writer and a marker channel the test completes by hand. Covers InitProducerId
 * (new ids, epoch bumps, KIP-360, epoch exhaustion, fencing an open transaction), AddPartitionsToTxn,
 * EndTxn v4 and v5 (KIP-890 part 2), the timeout abort, id expiry, KIP-890 part 1 verification and the
 * record format.
 */
import { describe, expect, it } from 'vitest';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { ManualTimer } from '../../src/engine/coordinator/group/timer.js';
import type { CoordinatorRecord } from '../../src/engine/coordinator/group/records.js';
import type { MarkerPartitionResult, TxnMarker, TxnMarkerChannel } from '../../src/engine/coordinator/transaction/marker-channel.js';
import { parseTxnRecord } from '../../src/engine/coordinator/transaction/records.js';
import { TransactionCoordinator } from '../../src/engine/coordinator/transaction/transaction-coordinator.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';

/** Markers wait until the test releases them. */
class HeldMarkers implements TxnMarkerChannel {
  readonly written: TxnMarker[] = [];
  private readonly waiting: (() => void)[] = [];
  hold = false;

  async write(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.written.push(marker);
    return marker.partitions.map((p) => ({ ...p, errorCode: ErrorCode.NONE }));
  }

  release(): void {
    this.hold = false;
    for (const w of this.waiting.splice(0)) w();
  }
}

function setup(overrides: Record<string, string> = {}) {
  const config = new BrokerConfig(
    new Map(Object.entries({
      'transaction.state.log.num.partitions': '1',
      'transaction.max.timeout.ms': '60000',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '1000',
      'transaction.remove.expired.transaction.cleanup.interval.ms': '3600000',
      'transactional.id.expiration.ms': '7200000',
      ...overrides,
    })),
  );
  const image = new MetadataImage('cluster', 1);
  image.putTopic({
    name: '__transaction_state',
    topicId: 'txn-topic',
    partitions: new Map([[0, { partition: 0, leader: 1, leaderEpoch: 3, partitionEpoch: 0, replicas: [1], isr: [1] }]]),
    configs: new Map(),
  });
  const log: CoordinatorRecord[] = [];
  const failWrites = { with: ErrorCode.NONE };
  let nextPid = 5000;
  const timer = new ManualTimer();
  const markers = new HeldMarkers();
  const coordinator = new TransactionCoordinator({
    config,
    nodeId: 1,
    log: silentLogger,
    metadata: () => image,
    replicaManager: {} as never,
    controller: {} as never,
    markers,
    timer,
    writer: (_partition, records) => {
      if (failWrites.with !== ErrorCode.NONE) return failWrites.with;
      log.push(...records);
      return ErrorCode.NONE;
    },
    producerIds: { generate: async () => nextPid++ },
  });
  coordinator.state.owned.set(0, { status: 'active', coordinatorEpoch: 3 });
  void coordinator.startup();
  const states = () => log.map((r) => {
    const parsed = parseTxnRecord(r.key, r.value);
    return parsed.kind === 'txn' ? (parsed.value?.state ?? 'tombstone') : 'unknown';
  });
  const settle = async (id: string) => {
    await coordinator.completions.get(id);
  };
  return { coordinator, timer, markers, log, states, settle, failWrites };
}

const TP = [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }];

describe('transaction coordinator state machine', () => {
  it('idempotent producers get fresh producer ids at epoch 0', async () => {
    const { coordinator } = setup();
    const a = await coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000 });
    const b = await coordinator.initProducerId({ transactionalId: null, transactionTimeoutMs: 1000, expected: { producerId: a.producerId, producerEpoch: 0 } });
    expect(a).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 0 });
    expect(b).toEqual({ errorCode: 0, producerId: 5001, producerEpoch: 0 });
  });

  it('checks the transaction timeout and the transactional id', async () => {
    const { coordinator } = setup();
    expect((await coordinator.initProducerId({ transactionalId: 'x', transactionTimeoutMs: 60001 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await coordinator.initProducerId({ transactionalId: 'x', transactionTimeoutMs: 0 })).errorCode).toBe(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    expect((await coordinator.initProducerId({ transactionalId: '', transactionTimeoutMs: 1000 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('ids on a partition being loaded answer COORDINATOR_LOAD_IN_PROGRESS, on one led elsewhere NOT_COORDINATOR', async () => {
    const { coordinator } = setup();
    coordinator.state.owned.set(0, { status: 'loading', coordinatorEpoch: 3 });
    expect((await coordinator.initProducerId({ transactionalId: 'l', transactionTimeoutMs: 1000 })).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(coordinator.addPartitions('l', 1, 0, TP)).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(coordinator.describeTransactions(['l'])[0].errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(coordinator.listTransactions([], [], -1).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(coordinator.verifyPartition('l', 1, 0, 't', 0)).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    coordinator.state.owned.delete(0);
    expect((await coordinator.initProducerId({ transactionalId: 'l', transactionTimeoutMs: 1000 })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await coordinator.endTransaction({ transactionalId: 'l', producerId: 1, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('a failed write changes nothing and answers Kafka\'s coordinator error', async () => {
    const { coordinator, failWrites, states } = setup();
    await coordinator.initProducerId({ transactionalId: 'w', transactionTimeoutMs: 10000 });
    failWrites.with = ErrorCode.NOT_ENOUGH_REPLICAS;
    expect(coordinator.addPartitions('w', 5000, 0, TP)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    failWrites.with = ErrorCode.NOT_LEADER_OR_FOLLOWER;
    expect((await coordinator.initProducerId({ transactionalId: 'w', transactionTimeoutMs: 10000 })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(coordinator.state.txns.get('w')).toMatchObject({ state: 'Empty', producerEpoch: 0, pendingState: undefined });
    failWrites.with = ErrorCode.NONE;
    expect(coordinator.addPartitions('w', 5000, 0, TP)).toBe(ErrorCode.NONE);
    expect(states()).toEqual(['Empty', 'Ongoing']);
  });

  it('commit: Empty -> Ongoing -> PrepareCommit -> markers -> CompleteCommit; CONCURRENT_TRANSACTIONS while markers are written', async () => {
    const { coordinator, markers, states, settle } = setup();
    const init = await coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 10000 });
    expect(init).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 0 });
    expect(coordinator.addPartitions('tx', 5000, 0, TP)).toBe(ErrorCode.NONE);
    expect(coordinator.addPartitions('tx', 5000, 0, [TP[0]])).toBe(ErrorCode.NONE); // already in: no write
    expect(coordinator.addPartitions('tx', 5001, 0, TP)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    expect(coordinator.addPartitions('tx', 5000, 1, TP)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.addPartitions('nobody', 5000, 0, TP)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);

    markers.hold = true;
    const end = await coordinator.endTransaction({ transactionalId: 'tx', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 });
    expect(end.errorCode).toBe(ErrorCode.NONE);
    expect(coordinator.state.txns.get('tx')!.state).toBe('PrepareCommit');
    expect(coordinator.addPartitions('tx', 5000, 0, TP)).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await coordinator.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 10000 })).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect((await coordinator.endTransaction({ transactionalId: 'tx', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.verifyPartition('tx', 5000, 0, 't', 0)).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
    markers.release();
    await settle('tx');
    expect(markers.written).toEqual([{ producerId: 5000, producerEpoch: 0, coordinatorEpoch: 3, commit: true, partitions: TP }]);
    expect(states()).toEqual(['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
    expect(coordinator.describeTransactions(['tx'])[0]).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit', producerId: 5000, producerEpoch: 0, topics: [] });
    // A retried commit is answered NONE; an abort now is INVALID_TXN_STATE.
    expect((await coordinator.endTransaction({ transactionalId: 'tx', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.NONE);
    expect((await coordinator.endTransaction({ transactionalId: 'tx', producerId: 5000, producerEpoch: 0, commit: false, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('EndTxn of a transaction that is not open is INVALID_TXN_STATE; a wrong epoch PRODUCER_FENCED', async () => {
    const { coordinator } = setup();
    await coordinator.initProducerId({ transactionalId: 'e', transactionTimeoutMs: 10000 });
    expect((await coordinator.endTransaction({ transactionalId: 'e', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await coordinator.endTransaction({ transactionalId: 'e', producerId: 5000, producerEpoch: 3, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('a second InitProducerId fences the first producer and aborts its open transaction with the bumped epoch', async () => {
    const { coordinator, markers, states, settle } = setup();
    await coordinator.initProducerId({ transactionalId: 'f', transactionTimeoutMs: 10000 });
    coordinator.addPartitions('f', 5000, 0, TP);
    markers.hold = true;
    const second = await coordinator.initProducerId({ transactionalId: 'f', transactionTimeoutMs: 10000 });
    expect(second.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(coordinator.state.txns.get('f')).toMatchObject({ state: 'PrepareAbort', producerEpoch: 1 });
    // The old producer is fenced at once.
    expect(coordinator.addPartitions('f', 5000, 0, TP)).toBe(ErrorCode.PRODUCER_FENCED);
    markers.release();
    await settle('f');
    expect(markers.written[0]).toMatchObject({ producerId: 5000, producerEpoch: 1, commit: false });
    const retried = await coordinator.initProducerId({ transactionalId: 'f', transactionTimeoutMs: 10000 });
    expect(retried).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 2 });
    expect(coordinator.addPartitions('f', 5000, 0, TP)).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.verifyPartition('f', 5000, 0, 't', 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await coordinator.endTransaction({ transactionalId: 'f', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(states()).toEqual(['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort', 'Empty']);
  });

  it('a transaction open past its timeout is aborted with an epoch bump', async () => {
    const { coordinator, timer, markers, settle } = setup();
    await coordinator.initProducerId({ transactionalId: 'slow', transactionTimeoutMs: 5000 });
    coordinator.addPartitions('slow', 5000, 0, TP);
    timer.advance(4000);
    expect(coordinator.state.txns.get('slow')!.state).toBe('Ongoing');
    timer.advance(2000);
    await settle('slow');
    expect(coordinator.state.txns.get('slow')).toMatchObject({ state: 'CompleteAbort', producerEpoch: 1 });
    expect(markers.written).toEqual([{ producerId: 5000, producerEpoch: 1, coordinatorEpoch: 3, commit: false, partitions: TP }]);
    expect(coordinator.addPartitions('slow', 5000, 0, TP)).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await coordinator.endTransaction({ transactionalId: 'slow', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('KIP-360: InitProducerId with the current id and epoch bumps it; a retry with the previous epoch gets the same; others are fenced', async () => {
    const { coordinator } = setup();
    await coordinator.initProducerId({ transactionalId: 'k', transactionTimeoutMs: 10000 });
    const bumped = await coordinator.initProducerId({ transactionalId: 'k', transactionTimeoutMs: 10000, expected: { producerId: 5000, producerEpoch: 0 } });
    expect(bumped).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 1 });
    const retry = await coordinator.initProducerId({ transactionalId: 'k', transactionTimeoutMs: 10000, expected: { producerId: 5000, producerEpoch: 0 } });
    expect(retry).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 1 });
    expect((await coordinator.initProducerId({ transactionalId: 'k', transactionTimeoutMs: 10000, expected: { producerId: 5000, producerEpoch: 7 } })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await coordinator.initProducerId({ transactionalId: 'k', transactionTimeoutMs: 10000, expected: { producerId: 42, producerEpoch: 1 } })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('an exhausted epoch moves the id to a new producer id at epoch 0', async () => {
    const { coordinator } = setup();
    await coordinator.initProducerId({ transactionalId: 'old', transactionTimeoutMs: 10000 });
    coordinator.state.txns.get('old')!.producerEpoch = 32766;
    const rotated = await coordinator.initProducerId({ transactionalId: 'old', transactionTimeoutMs: 10000 });
    expect(rotated).toEqual({ errorCode: 0, producerId: 5001, producerEpoch: 0 });
    expect(coordinator.state.txns.get('old')!.prevProducerId).toBe(5000);
  });

  it('EndTxn v5 (KIP-890 part 2) bumps the epoch every time; a delayed EndTxn or produce of the ended transaction cannot touch the next', async () => {
    const { coordinator, markers, settle } = setup();
    await coordinator.initProducerId({ transactionalId: 'v2', transactionTimeoutMs: 10000 });
    coordinator.addPartitions('v2', 5000, 0, TP);
    const end = await coordinator.endTransaction({ transactionalId: 'v2', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 2 });
    expect(end).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 1 });
    await settle('v2');
    expect(markers.written[0]).toMatchObject({ producerEpoch: 1, commit: true });
    // A retry of that EndTxn (old epoch) is answered with the new epoch.
    expect(await coordinator.endTransaction({ transactionalId: 'v2', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 2 })).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 1 });
    // The next transaction, at epoch 1.
    expect(coordinator.addPartitions('v2', 5000, 1, [TP[0]])).toBe(ErrorCode.NONE);
    // Delayed requests of the first transaction (epoch 0):
    expect((await coordinator.endTransaction({ transactionalId: 'v2', producerId: 5000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 2 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect(coordinator.verifyPartition('v2', 5000, 0, 't', 0)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(coordinator.state.txns.get('v2')).toMatchObject({ state: 'Ongoing', producerEpoch: 1 });
    // KIP-890 part 1: only partitions of the ongoing transaction take transactional writes.
    expect(coordinator.verifyPartition('v2', 5000, 1, 't', 0)).toBe(ErrorCode.NONE);
    expect(coordinator.verifyPartition('v2', 5000, 1, 't', 1)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(coordinator.verifyPartition('v2', 5000, 1, 't', 1, 11)).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    expect(coordinator.verifyPartitions('v2', 5000, 1, TP)).toEqual({ results: [ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE] });
    // Abort without partitions (Empty / Complete) is allowed in version 2 and bumps too.
    const abort = await coordinator.endTransaction({ transactionalId: 'v2', producerId: 5000, producerEpoch: 1, commit: false, fromClient: true, clientTransactionVersion: 2 });
    expect(abort).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 2 });
    await settle('v2');
    const empty = await coordinator.endTransaction({ transactionalId: 'v2', producerId: 5000, producerEpoch: 2, commit: false, fromClient: true, clientTransactionVersion: 2 });
    expect(empty).toEqual({ errorCode: 0, producerId: 5000, producerEpoch: 3 });
  });

  it('ids unused for transactional.id.expiration.ms are tombstoned', async () => {
    const { coordinator, timer, states } = setup({ 'transactional.id.expiration.ms': '10000', 'transaction.remove.expired.transaction.cleanup.interval.ms': '5000' });
    await coordinator.initProducerId({ transactionalId: 'gone', transactionTimeoutMs: 1000 });
    await coordinator.initProducerId({ transactionalId: 'busy', transactionTimeoutMs: 60000 });
    coordinator.addPartitions('busy', 5001, 0, TP);
    timer.advance(5000);
    expect(coordinator.state.txns.has('gone')).toBe(true);
    timer.advance(5000);
    expect(coordinator.state.txns.has('gone')).toBe(false);
    expect(coordinator.state.txns.has('busy')).toBe(true);
    expect(states()).toContain('tombstone');
    expect(coordinator.describeTransactions(['gone'])[0].errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  });

  it('lists transactions with state, producer id and duration filters', async () => {
    const { coordinator, timer } = setup();
    await coordinator.initProducerId({ transactionalId: 'a', transactionTimeoutMs: 60000 });
    await coordinator.initProducerId({ transactionalId: 'b', transactionTimeoutMs: 60000 });
    coordinator.addPartitions('b', 5001, 0, TP);
    timer.advance(500);
    const all = coordinator.listTransactions([], [], -1);
    expect(all.transactionStates.map((t) => t.transactionalId).sort()).toEqual(['a', 'b']);
    expect(coordinator.listTransactions(['Ongoing', 'Bogus'], [], -1)).toEqual({
      errorCode: 0, unknownStateFilters: ['Bogus'], transactionStates: [{ transactionalId: 'b', producerId: 5001, transactionState: 'Ongoing' }],
    });
    expect(coordinator.listTransactions([], [5000], -1).transactionStates.map((t) => t.transactionalId)).toEqual(['a']);
    expect(coordinator.listTransactions(['Ongoing'], [], 400).transactionStates).toHaveLength(1);
    expect(coordinator.listTransactions(['Ongoing'], [], 600).transactionStates).toHaveLength(0);
  });

  it('writes Kafka\'s TransactionLogKey/Value format', async () => {
    const { coordinator, log } = setup();
    await coordinator.initProducerId({ transactionalId: 'fmt', transactionTimeoutMs: 1234 });
    coordinator.addPartitions('fmt', 5000, 0, [{ topic: 'b', partition: 2 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 0 }]);
    const rec = log[1];
    // key: int16 version 0, then the string.
    expect(rec.key.readInt16BE(0)).toBe(0);
    expect(rec.key.subarray(4).toString()).toBe('fmt');
    expect(rec.value!.readInt16BE(0)).toBe(1);
    const parsed = parseTxnRecord(rec.key, rec.value);
    expect(parsed).toMatchObject({
      kind: 'txn',
      transactionalId: 'fmt',
      value: { state: 'Ongoing', producerId: 5000, producerEpoch: 0, txnTimeoutMs: 1234, partitions: [{ topic: 'b', partition: 0 }, { topic: 'b', partition: 2 }, { topic: 'a', partition: 1 }] },
    });
    // Status byte of Ongoing is 1; producer id right after the value version.
    expect(Number(rec.value!.readBigInt64BE(2))).toBe(5000);
  });
});
