/**
 * Heartbeat (API key 12).
 *
 * Valid versions: 0-4. Flexible versions: 4+.
 * Served by: broker.
 *
 * v0: keep a classic group membership alive.
 * v1: response carries the throttle time.
 * v2: no wire change; throttling happens after the response is sent.
 * v3: adds groupInstanceId for static membership.
 * v4: first flexible version.
 */
import type { MessageSpec } from '../schema.js';

export const HeartbeatRequest = {
  name: 'HeartbeatRequest',
  type: 'request',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'groupId', type: 'string', versions: '0+' },
    { name: 'generationId', type: 'int32', versions: '0+' },
    { name: 'memberId', type: 'string', versions: '0+' },
    { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null },
  ],
} as const satisfies MessageSpec;

export const HeartbeatResponse = {
  name: 'HeartbeatResponse',
  type: 'response',
  apiKey: 12,
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
  ],
} as const satisfies MessageSpec;
