/**
 * AbortTransactionRecord (metadata record type 25).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a metadata transaction was aborted.
 */
import type { MessageSpec } from '../schema.js';

export const AbortTransactionRecord = {
  name: 'AbortTransactionRecord',
  type: 'metadata',
  apiKey: 25,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'reason', type: 'string', versions: '0+',
      nullableVersions: '0+', tag: 0, taggedVersions: '0+', default: null,
    },
  ],
} as const satisfies MessageSpec;
