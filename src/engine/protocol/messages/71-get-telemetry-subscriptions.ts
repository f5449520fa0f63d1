/**
 * GetTelemetrySubscriptions (API key 71).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: client asks which metrics to push (KIP-714).
 */
import type { MessageSpec } from '../schema.js';

export const GetTelemetrySubscriptionsRequest = {
  name: 'GetTelemetrySubscriptionsRequest',
  type: 'request',
  apiKey: 71,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'clientInstanceId', type: 'uuid', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const GetTelemetrySubscriptionsResponse = {
  name: 'GetTelemetrySubscriptionsResponse',
  type: 'response',
  apiKey: 71,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'clientInstanceId', type: 'uuid', versions: '0+' },
    { name: 'subscriptionId', type: 'int32', versions: '0+' },
    { name: 'acceptedCompressionTypes', type: '[]int8', versions: '0+' },
    { name: 'pushIntervalMs', type: 'int32', versions: '0+' },
    { name: 'telemetryMaxBytes', type: 'int32', versions: '0+' },
    { name: 'deltaTemporality', type: 'bool', versions: '0+' },
    { name: 'requestedMetrics', type: '[]string', versions: '0+' },
  ],
} as const satisfies MessageSpec;
