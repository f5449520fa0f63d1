/**
 * ListTransactions (key 66), versions 0-1.
 *
 * The transactional ids this broker coordinates, filtered by state names (unknown names are returned
 * in UnknownStateFilters) and producer ids; COORDINATOR_LOAD_IN_PROGRESS while a __transaction_state
 * partition is loading.
 *
 * v1 DurationFilter: only transactions running longer than that many milliseconds (KIP-994).
 */
import { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/messages/66-list-transactions.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,
  request: ListTransactionsRequest,
  response: ListTransactionsResponse,
  handle(request, ctx) {
    const duration: number = ctx.apiVersion >= 1 ? request.durationFilter : -1;
    return { throttleTimeMs: 0, ...ctx.services.transactionCoordinator.listTransactions(request.stateFilters, request.producerIdFilters, duration) };
  },
});
