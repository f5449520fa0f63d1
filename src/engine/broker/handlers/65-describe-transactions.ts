/**
 * DescribeTransactions (key 65), version 0.
 *
 * The state of each transactional id this broker coordinates: state name (Empty, Ongoing,
 * PrepareCommit, ...), timeout, start time, producer id and epoch, and the partitions of its open
 * transaction. TRANSACTIONAL_ID_NOT_FOUND for an unknown id; NOT_COORDINATOR /
 * COORDINATOR_LOAD_IN_PROGRESS for ids not served here now.
 */
import { DescribeTransactionsRequest, DescribeTransactionsResponse } from '../../protocol/messages/65-describe-transactions.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  request: DescribeTransactionsRequest,
  response: DescribeTransactionsResponse,
  handle(request, ctx) {
    return { throttleTimeMs: 0, transactionStates: ctx.services.transactionCoordinator.describeTransactions(request.transactionalIds) };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      transactionStates: (request.transactionalIds as string[]).map((transactionalId) => ({
        errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [],
      })),
    };
  },
});
