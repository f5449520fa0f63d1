/**
 * UpdateRaftVoter (API key 82).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: controller.
 *
 * v0: a voter updates its endpoints and supported kraft.version (KIP-853).
 */
import type { MessageSpec } from '../schema.js';

export const UpdateRaftVoterRequest = {
  name: 'UpdateRaftVoterRequest',
  type: 'request',
  apiKey: 82,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'clusterId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentLeaderEpoch', type: 'int32', versions: '0+' },
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
    {
      name: 'kRaftVersionFeature', type: 'KRaftVersionFeature', versions: '0+',
      fields: [
        { name: 'minSupportedVersion', type: 'int16', versions: '0+' },
        { name: 'maxSupportedVersion', type: 'int16', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const UpdateRaftVoterResponse = {
  name: 'UpdateRaftVoterResponse',
  type: 'response',
  apiKey: 82,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'currentLeader', type: 'CurrentLeader', versions: '0+', tag: 0, taggedVersions: '0+',
      fields: [
        { name: 'leaderId', type: 'int32', versions: '0+', default: -1 },
        { name: 'leaderEpoch', type: 'int32', versions: '0+', default: -1 },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'port', type: 'int32', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
