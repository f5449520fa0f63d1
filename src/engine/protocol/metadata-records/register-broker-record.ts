/**
 * RegisterBrokerRecord (metadata record type 0).
 *
 * Valid versions: 0-3. Flexible versions: 0+.
 *
 * v0: a broker registered (id, incarnation, epoch, endpoints, features, rack).
 * v1: adds inControlledShutdown.
 * v2: adds isMigratingZkBroker.
 * v3: adds the broker's log directories.
 */
import type { MessageSpec } from '../schema.js';

export const RegisterBrokerRecord = {
  name: 'RegisterBrokerRecord',
  type: 'metadata',
  apiKey: 0,
  validVersions: '0-3',
  flexibleVersions: '0+',
  fields: [
    { name: 'brokerId', type: 'int32', versions: '0+' },
    { name: 'isMigratingZkBroker', type: 'bool', versions: '2+', default: false },
    { name: 'incarnationId', type: 'uuid', versions: '0+' },
    { name: 'brokerEpoch', type: 'int64', versions: '0+' },
    {
      name: 'endPoints', type: '[]BrokerEndpoint', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'uint16', versions: '0+' },
        { name: 'securityProtocol', type: 'int16', versions: '0+' },
      ],
    },
    {
      name: 'features', type: '[]BrokerFeature', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'minSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'maxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
    { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'fenced', type: 'bool', versions: '0+', default: true },
    { name: 'inControlledShutdown', type: 'bool', versions: '1+', default: false },
    { name: 'logDirs', type: '[]uuid', versions: '3+', tag: 0, taggedVersions: '3+' },
  ],
} as const satisfies MessageSpec;
