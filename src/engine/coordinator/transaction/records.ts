/**
 * The records of __transaction_state, as Kafka writes them: key = int16 key version (0) + the
 * TransactionLogKey struct (the transactional id); value = int16 value version + TransactionLogValue
 * (producer id and epoch, timeout, status byte, partitions grouped by topic, timestamps); a null value
 * is a tombstone for an expired id. kt writes value v1 (flexible, with the previous/next producer ids
 * and client transaction version as tagged fields); it reads v0 and v1.
 */
import { codecFor, type Message } from '../../protocol/codec.js';
import { Reader } from '../../protocol/primitives.js';
import { parseVersionRange } from '../../protocol/schema.js';
import { TransactionLogKey, TransactionLogValue } from '../../protocol/txn-records/index.js';
import { coordinatorRecord, type CoordinatorRecord } from '../group/records.js';
import type { TopicPartitionRef, TxnTransit } from './transaction-metadata.js';
import { txnStateFromByte, txnStatusByte } from './transaction-state.js';

export const TRANSACTION_LOG_KEY_VERSION = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 1;

export function groupByTopic(partitions: TopicPartitionRef[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) {
    const list = byTopic.get(p.topic) ?? [];
    list.push(p.partition);
    byTopic.set(p.topic, list);
  }
  return [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps.sort((a, b) => a - b) }));
}

export function txnRecord(transactionalId: string, t: TxnTransit): CoordinatorRecord {
  return coordinatorRecord(TransactionLogKey, TRANSACTION_LOG_KEY_VERSION, { transactionalId }, TransactionLogValue, TRANSACTION_LOG_VALUE_VERSION, {
    producerId: t.producerId,
    previousProducerId: t.prevProducerId,
    nextProducerId: t.nextProducerId,
    producerEpoch: t.producerEpoch,
    transactionTimeoutMs: t.txnTimeoutMs,
    transactionStatus: txnStatusByte(t.state),
    // Kafka writes no partitions for Empty and Complete* states (they have none) as an empty array.
    transactionPartitions: groupByTopic(t.partitions).map((g) => ({ topic: g.topic, partitionIds: g.partitions })),
    transactionLastUpdateTimestampMs: t.txnLastUpdateTimestamp,
    transactionStartTimestampMs: t.txnStartTimestamp,
    clientTransactionVersion: t.clientTransactionVersion,
  });
}

export function txnTombstone(transactionalId: string): CoordinatorRecord {
  return coordinatorRecord(TransactionLogKey, TRANSACTION_LOG_KEY_VERSION, { transactionalId }, TransactionLogValue, TRANSACTION_LOG_VALUE_VERSION, null);
}

export type ParsedTxnRecord =
  | { kind: 'txn'; transactionalId: string; value: Omit<TxnTransit, 'lastProducerEpoch'> | null }
  | { kind: 'unknown'; keyVersion: number };

export function parseTxnRecord(key: Buffer, value: Buffer | null): ParsedTxnRecord {
  const keyVersion = key.readInt16BE(0);
  if (keyVersion !== TRANSACTION_LOG_KEY_VERSION) return { kind: 'unknown', keyVersion };
  const k = codecFor(TransactionLogKey, 0).read(new Reader(key.subarray(2)));
  if (value === null) return { kind: 'txn', transactionalId: k.transactionalId, value: null };
  const r = new Reader(value);
  const version = r.int16();
  const { max } = parseVersionRange(TransactionLogValue.validVersions);
  // Later versions only add tagged fields (KIP-915): read them as the newest kt knows.
  const v: Message = codecFor(TransactionLogValue, Math.min(Math.max(version, 0), max)).read(r);
  const partitions = ((v.transactionPartitions ?? []) as Message[]).flatMap((p) => (p.partitionIds as number[]).map((partition) => ({ topic: p.topic as string, partition })));
  return {
    kind: 'txn',
    transactionalId: k.transactionalId,
    value: {
      state: txnStateFromByte(v.transactionStatus),
      producerId: v.producerId,
      prevProducerId: v.previousProducerId ?? -1,
      nextProducerId: v.nextProducerId ?? -1,
      producerEpoch: v.producerEpoch,
      txnTimeoutMs: v.transactionTimeoutMs,
      partitions,
      txnStartTimestamp: v.transactionStartTimestampMs,
      txnLastUpdateTimestamp: v.transactionLastUpdateTimestampMs,
      clientTransactionVersion: v.clientTransactionVersion ?? 0,
    },
  };
}
