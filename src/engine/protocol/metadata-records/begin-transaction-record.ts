/**
 * BeginTransactionRecord (metadata record type 23).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: start of a metadata transaction.
 */
import type { MessageSpec } from '../schema.js';

export const BeginTransactionRecord = {
  name: 'BeginTransactionRecord',
  type: 'metadata',
  apiKey: 23,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'name', type: 'string', versions: '0+',
      nullableVersions: '0+', tag: 0, taggedVersions: '0+', default: null,
    },
  ],
} as const satisfies MessageSpec;
