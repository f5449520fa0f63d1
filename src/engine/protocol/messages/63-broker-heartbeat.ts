/**
 * BrokerHeartbeat (API key 63).
 *
 * Valid versions: 0-1. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: periodic broker liveness / state report to the controller.
 * v1: adds tagged offline log directories.
 */
import type { MessageSpec } from '../schema.js';

export const BrokerHeartbeatRequest = {
  name: 'BrokerHeartbeatRequest',
  type: 'request',
  apiKey: 63,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
    { name: 'currentMetadataOffset', type: 'int64', versions: '0+' },
    { name: 'wantFence', type: 'bool', versions: '0+' },
    { name: 'wantShutDown', type: 'bool', versions: '0+' },
    { name: 'offlineLogDirs', type: '[]uuid', versions: '1+', tag: 0, taggedVersions: '1+' },
  ],
} as const satisfies MessageSpec;

export const BrokerHeartbeatResponse = {
  name: 'BrokerHeartbeatResponse',
  type: 'response',
  apiKey: 63,
  validVersions: '0-1',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'isCaughtUp', type: 'bool', versions: '0+', default: false },
    { name: 'isFenced', type: 'bool', versions: '0+', default: true },
    { name: 'shouldShutDown', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec;
