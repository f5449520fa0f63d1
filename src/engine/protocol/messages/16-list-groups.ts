/**
 * ListGroups (API key 16).
 *
 * Valid versions: 0-5. Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: list the groups a broker coordinates.
 * v1: response carries the throttle time.
 * v2: no wire change; throttling happens after the response is sent.
 * v3: first flexible version.
 * v4: adds a state filter; response adds the group state (KIP-518).
 * v5: adds a type filter; response adds the group type (KIP-848).
 */
import type { MessageSpec } from '../schema.js';

export const ListGroupsRequest = {
  name: 'ListGroupsRequest',
  type: 'request',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'statesFilter', type: '[]string', versions: '4+' },
    { name: 'typesFilter', type: '[]string', versions: '5+' },
  ],
} as const satisfies MessageSpec;

export const ListGroupsResponse = {
  name: 'ListGroupsResponse',
  type: 'response',
  apiKey: 16,
  validVersions: '0-5',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    {
      name: 'groups', type: '[]ListedGroup', versions: '0+',
      fields: [
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'protocolType', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '4+', ignorable: true },
        { name: 'groupType', type: 'string', versions: '5+', ignorable: true },
      ],
    },
  ],
} as const satisfies MessageSpec;
