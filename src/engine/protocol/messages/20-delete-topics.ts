/**
 * DeleteTopics (API key 20).
 *
 * Valid versions: 0-6 (0 deprecated upstream). Flexible versions: 4+.
 * Served by: broker, controller.
 *
 * v0: delete topics by name.
 * v1: response carries the throttle time.
 * v2: no wire change; throttling happens after the response is sent.
 * v3: no wire change; TOPIC_DELETION_DISABLED may be returned.
 * v4: first flexible version.
 * v5: response adds an error message; THROTTLING_QUOTA_EXCEEDED may be returned (KIP-599).
 * v6: topics are given as (name, topic id) pairs; response adds topic ids.
 */
import type { MessageSpec } from '../schema.js';

export const DeleteTopicsRequest = {
  name: 'DeleteTopicsRequest',
  type: 'request',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    {
      name: 'topics', type: '[]DeleteTopicState', versions: '6+',
      fields: [
        { name: 'name', type: 'string', versions: '6+', nullableVersions: '6+', default: null },
        { name: 'topicId', type: 'uuid', versions: '6+' },
      ],
    },
    { name: 'topicNames', type: '[]string', versions: '0-5', ignorable: true },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const DeleteTopicsResponse = {
  name: 'DeleteTopicsResponse',
  type: 'response',
  apiKey: 20,
  validVersions: '0-6',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'responses', type: '[]DeletableTopicResult', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+', nullableVersions: '6+' },
        { name: 'topicId', type: 'uuid', versions: '6+', ignorable: true },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        {
          name: 'errorMessage', type: 'string', versions: '5+',
          nullableVersions: '5+', default: null, ignorable: true,
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
