/**
 * TxnOffsetCommit (key 28), versions 0-5.
 *
 * A transactional producer commits a group's consumed positions as part of its transaction
 * (sendOffsetsToTransaction, after AddOffsetsToTxn put the group's __consumer_offsets partition in
 * the transaction). The offsets are written to that partition in a transactional batch of the
 * producer and stay pending: OffsetFetch serves them only once the transaction's COMMIT marker lands
 * (and requireStable fetches answer UNSTABLE_OFFSET_COMMIT meanwhile); an ABORT drops them. Errors:
 * INVALID_GROUP_ID, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS; per partition
 * UNKNOWN_TOPIC_OR_PARTITION and OFFSET_METADATA_TOO_LARGE; the producer's INVALID_PRODUCER_EPOCH.
 * With transaction.partition.verification.enable (KIP-890 part 1) the partition must be in the
 * producer's ongoing transaction.
 *
 * v1 no wire change (throttling after the response); v2 committed leader epoch; v3 flexible, and the
 * consumer's generation id, member id and group instance id, checked against the group as for
 * OffsetCommit (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID); v4 TRANSACTION_ABORTABLE
 * (KIP-890), which older versions get as INVALID_TXN_STATE. v0-1 get COORDINATOR_NOT_AVAILABLE
 * instead of COORDINATOR_LOAD_IN_PROGRESS, which producers before Kafka 2.0 could not handle.
 * v5 no wire change (Kafka 4.0, KIP-890 part 2): sent by producers running transaction.version 2,
 * which send no AddOffsetsToTxn — the group's partition is added to the transaction here, by the
 * coordinator, just before the offsets are written (coordinator/transaction/implicit-add.ts), whatever
 * transaction.partition.verification.enable says. A failed add answers INVALID_PRODUCER_EPOCH for a
 * fenced producer, COORDINATOR_NOT_AVAILABLE for the coordinator's retriable errors, else its error.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/messages/28-txn-offset-commit.js';
import { OFFSETS_TOPIC } from '../../coordinator/group/partitioner.js';
import { addImplicitlyThen, TXN_OFFSET_COMMIT_IMPLICIT_ADD_VERSION, txnOffsetCommitAddError } from '../../coordinator/transaction/implicit-add.js';
import type { TxnCommitRequest } from '../../coordinator/group/txn-offset-commit.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 5,
  request: TxnOffsetCommitRequest,
  response: TxnOffsetCommitResponse,
  async handle(request, ctx) {
    const { config, groupCoordinator, transactionCoordinator } = ctx.services;
    const implicitAdd = ctx.apiVersion >= TXN_OFFSET_COMMIT_IMPLICIT_ADD_VERSION;
    // The coordinator's verifyOnly answer, unmapped: TxnOffsetCommit maps it its own way (not Produce's).
    const verify = !implicitAdd && config.bool('transaction.partition.verification.enable')
      ? (transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number) => {
          const verified = transactionCoordinator.verifyPartitions(transactionalId, producerId, producerEpoch, [{ topic, partition }]);
          return 'results' in verified ? verified.results[0] : verified.errorCode;
        }
      : undefined;
    const v3 = ctx.apiVersion >= 3;
    const commit: TxnCommitRequest = {
      transactionalId: request.transactionalId,
      groupId: request.groupId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      generationId: v3 ? request.generationId : -1,
      memberId: v3 ? request.memberId : '',
      groupInstanceId: v3 ? request.groupInstanceId : null,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: ctx.apiVersion >= 2 ? p.committedLeaderEpoch : -1,
          committedMetadata: p.committedMetadata,
        })),
      })),
      apiVersion: ctx.apiVersion,
    };
    let result;
    if (implicitAdd && request.groupId) {
      const partition = groupCoordinator.partitionFor(request.groupId);
      // The add and the write of the offsets run in one go: nothing (no marker) can come between them.
      result = await addImplicitlyThen(transactionCoordinator, request.transactionalId, request.producerId, request.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }], (code) =>
        code === ErrorCode.NONE ? groupCoordinator.commitTransactionalOffsets(commit) : { topics: errorTopics(request, txnOffsetCommitAddError(code)) },
      );
    } else {
      result = await groupCoordinator.commitTransactionalOffsets(commit, verify);
    }
    if (ctx.apiVersion < 2) {
      for (const t of result.topics) {
        for (const p of t.partitions) if (p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
    }
    return { throttleTimeMs: 0, topics: result.topics };
  },
  errorResponse(request, errorCode) {
    return { throttleTimeMs: 0, topics: errorTopics(request, errorCode) };
  },
});

function errorTopics(request: Message, errorCode: number) {
  return (request.topics as Message[]).map((t) => ({
    name: t.name as string,
    partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex as number, errorCode })),
  }));
}
