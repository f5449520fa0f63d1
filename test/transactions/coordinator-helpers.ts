/** Raw transaction requests and log inspection for the coordinator's wire tests. */
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { isControl, isTransactional } from '../../src/engine/records/batch-header.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import type { RunningKt } from '../helpers/kt.js';

export async function initPid(conn: BrokerConnection, transactionalId: string | null, opts: { timeoutMs?: number; version?: number; producerId?: number; producerEpoch?: number } = {}) {
  return conn.send(22, opts.version ?? 4, {
    transactionalId,
    transactionTimeoutMs: opts.timeoutMs ?? 60000,
    producerId: opts.producerId ?? -1,
    producerEpoch: opts.producerEpoch ?? -1,
  });
}

/** InitProducerId until it stops answering CONCURRENT_TRANSACTIONS (a fenced transaction being aborted). */
export async function initPidRetrying(conn: BrokerConnection, transactionalId: string, timeoutMs = 60000) {
  for (let i = 0; i < 200; i++) {
    const r = await initPid(conn, transactionalId, { timeoutMs });
    if (r.errorCode !== 51) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('InitProducerId kept answering CONCURRENT_TRANSACTIONS');
}

/** AddPartitionsToTxn v3 (the client form): the error of each partition, "topic-partition" -> code. */
export async function addPartitions(conn: BrokerConnection, transactionalId: string, producerId: number, producerEpoch: number, topics: Record<string, number[]>, version = 3) {
  const r = await conn.send(24, version, {
    v3AndBelowTransactionalId: transactionalId,
    v3AndBelowProducerId: producerId,
    v3AndBelowProducerEpoch: producerEpoch,
    v3AndBelowTopics: Object.entries(topics).map(([name, partitions]) => ({ name, partitions })),
  });
  const out: Record<string, number> = {};
  for (const t of r.resultsByTopicV3AndBelow) for (const p of t.resultsByPartition) out[`${t.name}-${p.partitionIndex}`] = p.partitionErrorCode;
  return out;
}

export async function endTxn(conn: BrokerConnection, transactionalId: string, producerId: number, producerEpoch: number, committed: boolean, version = 4) {
  return conn.send(26, version, { transactionalId, producerId, producerEpoch, committed });
}

/** A transactional Produce v9 of `values` as one batch; the partition's error code and base offset. */
export async function produceTxn(
  conn: BrokerConnection,
  transactionalId: string,
  topic: string,
  partition: number,
  producer: { producerId: number; producerEpoch: number; baseSequence: number },
  values: string[],
): Promise<{ errorCode: number; baseOffset: number }> {
  const records = buildBatch({ records: values.map((v) => ({ key: null, value: v })), transactional: true, ...producer });
  const r = await conn.send(0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  const p = r.responses[0].partitionResponses[0];
  return { errorCode: p.errorCode, baseOffset: p.baseOffset };
}

export interface LoggedBatch {
  baseOffset: number;
  producerId: number;
  producerEpoch: number;
  transactional: boolean;
  /** 'commit' / 'abort' for a control batch, else undefined. */
  marker?: 'commit' | 'abort';
  values: string[];
}

/** Every batch in a partition's log, read straight from the server's replica manager. */
export function loggedBatches(kt: RunningKt, topic: string, partition: number): LoggedBatch[] {
  const log = kt.server.replicaManager.get(topic, partition)!.log;
  const read = log.read(log.logStartOffset, 64 * 1024 * 1024, { maxOffset: log.logEndOffset });
  return decodeBatches(read.records).map((b) => {
    const control = isControl(b.header.attributes);
    return {
      baseOffset: b.header.baseOffset,
      producerId: b.header.producerId,
      producerEpoch: b.header.producerEpoch,
      transactional: isTransactional(b.header.attributes),
      marker: control ? (b.records[0].key!.readInt16BE(2) === 1 ? 'commit' : 'abort') : undefined,
      values: control ? [] : b.records.map((r) => r.value?.toString() ?? ''),
    };
  });
}

export function markers(kt: RunningKt, topic: string, partition: number) {
  return loggedBatches(kt, topic, partition)
    .filter((b) => b.marker)
    .map((b) => ({ marker: b.marker, producerId: b.producerId, producerEpoch: b.producerEpoch }));
}
