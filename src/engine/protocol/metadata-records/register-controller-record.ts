/**
 * RegisterControllerRecord (metadata record type 27).
 *
 * Valid versions: 0. Flexible versions: 0+.
 *
 * v0: a controller registered (id, incarnation, endpoints, features).
 */
import type { MessageSpec } from '../schema.js';

export const RegisterControllerRecord = {
  name: 'RegisterControllerRecord',
  type: 'metadata',
  apiKey: 27,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'controllerId', type: 'int32', versions: '0+' },
    { name: 'incarnationId', type: 'uuid', versions: '0+' },
    { name: 'zkMigrationReady', type: 'bool', versions: '0+' },
    {
      name: 'endPoints', type: '[]ControllerEndpoint', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'uint16', versions: '0+' },
        { name: 'securityProtocol', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'features', type: '[]ControllerFeature', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'minSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'maxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
