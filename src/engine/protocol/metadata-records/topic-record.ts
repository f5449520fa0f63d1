/**
 * TopicRecord (metadata record type 2).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a topic was created (name and topic id).
 */
import type { MessageSpec } from '../schema.js';

export const TopicRecord = {
  name: 'TopicRecord',
  type: 'metadata',
  apiKey: 2,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'name', type: 'string', versions: '0+' },
    { name: 'topicId', type: 'uuid', versions: '0+' },
  ],
} as const satisfies MessageSpec;
