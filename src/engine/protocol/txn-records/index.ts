/** Key/value declarations of the __transaction_state records (one record type: key version 0). */
export { TransactionLogKey, TransactionLogValue } from './transaction-log.js';
