/**
 * RemoveRaftVoter (API key 81).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller, broker.
 *
 * v0: remove a voter from the KRaft quorum (KIP-853).
 */
import type { MessageSpec } from '../schema.js';

export const RemoveRaftVoterRequest = {
  name: 'RemoveRaftVoterRequest',
  type: 'request',
  apiKey: 81,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'voterId', type: 'int32', versions: '0+' },
    { name: 'voterDirectoryId', type: 'uuid', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const RemoveRaftVoterResponse = {
  name: 'RemoveRaftVoterResponse',
  type: 'response',
  apiKey: 81,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', ignorable: true },
  ],
} as const satisfies MessageSpec;
