/**
 * AlterConfigs (API key 33).
 *
 * Valid versions: 0-2. Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: replace resource configs wholesale.
 * v1: no wire change; throttling happens after the response is sent.
 * v2: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const AlterConfigsRequest = {
  name: 'AlterConfigsRequest',
  type: 'request',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'resources', type: '[]AlterConfigsResource', versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        {
          name: 'configs', type: '[]AlterableConfig', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'value', type: 'string', versions: '0+', nullableVersions: '0+' },
          ],
        },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const AlterConfigsResponse = {
  name: 'AlterConfigsResponse',
  type: 'response',
  apiKey: 33,
  validVersions: '0-2',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'responses', type: '[]AlterConfigsResourceResponse', versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
