/**
 * AddRaftVoter (API key 80).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller, broker.
 *
 * v0: add a voter to the KRaft quorum (KIP-853).
 */
import type { MessageSpec } from '../schema.js';

export const AddRaftVoterRequest = {
  name: 'AddRaftVoterRequest',
  type: 'request',
  apiKey: 80,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'timeoutMs', type: 'int32', versions: '0+' },
    { name: 'voterId', type: 'int32', versions: '0+' },
    { name: 'voterDirectoryId', type: 'uuid', versions: '0+' },
    {
      name: 'listeners', type: '[]Listener', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'uint16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AddRaftVoterResponse = {
  name: 'AddRaftVoterResponse',
  type: 'response',
  apiKey: 80,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', ignorable: true },
  ],
} as const satisfies MessageSpec;
