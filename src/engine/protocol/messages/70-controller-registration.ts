/**
 * ControllerRegistration (API key 70).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a KRaft controller registers with the active controller.
 */
import type { MessageSpec } from '../schema.js';

export const ControllerRegistrationRequest = {
  name: 'ControllerRegistrationRequest',
  type: 'request',
  apiKey: 70,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'controllerId', type: 'int32', versions: '0+' },
    { name: 'incarnationId', type: 'uuid', versions: '0+' },
    { name: 'zkMigrationReady', type: 'bool', versions: '0+' },
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
  ],
} as const satisfies MessageSpec;

export const ControllerRegistrationResponse = {
  name: 'ControllerRegistrationResponse',
  type: 'response',
  apiKey: 70,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
  ],
} as const satisfies MessageSpec;
