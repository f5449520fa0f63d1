/**
 * NoOpRecord (metadata record type 20).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: written by the controller to advance the log; carries nothing.
 */
import type { MessageSpec } from '../schema.js';

export const NoOpRecord = {
  name: 'NoOpRecord',
  type: 'metadata',
  apiKey: 20,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
} as const satisfies MessageSpec;
