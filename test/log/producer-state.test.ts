/**
 * Producer state on a partition log: Kafka's sequence, epoch and duplicate rules for idempotent
 * producers, transactions and the last stable offset, the aborted transaction index.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PartitionLog, type PartitionLogOptions } from '../../src/engine/log/partition-log.js';
import type { LogConfig } from '../../src/engine/log/log-config.js';
import { TransactionIndex } from '../../src/engine/log/transaction-index.js';
import { batch, cleanupTmpDirs, config, FakeClock, recordOffsets, tmpDir } from './helpers.js';
import { codeOf, pbatch } from './producer-helpers.js';

afterAll(cleanupTmpDirs);

function open(over: Partial<LogConfig> = {}, opts: Partial<PartitionLogOptions> = {}, dir = tmpDir()): PartitionLog {
  return PartitionLog.open(dir, { topic: 't', partition: 0, config: config(over), ...opts });
}
const E = { leaderEpoch: 0 };
const INT32_MAX = 0x7fffffff;

describe('idempotent producers', () => {
  test('a retry of one of the last five batches appends nothing and gets its first offsets', () => {
    const log = open();
    log.append(batch(2), E);
    const firsts = [];
    for (let i = 0; i < 6; i++) firsts.push(log.append(pbatch({ pid: 7, seq: i * 3, count: 3 }), E));
    expect(firsts[0]).toMatchObject({ baseOffset: 2, lastOffset: 4 });
    const end = log.logEndOffset;
    const retry = log.append(pbatch({ pid: 7, seq: 3, count: 3 }), E);
    expect(retry).toMatchObject({ duplicate: true, baseOffset: 5, lastOffset: 7 });
    expect(log.logEndOffset).toBe(end);
    const last = log.append(pbatch({ pid: 7, seq: 15, count: 3 }), E);
    expect(last).toMatchObject({ duplicate: true, baseOffset: 17, lastOffset: 19 });
    // the first batch is no longer among the last five: an old sequence is out of order
    expect(codeOf(() => log.append(pbatch({ pid: 7, seq: 0, count: 3 }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(log.logEndOffset).toBe(end);
    log.close();
  });

  test('sequence gaps, old epochs and new epochs follow Kafka', () => {
    const log = open();
    // an unknown producer starts at any sequence (its earlier records may be gone)
    expect(log.append(pbatch({ pid: 1, epoch: 3, seq: 42 }), E).baseOffset).toBe(0);
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 3, seq: 44 }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 3, seq: 42 + 1 }), E))).toBeUndefined();
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 2, seq: 44 }), E))).toBe('INVALID_PRODUCER_EPOCH');
    // a new epoch restarts at 0
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 4, seq: 44 }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 4, seq: 0 }), E))).toBeUndefined();
    // a retry from the old epoch is no longer a duplicate: its epoch is fenced
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 3, seq: 43 }), E))).toBe('INVALID_PRODUCER_EPOCH');
    expect(log.activeProducers()).toEqual([{ producerId: 1, producerEpoch: 4, lastSequence: 0, lastTimestamp: 1_700_000_000_000, coordinatorEpoch: -1, currentTxnStartOffset: -1 }]);
    // producers are independent; plain batches are never checked
    log.append(pbatch({ pid: 2, seq: 0 }), E);
    log.append(batch(1), E);
    expect(log.logEndOffset).toBe(5);
    log.close();
  });

  test('sequences wrap from Int32 max to 0', () => {
    const log = open();
    log.append(pbatch({ pid: 9, seq: INT32_MAX - 1, count: 2 }), E);
    expect(log.activeProducers()[0]!.lastSequence).toBe(INT32_MAX);
    log.append(pbatch({ pid: 9, seq: 0, count: 1 }), E);
    expect(codeOf(() => log.append(pbatch({ pid: 9, seq: 2 }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    // a batch spanning the wrap: last sequence = base + count - 1 modulo 2^31
    log.append(pbatch({ pid: 10, seq: INT32_MAX, count: 3 }), E);
    expect(log.activeProducers().find((p) => p.producerId === 10)!.lastSequence).toBe(1);
    expect(log.append(pbatch({ pid: 10, seq: INT32_MAX, count: 3 }), E).duplicate).toBe(true);
    log.close();
  });

  test('a refused batch in a multi-batch append leaves nothing behind', () => {
    const log = open();
    log.append(pbatch({ pid: 1, seq: 0 }), E);
    const two = Buffer.concat([pbatch({ pid: 1, seq: 1 }), pbatch({ pid: 1, seq: 5 })]);
    expect(codeOf(() => log.append(two, E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect(log.logEndOffset).toBe(1);
    expect(log.activeProducers()[0]!.lastSequence).toBe(0);
    // batches of one append continue each other
    log.append(Buffer.concat([pbatch({ pid: 1, seq: 1 }), pbatch({ pid: 1, seq: 2 })]), E);
    expect(log.activeProducers()[0]!.lastSequence).toBe(2);
    log.close();
  });

  test('coordinator appends are not sequence-checked; clients may not append control batches', () => {
    const log = open();
    log.append(pbatch({ pid: 3, seq: 0 }), { leaderEpoch: 0, origin: 'coordinator' });
    log.append(pbatch({ pid: 3, seq: 0 }), { leaderEpoch: 0, origin: 'coordinator' });
    expect(log.logEndOffset).toBe(2);
    log.appendMarker({ producerId: 3, producerEpoch: 0, commit: true, coordinatorEpoch: 0, leaderEpoch: 0 });
    const marker = log.read(2, 1 << 20).records;
    expect(codeOf(() => log.append(Buffer.from(marker), E))).toBe('INVALID_RECORD');
    log.close();
  });
});

describe('transactions', () => {
  test('an open transaction holds the LSO at its first offset until its marker is below the high watermark', () => {
    const log = open();
    log.append(batch(2), E);
    log.append(pbatch({ pid: 5, seq: 0, count: 2, txn: true }), E);
    log.append(batch(1), E);
    log.append(pbatch({ pid: 5, seq: 2, txn: true }), E);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.hasOngoingTransaction(5)).toBe(true);
    expect(log.lastStableOffset).toBe(2);
    expect(log.activeProducers()[0]!.currentTxnStartOffset).toBe(2);
    expect(log.read(0, 1 << 20).lastStableOffset).toBe(2);
    const r = log.appendMarker({ producerId: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 1, leaderEpoch: 0 });
    expect(r).toMatchObject({ baseOffset: 6, lastOffset: 6 });
    expect(log.hasOngoingTransaction(5)).toBe(false);
    // the marker is not yet replicated (above the high watermark)
    expect(log.lastStableOffset).toBe(2);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.lastStableOffset).toBe(7);
    expect(log.abortedTransactions(0, 7)).toEqual([]);
    expect(log.activeProducers()[0]).toMatchObject({ coordinatorEpoch: 1, currentTxnStartOffset: -1 });
    log.close();
  });

  test('the LSO is the earliest open transaction across producers; no open transaction means the high watermark', () => {
    const log = open();
    log.append(pbatch({ pid: 1, seq: 0, txn: true }), E); // 0
    log.append(pbatch({ pid: 2, seq: 0, txn: true }), E); // 1
    log.updateHighWatermark(1);
    expect(log.lastStableOffset).toBe(0);
    log.updateHighWatermark(2);
    log.appendMarker({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0, leaderEpoch: 0 }); // 2
    log.updateHighWatermark(3);
    expect(log.lastStableOffset).toBe(1);
    expect(log.abortedTransactions(0, 3)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    // the index entry records the LSO when the abort completed: producer 2's open transaction
    expect(log.activeSegment.txnIndex.all()).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 2, lastStableOffset: 1 }]);
    log.appendMarker({ producerId: 2, producerEpoch: 0, commit: true, coordinatorEpoch: 0, leaderEpoch: 0 }); // 3
    log.updateHighWatermark(4);
    expect(log.lastStableOffset).toBe(4);
    log.close();
  });

  test('markers from an old epoch or an old coordinator are refused; a data batch inside a transaction must be transactional', () => {
    const log = open();
    log.append(pbatch({ pid: 1, epoch: 2, seq: 0, txn: true }), E);
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 2, seq: 1 }), E))).toBe('INVALID_TXN_STATE');
    expect(codeOf(() => log.appendMarker({ producerId: 1, producerEpoch: 1, commit: true, coordinatorEpoch: 5, leaderEpoch: 0 }))).toBe('INVALID_PRODUCER_EPOCH');
    log.appendMarker({ producerId: 1, producerEpoch: 2, commit: true, coordinatorEpoch: 5, leaderEpoch: 0 });
    expect(codeOf(() => log.appendMarker({ producerId: 1, producerEpoch: 2, commit: true, coordinatorEpoch: 4, leaderEpoch: 0 }))).toBe('TRANSACTION_COORDINATOR_FENCED');
    // transaction version 2: every marker carries a bumped epoch; a retry of the last one is accepted
    log.append(pbatch({ pid: 1, epoch: 2, seq: 1, txn: true }), E);
    expect(codeOf(() => log.appendMarker({ producerId: 1, producerEpoch: 2, commit: true, coordinatorEpoch: 5, leaderEpoch: 0, transactionVersion: 2 }))).toBe('INVALID_PRODUCER_EPOCH');
    log.appendMarker({ producerId: 1, producerEpoch: 3, commit: false, coordinatorEpoch: 5, leaderEpoch: 0, transactionVersion: 2 });
    expect(codeOf(() => log.appendMarker({ producerId: 1, producerEpoch: 3, commit: false, coordinatorEpoch: 5, leaderEpoch: 0, transactionVersion: 2 }))).toBeUndefined();
    expect(log.activeProducers()[0]!.producerEpoch).toBe(3);
    // the bumped epoch starts its sequences at 0
    expect(codeOf(() => log.append(pbatch({ pid: 1, epoch: 3, seq: 2, txn: true }), E))).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    log.append(pbatch({ pid: 1, epoch: 3, seq: 0, txn: true }), E);
    log.close();
  });

  test('aborted transactions across segments: one .txnindex per segment, found by range', () => {
    const dir = tmpDir();
    // a clock near the records' timestamps, so the reload after truncation does not expire producers
    const log = open({}, { context: { clock: new FakeClock() } }, dir);
    // markers stamped near the data's timestamps (a far later one would roll the segment: segment.ms)
    const abort = (pid: number) => log.appendMarker({ producerId: pid, producerEpoch: 0, commit: false, coordinatorEpoch: 0, leaderEpoch: 0, nowMs: 1_700_000_000_100 });
    log.append(pbatch({ pid: 1, seq: 0, count: 3, txn: true }), E); // 0-2
    log.roll();
    log.append(pbatch({ pid: 2, seq: 0, txn: true }), E); // 3
    abort(1); // 4
    log.roll();
    log.append(batch(3), E); // 5-7
    abort(2); // 8
    log.append(pbatch({ pid: 1, seq: 3, txn: true }), E); // 9
    log.appendMarker({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0, leaderEpoch: 0, nowMs: 1_700_000_000_100 }); // 10
    log.roll();
    log.append(pbatch({ pid: 3, seq: 0, txn: true }), E); // 11
    abort(3); // 12
    log.updateHighWatermark(log.logEndOffset);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.txnindex')).sort()).toEqual(['00000000000000000003.txnindex', '00000000000000000005.txnindex', '00000000000000000011.txnindex']);
    expect(fs.statSync(path.join(dir, '00000000000000000003.txnindex')).size).toBe(34);
    expect(TransactionIndex.readFile(path.join(dir, '00000000000000000005.txnindex'))).toEqual([{ producerId: 2, firstOffset: 3, lastOffset: 8, lastStableOffset: 9 }]);
    expect(log.abortedTransactions(0, 13)).toEqual([
      { producerId: 1, firstOffset: 0 },
      { producerId: 2, firstOffset: 3 },
      { producerId: 3, firstOffset: 11 },
    ]);
    expect(log.abortedTransactions(5, 8)).toEqual([{ producerId: 2, firstOffset: 3 }]);
    expect(log.abortedTransactions(9, 11)).toEqual([]);
    expect(log.abortedTransactions(0, 1)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    // truncation removes the entries of markers it removes, and reloads the producer state
    log.truncateTo(8);
    expect(log.abortedTransactions(0, 13)).toEqual([{ producerId: 1, firstOffset: 0 }]);
    expect(log.hasOngoingTransaction(2)).toBe(true);
    expect(log.hasOngoingTransaction(1)).toBe(false);
    expect(log.activeProducers().map((p) => p.producerId).sort()).toEqual([1, 2]);
    log.close();
  });

  test('aborted records stay readable (consumers filter them); the txnindex file is deleted with its segment', async () => {
    const dir = tmpDir();
    const log = open({ retentionMs: 1000, fileDeleteDelayMs: 0 }, {}, dir);
    log.append(pbatch({ pid: 1, seq: 0, txn: true, ts: 1 }), E);
    log.appendMarker({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0, leaderEpoch: 0, nowMs: 2 });
    log.roll();
    log.append(batch(1), E);
    log.updateHighWatermark(log.logEndOffset);
    expect(recordOffsets(log.read(0, 1 << 20).records)).toEqual([0, 1]);
    expect(fs.existsSync(path.join(dir, '00000000000000000000.txnindex'))).toBe(true);
    await log.awaitBackgroundFlushes();
    log.deleteRecordsBefore(2);
    expect(fs.existsSync(path.join(dir, '00000000000000000000.txnindex'))).toBe(false);
    expect(log.abortedTransactions(2, 3)).toEqual([]);
    // retention removed the producer's records; it is remembered until it expires (Kafka since KIP-360)
    expect(log.activeProducers().map((p) => p.producerId)).toEqual([1]);
    log.close();
  });
});

describe('expiration', () => {
  test('producers idle for producer.id.expiration.ms are forgotten, never one with an open transaction', () => {
    const log = open({}, { producerIdExpirationMs: 1000 });
    log.append(pbatch({ pid: 1, seq: 0, ts: 10_000 }), E);
    log.append(pbatch({ pid: 2, seq: 0, ts: 10_000, txn: true }), E);
    log.append(pbatch({ pid: 3, seq: 0, ts: 10_500 }), E);
    expect(log.removeExpiredProducers(10_999)).toBe(0);
    expect(log.removeExpiredProducers(11_000)).toBe(1);
    expect(log.activeProducers().map((p) => p.producerId).sort()).toEqual([2, 3]);
    expect(log.removeExpiredProducers(1e9)).toBe(1);
    expect(log.activeProducers().map((p) => p.producerId)).toEqual([2]);
    // an expired producer is unknown again: any sequence is accepted
    log.append(pbatch({ pid: 1, seq: 17, ts: 2e9 }), E);
    log.close();
  });
});

describe('followers and the index file', () => {
  test('a follower append rebuilds the leader\'s producer state and transaction index without validating', () => {
    const leader = open({}, { context: { clock: new FakeClock() } });
    leader.append(pbatch({ pid: 1, seq: 0, count: 2, txn: true }), E);
    leader.append(pbatch({ pid: 2, seq: 9 }), E);
    leader.appendMarker({ producerId: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 2, leaderEpoch: 0, nowMs: 1_700_000_000_010 });
    leader.append(pbatch({ pid: 1, seq: 2, txn: true }), E);
    const follower = open({}, { context: { clock: new FakeClock() } });
    const data = leader.read(0, 1 << 20).records;
    follower.appendAsFollower(Buffer.from(data));
    expect(follower.activeProducers()).toEqual(leader.activeProducers());
    expect(follower.activeSegment.txnIndex.all()).toEqual(leader.activeSegment.txnIndex.all());
    follower.updateHighWatermark(follower.logEndOffset);
    leader.updateHighWatermark(leader.logEndOffset);
    expect(follower.lastStableOffset).toBe(leader.lastStableOffset);
    expect(follower.lastStableOffset).toBe(4);
    leader.close();
    follower.close();
  });

  test('a .txnindex file: 34-byte entries, a torn last entry ignored, truncation by marker offset', () => {
    const file = path.join(tmpDir(), '00000000000000000000.txnindex');
    const idx = new TransactionIndex(file);
    expect(idx.isEmpty).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    idx.append({ producerId: 1, firstOffset: 0, lastOffset: 5, lastStableOffset: 6 });
    idx.append({ producerId: 2 ** 33, firstOffset: 3, lastOffset: 9, lastStableOffset: 10 });
    expect(() => idx.append({ producerId: 3, firstOffset: 1, lastOffset: 9, lastStableOffset: 10 })).toThrow(/not after/);
    idx.flush();
    idx.closeFd();
    fs.appendFileSync(file, Buffer.alloc(20));
    expect(TransactionIndex.readFile(file)).toEqual([
      { producerId: 1, firstOffset: 0, lastOffset: 5, lastStableOffset: 6 },
      { producerId: 2 ** 33, firstOffset: 3, lastOffset: 9, lastStableOffset: 10 },
    ]);
    const again = new TransactionIndex(file);
    expect(again.collect(6, 100)).toEqual({ aborted: [{ producerId: 2 ** 33, firstOffset: 3, lastOffset: 9, lastStableOffset: 10 }], complete: false });
    expect(again.collect(0, 4).complete).toBe(true);
    again.truncateTo(9);
    expect(fs.statSync(file).size).toBe(34);
    again.truncateTo(0);
    expect(fs.existsSync(file)).toBe(false);
  });
});
