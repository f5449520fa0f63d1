/**
 * EndTransactionRecord (metadata record type 24).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: end of a metadata transaction.
 */
import type { MessageSpec } from '../schema.js';

export const EndTransactionRecord = {
  name: 'EndTransactionRecord',
  type: 'metadata',
  apiKey: 24,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
} as const satisfies MessageSpec;
