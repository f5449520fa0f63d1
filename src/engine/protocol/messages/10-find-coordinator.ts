/**
 * FindCoordinator (API key 10).
 *
 * Valid versions: 0-6 (0 deprecated upstream). Flexible versions: 3+.
 * Served by: broker.
 *
 * v0: find the coordinator for a group.
 * v1: adds the key type (group or transaction); response adds throttle time and error message.
 * v2: no wire change; throttling happens after the response is sent.
 * v3: first flexible version.
 * v4: batched lookup via coordinatorKeys / coordinators (KIP-699).
 * v5: no wire change; TRANSACTION_ABORTABLE may be returned (KIP-890).
 * v6: no wire change; share-group coordinators can be located (KIP-932).
 */
import type { MessageSpec } from '../schema.js';

export const FindCoordinatorRequest = {
  name: 'FindCoordinatorRequest',
  type: 'request',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'key', type: 'string', versions: '0-3' },
    { name: 'keyType', type: 'int8', versions: '1+', default: 0, ignorable: false },
    { name: 'coordinatorKeys', type: '[]string', versions: '4+' },
  ],
} as const satisfies MessageSpec;

export const FindCoordinatorResponse = {
  name: 'FindCoordinatorResponse',
  type: 'response',
  apiKey: 10,
  validVersions: '0-6',
  flexibleVersions: '3+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '1+', ignorable: true },
    { name: 'errorCode', type: 'int16', versions: '0-3' },
    { name: 'errorMessage', type: 'string', versions: '1-3', nullableVersions: '1-3', ignorable: true },
    { name: 'nodeId', type: 'int32', versions: '0-3' },
    { name: 'host', type: 'string', versions: '0-3' },
    { name: 'port', type: 'int32', versions: '0-3' },
    {
      name: 'coordinators', type: '[]Coordinator', versions: '4+',
      fields: [
        { name: 'key', type: 'string', versions: '4+' },
        { name: 'nodeId', type: 'int32', versions: '4+' },
        { name: 'host', type: 'string', versions: '4+' },
        { name: 'port', type: 'int32', versions: '4+' },
        { name: 'errorCode', type: 'int16', versions: '4+' },
        { name: 'errorMessage', type: 'string', versions: '4+', nullableVersions: '4+', ignorable: true },
      ],
    },
  ],
} as const satisfies MessageSpec;
