/**
 * ApiVersions (API key 18).
 *
 * Valid versions: 0-4. Flexible versions: 3+.
 * Served by: broker, controller.
 *
 * v0: list the API keys and version ranges the broker supports.
 * v1: response carries the throttle time.
 * v2: no wire change; throttling happens after the response is sent.
 * v3: first flexible version; client software name/version; tagged feature fields in the response.
 * v4: no wire change; SupportedFeatures.minVersion may be 0 (KAFKA-17011).
 */
import type { MessageSpec } from '../schema.js';

export const ApiVersionsRequest = {
  name: 'ApiVersionsRequest',
  type: 'request',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'clientSoftwareName', type: 'string', versions: '3+', ignorable: true },
    { name: 'clientSoftwareVersion', type: 'string', versions: '3+', ignorable: true },
  ],
} as const satisfies MessageSpec;

export const ApiVersionsResponse = {
  name: 'ApiVersionsResponse',
  type: 'response',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: [
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'apiKeys', type: '[]ApiVersion', versions: '0+',
      fields: [
        { name: 'apiKey', type: 'int16', versions: '0+' },
        { name: 'minVersion', type: 'int16', versions: '0+' },
        { name: 'maxVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    {
      name: 'supportedFeatures', type: '[]SupportedFeatureKey', versions: '3+',
      tag: 0, taggedVersions: '3+', ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'minVersion', type: 'int16', versions: '3+' },
        { name: 'maxVersion', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'finalizedFeaturesEpoch', type: 'int64', versions: '3+',
      tag: 1, taggedVersions: '3+', default: -1, ignorable: true,
    },
    {
      name: 'finalizedFeatures', type: '[]FinalizedFeatureKey', versions: '3+',
      tag: 2, taggedVersions: '3+', ignorable: true,
      fields: [
        { name: 'name', type: 'string', versions: '3+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '3+' },
        { name: 'minVersionLevel', type: 'int16', versions: '3+' },
      ],
    },
    {
      name: 'zkMigrationReady', type: 'bool', versions: '3+',
      tag: 3, taggedVersions: '3+', default: false, ignorable: true,
    },
  ],
} as const satisfies MessageSpec;
