/**
 * AddOffsetsToTxn (key 25), versions 0-4.
 *
 * Adds the group's __consumer_offsets partition (the one its group id hashes to) to the producer's
 * transaction, before TxnOffsetCommit sends offsets to the group coordinator; the transaction's
 * marker then makes those offsets visible or drops them. Errors as AddPartitionsToTxn.
 *
 * v1 no wire change; v2 PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v3 flexible;
 * v4 TRANSACTION_ABORTABLE may be returned (KIP-890).
 */
import { ErrorCode } from '../../protocol/errors.js';
import { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../../protocol/messages/25-add-offsets-to-txn.js';
import { OFFSETS_TOPIC } from '../../coordinator/group/partitioner.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  request: AddOffsetsToTxnRequest,
  response: AddOffsetsToTxnResponse,
  async handle(request, ctx) {
    const partition = ctx.services.groupCoordinator.partitionFor(request.groupId);
    let errorCode = await ctx.services.transactionCoordinator.addPartitions(request.transactionalId, request.producerId, request.producerEpoch, [
      { topic: OFFSETS_TOPIC, partition },
    ]);
    if (ctx.apiVersion < 2 && errorCode === ErrorCode.PRODUCER_FENCED) errorCode = ErrorCode.INVALID_PRODUCER_EPOCH;
    return { throttleTimeMs: 0, errorCode };
  },
});
