/**
 * ListTransactions (API key 66).
 *
 * Valid versions: 0-1. Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: list transactions, filtered by state and producer id.
 * v1: adds a duration filter for long-running transactions (KIP-994).
 */
import type { MessageSpec } from '../schema.js';

export const ListTransactionsRequest = {
  name: 'ListTransactionsRequest',
  type: 'request',
  apiKey: 66,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'stateFilters', type: '[]string', versions: '0+' },
    { name: 'producerIdFilters', type: '[]int64', versions: '0+' },
    { name: 'durationFilter', type: 'int64', versions: '1+', default: -1 },
  ],
} as const satisfies MessageSpec;

export const ListTransactionsResponse = {
  name: 'ListTransactionsResponse',
  type: 'response',
  apiKey: 66,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'unknownStateFilters', type: '[]string', versions: '0+' },
    {
      name: 'transactionStates', type: '[]TransactionState', versions: '0+',
      fields: [
        { name: 'transactionalId', type: 'string', versions: '0+' },
        { name: 'producerId', type: 'int64', versions: '0+' },
        { name: 'transactionState', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
