/**
 * AddPartitionsToTxn (key 24), versions 0-5.
 *
 * Adds partitions to the producer's transaction (starting one), before the producer writes to them.
 * If any partition does not exist, nothing is added: those get UNKNOWN_TOPIC_OR_PARTITION and the
 * others OPERATION_NOT_ATTEMPTED. Otherwise every partition gets the coordinator's answer: NONE,
 * INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED, CONCURRENT_TRANSACTIONS (while the previous
 * transaction's markers are written), NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS.
 *
 * v1 no wire change; v2 PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v3 flexible;
 * v4 the broker-to-broker batch form: several transactions, each with VerifyOnly (KIP-890 part 1:
 * report whether each partition is already in the transaction, TRANSACTION_ABORTABLE if not, without
 * adding it), results per transaction and a top-level error; v5 TRANSACTION_ABORTABLE may be returned.
 *
 * The transaction version the coordinator records for an add follows the request's version, as
 * Kafka's KafkaApis passes TransactionVersion.transactionVersionForAddPartitionsToTxn: v0-3 come
 * from clients of the older protocol (TV_0), v4+ from brokers adding for a version 2 client (TV_2).
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AddPartitionsToTxnRequest, AddPartitionsToTxnResponse } from '../../protocol/messages/24-add-partitions-to-txn.js';
import { defineHandler, type RequestContext } from '../handler.js';

interface TopicsIn {
  name: string;
  partitions: number[];
}

function topicResults(topics: TopicsIn[], codeFor: (topic: string, partition: number, index: number) => number): Message[] {
  let i = 0;
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeFor(t.name, p, i++) })),
  }));
}

/** Kafka's TransactionVersion.transactionVersionForAddPartitionsToTxn: above v3 the client runs version 2. */
const clientTransactionVersion = (apiVersion: number): number => (apiVersion > 3 ? 2 : 0);

async function oneTransaction(txn: { transactionalId: string; producerId: number; producerEpoch: number; verifyOnly: boolean; topics: TopicsIn[] }, ctx: RequestContext): Promise<Message[]> {
  const coordinator = ctx.services.transactionCoordinator;
  const partitions = txn.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
  const image = ctx.services.metadata();
  const missing = (topic: string, partition: number) => !image.topic(topic)?.partitions.has(partition);
  if (partitions.some((p) => missing(p.topic, p.partition))) {
    return topicResults(txn.topics, (topic, partition) => (missing(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
  }
  if (txn.verifyOnly) {
    const verified = coordinator.verifyPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions);
    return topicResults(txn.topics, (_t, _p, i) => ('results' in verified ? verified.results[i] : verified.errorCode));
  }
  // Answered once the add is replicated to the ISR of the id's __transaction_state partition.
  let errorCode = await coordinator.addPartitions(txn.transactionalId, txn.producerId, txn.producerEpoch, partitions, clientTransactionVersion(ctx.apiVersion));
  // Clients before v2 do not know PRODUCER_FENCED.
  if (ctx.apiVersion < 2 && errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
  return topicResults(txn.topics, () => errorCode);
}

export default defineHandler({
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  request: AddPartitionsToTxnRequest,
  response: AddPartitionsToTxnResponse,
  async handle(request, ctx) {
    if (ctx.apiVersion >= 4) {
      const resultsByTransaction = await Promise.all(
        (request.transactions as Message[]).map(async (t) => ({
          transactionalId: t.transactionalId,
          topicResults: await oneTransaction(
            { transactionalId: t.transactionalId, producerId: t.producerId, producerEpoch: t.producerEpoch, verifyOnly: t.verifyOnly, topics: t.topics },
            ctx,
          ),
        })),
      );
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction };
    }
    const resultsByTopicV3AndBelow = await oneTransaction(
      {
        transactionalId: request.v3AndBelowTransactionalId,
        producerId: request.v3AndBelowProducerId,
        producerEpoch: request.v3AndBelowProducerEpoch,
        verifyOnly: false,
        topics: request.v3AndBelowTopics,
      },
      ctx,
    );
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow };
  },
  errorResponse(request, errorCode, ctx) {
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, errorCode, resultsByTransaction: [] };
    const topics = request.v3AndBelowTopics as TopicsIn[];
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: topicResults(topics, () => errorCode) };
  },
});
