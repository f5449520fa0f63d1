/**
 * DeleteGroups (API key 42).
 *
 * Valid versions: 0-2 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker.
 *
 * v0: delete consumer groups.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const DeleteGroupsRequest = {
  name: 'DeleteGroupsRequest',
  type: 'request',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'groupsNames', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const DeleteGroupsResponse = {
  name: 'DeleteGroupsResponse',
  type: 'response',
  apiKey: 42,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results', type: '[]DeletableGroupResult', versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
