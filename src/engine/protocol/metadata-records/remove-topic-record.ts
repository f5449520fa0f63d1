/**
 * RemoveTopicRecord (metadata record type 9).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a topic was deleted.
 */
import type { MessageSpec } from '../schema.js';

export const RemoveTopicRecord = {
  name: 'RemoveTopicRecord',
  type: 'metadata',
  apiKey: 9,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'topicId', type: 'uuid', versions: '0+' },
  ],
} as const satisfies MessageSpec;
