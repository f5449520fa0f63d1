/**
 * PushTelemetry (API key 72).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: client pushes metrics (KIP-714).
 */
import type { MessageSpec } from '../schema.js';

export const PushTelemetryRequest = {
  name: 'PushTelemetryRequest',
  type: 'request',
  apiKey: 72,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'clientInstanceId', type: 'uuid', versions: '0+' },
    { name: 'subscriptionId', type: 'int32', versions: '0+' },
    { name: 'terminating', type: 'bool', versions: '0+' },
    { name: 'compressionType', type: 'int8', versions: '0+' },
    { name: 'metrics', type: 'bytes', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const PushTelemetryResponse = {
  name: 'PushTelemetryResponse',
  type: 'response',
  apiKey: 72,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
