/**
 * EndTxn (key 26), versions 0-5.
 *
 * Commits or aborts the producer's transaction: answered once PrepareCommit/PrepareAbort is in
 * __transaction_state; the COMMIT/ABORT markers and the Complete state follow (the id answers
 * CONCURRENT_TRANSACTIONS meanwhile). A retry of an end already done answers NONE; ending a
 * transaction that is not open INVALID_TXN_STATE; a wrong producer id INVALID_PRODUCER_ID_MAPPING;
 * an old epoch PRODUCER_FENCED.
 *
 * v1 no wire change; v2 PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH); v3 flexible;
 * v4 TRANSACTION_ABORTABLE may be returned; v5 KIP-890 part 2: the epoch is bumped on every commit
 * and abort (markers carry the new one), and the response returns the producer id and epoch to use
 * next, so a delayed request of an ended transaction cannot affect the next one.
 *
 * The transaction version follows the request's version alone, as Kafka's KafkaApis passes
 * TransactionVersion.transactionVersionForEndTxn: v5+ is TV_2, v0-4 TV_0 (whatever the cluster
 * finalized: a v4 client on a version 2 cluster keeps the epoch).
 */
import { ErrorCode } from '../../protocol/errors.js';
import { EndTxnRequest, EndTxnResponse } from '../../protocol/messages/26-end-txn.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 5,
  request: EndTxnRequest,
  response: EndTxnResponse,
  async handle(request, ctx) {
    const result = await ctx.services.transactionCoordinator.endTransaction({
      transactionalId: request.transactionalId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      commit: request.committed,
      fromClient: true,
      clientTransactionVersion: ctx.apiVersion > 4 ? 2 : 0,
    });
    const errorCode = ctx.apiVersion < 2 && result.errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : result.errorCode;
    return { throttleTimeMs: 0, errorCode, producerId: result.producerId, producerEpoch: result.producerEpoch };
  },
});
