/**
 * TxnOffsetCommit (key 28), versions 0-4.
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
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '../../protocol/messages/28-txn-offset-commit.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  request: TxnOffsetCommitRequest,
  response: TxnOffsetCommitResponse,
  handle(request, ctx) {
    const { config, groupCoordinator, transactionCoordinator } = ctx.services;
    // The coordinator's verifyOnly answer, unmapped: TxnOffsetCommit maps it its own way (not Produce's).
    const verify = config.bool('transaction.partition.verification.enable')
      ? (transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number) => {
          const verified = transactionCoordinator.verifyPartitions(transactionalId, producerId, producerEpoch, [{ topic, partition }]);
          return 'results' in verified ? verified.results[0] : verified.errorCode;
        }
      : undefined;
    const v3 = ctx.apiVersion >= 3;
    const result = groupCoordinator.commitTransactionalOffsets(
      {
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
      },
      verify,
    );
    if (ctx.apiVersion < 2) {
      for (const t of result.topics) {
        for (const p of t.partitions) if (p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
    }
    return { throttleTimeMs: 0, topics: result.topics };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      })),
    };
  },
});
