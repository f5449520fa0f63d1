/**
 * CreateAcls (API key 30).
 *
 * Valid versions: 0-3 (0 deprecated upstream). Flexible versions: 2+.
 * Served by: broker, controller.
 *
 * v0: create ACL bindings.
 * v1: adds the resource pattern type.
 * v2: first flexible version.
 * v3: no wire change; the USER resource type is allowed.
 */
import type { MessageSpec } from '../schema.js';

export const CreateAclsRequest = {
  name: 'CreateAclsRequest',
  type: 'request',
  apiKey: 30,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    {
      name: 'creations', type: '[]AclCreation', versions: '0+',
      fields: [
        { name: 'resourceType', type: 'int8', versions: '0+' },
        { name: 'resourceName', type: 'string', versions: '0+' },
        { name: 'resourcePatternType', type: 'int8', versions: '1+', default: 3 },
        { name: 'principal', type: 'string', versions: '0+' },
        { name: 'host', type: 'string', versions: '0+' },
        { name: 'operation', type: 'int8', versions: '0+' },
        { name: 'permissionType', type: 'int8', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const CreateAclsResponse = {
  name: 'CreateAclsResponse',
  type: 'response',
  apiKey: 30,
  validVersions: '0-3',
  flexibleVersions: '2+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results', type: '[]AclCreationResult', versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
