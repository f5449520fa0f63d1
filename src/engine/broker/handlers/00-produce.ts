/**
 * Produce (key 0), versions 0-11. Versions 0-2 carry magic 0/1 message sets, which kt refuses per
 * partition with UNSUPPORTED_FOR_MESSAGE_FORMAT; they stay advertised because librdkafka 2.0 only
 * enables its compression and throttling features when the broker's ranges include them.
 *
 * Each partition's records must be exactly one magic-2 batch; the ReplicaManager checks its framing,
 * CRC, size (max.message.bytes -> MESSAGE_TOO_LARGE), timestamps and acks, then appends it as it came:
 * only the base offset (and, for LogAppendTime, the timestamp) is written into the batch. acks=0 gets
 * no response at all, as in Kafka. Unknown topics are created first when auto.create.topics.enable.
 *
 * Idempotent and transactional batches (a producer id) are checked against the partition's producer
 * state: a retried batch gets NONE and its first offset, a sequence gap OUT_OF_ORDER_SEQUENCE_NUMBER,
 * an old epoch INVALID_PRODUCER_EPOCH. As in Kafka's KafkaApis, transactional batches in a request
 * without a transactional id fail the whole request with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, and
 * transactional batches of two producers in one request with INVALID_PRODUCER_ID_MAPPING. With
 * transaction.partition.verification.enable, a transactional batch must be for a partition of the
 * producer's ongoing transaction (KIP-890); nothing awaits between that check and the append.
 * From v12 (transaction version 2) the partition is instead added to the producer's transaction by
 * the coordinator (coordinator/transaction/implicit-add.ts), whatever that switch says; again the
 * add and the appends run with nothing in between.
 *
 * acks=all is answered when the partition's ISR has the batch (replica-manager awaitReplication),
 * within the request's timeoutMs.
 *
 * v1 throttle time; v2 log append time; v3 transactional id, magic 2 only; v5 log start offset; v8 per-record errors and error message;
 * v9 flexible; v10 current leader hint (KIP-951); v11 no wire change, TRANSACTION_ABORTABLE instead of
 * INVALID_TXN_STATE; v12 no wire change (Kafka 4.0, KIP-890 part 2): sent by clients running
 * transaction.version 2, which do not send AddPartitionsToTxn — the broker adds the partition.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ProduceRequest, ProduceResponse } from '../../protocol/messages/00-produce.js';
import { BATCH_OVERHEAD, batchAttributes, CURRENT_MAGIC, isTransactional, MAGIC_OFFSET, readInt64 } from '../../records/batch-header.js';
import { addImplicitlyThen, PRODUCE_IMPLICIT_ADD_VERSION, produceAddError } from '../../coordinator/transaction/implicit-add.js';
import type { TopicPartitionRef } from '../../coordinator/transaction/transaction-metadata.js';
import { defineHandler, NO_RESPONSE } from '../handler.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { ProduceAppendOptions, ReplicaManager } from '../replica-manager.js';

export default defineHandler({
  apiKey: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 12,
  request: ProduceRequest,
  response: ProduceResponse,
  async handle(request, ctx) {
    const { replicaManager } = ctx.services;
    const acks: number = request.acks;
    const unknown = (request.topicData as Message[]).map((t) => t.name).filter((n: string) => !ctx.services.metadata().topic(n));
    if (unknown.length > 0) await ctx.services.autoCreateTopics(unknown);
    const image = ctx.services.metadata();
    const requestError = transactionalProblem(request);
    if (requestError !== ErrorCode.NONE) return acks === 0 ? NO_RESPONSE : errorResponse(request, requestError);
    const transactionalId: string | null = request.transactionalId ?? null;
    const coordinator = ctx.services.transactionCoordinator;
    const validAcks = acks === 0 || acks === 1 || acks === -1;
    const implicitAdd = transactionalId !== null && validAcks && ctx.apiVersion >= PRODUCE_IMPLICIT_ADD_VERSION;
    const appendOptions: ProduceAppendOptions | undefined =
      transactionalId === null
        ? undefined
        : {
            transactionalId,
            // v12+: the partitions were added just before (below); older versions are verified (KIP-890 part 1), the
            // version deciding how a partition missing from the transaction is reported (v11+: TRANSACTION_ABORTABLE).
            verifyPartition: implicitAdd
              ? () => ErrorCode.NONE
              : (id, producerId, epoch, topic, partition) => coordinator.verifyPartition(id, producerId, epoch, topic, partition, ctx.apiVersion),
          };
    // acks=all: partitions appended here whose high watermark has yet to pass the batch.
    const replicating: { response: Message; topic: string; partition: number; requiredOffset: number }[] = [];
    // The image as of the appends (a retried implicit add awaits first).
    const produce = (added?: { partitions: Set<string>; errorCode: number }, now = ctx.services.metadata()) => (request.topicData as Message[]).map((t) => ({
      name: t.name,
      partitionResponses: (t.partitionData as Message[]).map((p) => {
        const refused = added && added.errorCode !== ErrorCode.NONE && added.partitions.has(partitionKey(t.name, p.index));
        const result = refused
          ? { ...produceAddError(added.errorCode), baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 }
          : validAcks
            ? replicaManager.append(now, t.name, p.index, p.records, acks, appendOptions)
            : { errorCode: ErrorCode.INVALID_REQUIRED_ACKS, errorMessage: null, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
        const state = now.topic(t.name)?.partitions.get(p.index);
        const leaderMoved = result.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && state;
        const response = {
          index: p.index,
          errorCode: result.errorCode,
          baseOffset: result.baseOffset,
          logAppendTimeMs: result.logAppendTimeMs,
          logStartOffset: result.logStartOffset,
          recordErrors: [],
          errorMessage: result.errorMessage,
          currentLeader: leaderMoved ? { leaderId: state.leader, leaderEpoch: state.leaderEpoch } : { leaderId: -1, leaderEpoch: -1 },
        };
        if (acks === -1 && result.errorCode === ErrorCode.NONE && 'lastOffset' in result && result.lastOffset >= 0) {
          replicating.push({ response, topic: t.name, partition: p.index, requiredOffset: result.lastOffset + 1 });
        }
        return response;
      }),
    }));
    let responses;
    const txnPartitions = implicitAdd ? transactionalPartitions(request, image) : undefined;
    if (txnPartitions && txnPartitions.partitions.length > 0) {
      // The add and the appends run in one go: nothing (no marker) can come between them.
      const keys = new Set(txnPartitions.partitions.map((tp) => partitionKey(tp.topic, tp.partition)));
      responses = await addImplicitlyThen(coordinator, transactionalId!, txnPartitions.producerId, txnPartitions.producerEpoch, txnPartitions.partitions, (errorCode) =>
        produce({ partitions: keys, errorCode }),
      );
    } else {
      responses = produce();
    }
    if (acks === 0) return NO_RESPONSE;
    await awaitReplication(replicaManager, replicating, request.timeoutMs);
    return { responses, throttleTimeMs: 0 };
  },
  errorResponse: (request, errorCode) => errorResponse(request, errorCode),
});

/**
 * acks=all (Kafka's DelayedProduce): each appended partition is answered once the ISR has its batch;
 * a partition that times out, loses its leadership or ends below min.insync.replicas gets that error.
 */
async function awaitReplication(
  replicaManager: ReplicaManager,
  pending: { response: Message; topic: string; partition: number; requiredOffset: number }[],
  timeoutMs: number,
): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const p of pending) {
    const outcome = replicaManager.replicated(p.topic, p.partition, p.requiredOffset, timeoutMs);
    if (typeof outcome === 'number') p.response.errorCode = outcome;
    else waits.push(outcome.then((code) => void (p.response.errorCode = code)));
  }
  if (waits.length > 0) await Promise.all(waits);
}

function errorResponse(request: Message, errorCode: number): Message {
  return {
    responses: (request.topicData as Message[]).map((t) => ({
      name: t.name,
      partitionResponses: (t.partitionData as Message[]).map((p) => ({ index: p.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 })),
    })),
    throttleTimeMs: 0,
  };
}

/**
 * The request-level checks Kafka makes before any append (KafkaApis.handleProduceRequest and
 * ReplicaManager.handleProduceAppend), from the first batch of each partition's records.
 */
function transactionalProblem(request: Message): number {
  let producer: string | undefined;
  for (const t of request.topicData as Message[]) {
    for (const p of t.partitionData as Message[]) {
      const records = p.records as Buffer | null;
      if (!records || records.length < BATCH_OVERHEAD || records.readInt8(MAGIC_OFFSET) !== CURRENT_MAGIC) continue;
      if (!isTransactional(batchAttributes(records))) continue;
      if (request.transactionalId === null || request.transactionalId === undefined) return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      const producerId = readInt64(records, 43);
      if (producerId < 0) continue;
      const key = `${producerId}/${records.readInt16BE(51)}`;
      if (producer !== undefined && producer !== key) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
      producer = key;
    }
  }
  return ErrorCode.NONE;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Produce v12+: the partitions whose batch is transactional (the one producer transactionalProblem
 * allowed), among the partitions that exist — what the coordinator is asked to add.
 */
function transactionalPartitions(request: Message, image: MetadataImage): { producerId: number; producerEpoch: number; partitions: TopicPartitionRef[] } {
  const partitions: TopicPartitionRef[] = [];
  let producerId = -1;
  let producerEpoch = -1;
  for (const t of request.topicData as Message[]) {
    const topic = image.topic(t.name);
    for (const p of t.partitionData as Message[]) {
      const records = p.records as Buffer | null;
      if (!records || records.length < BATCH_OVERHEAD || records.readInt8(MAGIC_OFFSET) !== CURRENT_MAGIC) continue;
      if (!isTransactional(batchAttributes(records)) || readInt64(records, 43) < 0 || !topic?.partitions.has(p.index)) continue;
      producerId = readInt64(records, 43);
      producerEpoch = records.readInt16BE(51);
      partitions.push({ topic: t.name, partition: p.index });
    }
  }
  return { producerId, producerEpoch, partitions };
}
