/**
 * BrokerRegistration (API key 62).
 *
 * Valid versions: 0-4. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a KRaft broker registers with the controller.
 * v1: adds isMigratingZkBroker.
 * v2: adds the broker's log directory ids (KIP-858).
 * v3: adds the previous broker epoch (KIP-966).
 * v4: no wire change; feature minSupportedVersion may be 0 (KAFKA-17011).
 */
import type { MessageSpec } from '../schema.js';

export const BrokerRegistrationRequest = {
  name: 'BrokerRegistrationRequest',
  type: 'request',
  apiKey: 62,
  validVersions: '0-4',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'clusterId', type: 'string', versions: '0+' },
    { name: 'incarnationId', type: 'uuid', versions: '0+' },
    {
      name: 'listeners', type: '[]Listener', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'uint16', versions: '0+' },
        { name: 'securityProtocol', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'features', type: '[]Feature', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'minSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'maxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'isMigratingZkBroker', type: 'bool', versions: '1+', default: false },
    { name: 'logDirs', type: '[]uuid', versions: '2+', ignorable: true },
    { name: 'previousBrokerEpoch', type: 'int64', versions: '3+', default: -1, ignorable: true },
  ],
} as const satisfies MessageSpec;

export const BrokerRegistrationResponse = {
  name: 'BrokerRegistrationResponse',
  type: 'response',
  apiKey: 62,
  validVersions: '0-4',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+', default: -1 },
  ],
} as const satisfies MessageSpec;
