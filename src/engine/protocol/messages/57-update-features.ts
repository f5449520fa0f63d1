/**
 * UpdateFeatures (API key 57).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: update finalized feature levels.
 * v1: upgradeType replaces allowDowngrade; adds validateOnly.
 * v2: response no longer lists per-feature results.
 */
import type { MessageSpec } from '../schema.js';

export const UpdateFeaturesRequest = {
  name: 'UpdateFeaturesRequest',
  type: 'request',
  apiKey: 57,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'timeoutMs', type: 'int32', versions: '0+', default: 60000 },
    {
      name: 'featureUpdates', type: '[]FeatureUpdateKey', versions: '0+',
      fields: [
        { name: 'feature', type: 'string', versions: '0+' },
        { name: 'maxVersionLevel', type: 'int16', versions: '0+' },
        { name: 'allowDowngrade', type: 'bool', versions: '0' },
        { name: 'upgradeType', type: 'int8', versions: '1+', default: 1 },
      ],
    },
    { name: 'validateOnly', type: 'bool', versions: '1+', default: false },
  ],
} as const satisfies MessageSpec;

export const UpdateFeaturesResponse = {
  name: 'UpdateFeaturesResponse',
  type: 'response',
  apiKey: 57,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'results', type: '[]UpdatableFeatureResult', versions: '0-1', ignorable: true,
      fields: [
        { name: 'feature', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
