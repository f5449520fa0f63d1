/**
 * ListClientMetricsResources (API key 74).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: list client metrics subscription resources (KIP-714).
 */
import type { MessageSpec } from '../schema.js';

export const ListClientMetricsResourcesRequest = {
  name: 'ListClientMetricsResourcesRequest',
  type: 'request',
  apiKey: 74,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [],
} as const satisfies MessageSpec;

export const ListClientMetricsResourcesResponse = {
  name: 'ListClientMetricsResourcesResponse',
  type: 'response',
  apiKey: 74,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'clientMetricsResources', type: '[]ClientMetricsResource', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
