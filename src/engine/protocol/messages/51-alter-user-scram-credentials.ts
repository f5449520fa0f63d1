/**
 * AlterUserScramCredentials (API key 51).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: upsert or delete SCRAM credentials.
 */
import type { MessageSpec } from '../schema.js';

export const AlterUserScramCredentialsRequest = {
  name: 'AlterUserScramCredentialsRequest',
  type: 'request',
  apiKey: 51,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'deletions', type: '[]ScramCredentialDeletion', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
      ],
    },
    {
      name: 'upsertions', type: '[]ScramCredentialUpsertion', versions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
        { name: 'mechanism', type: 'int8', versions: '0+' },
        { name: 'iterations', type: 'int32', versions: '0+' },
        { name: 'salt', type: 'bytes', versions: '0+' },
        { name: 'saltedPassword', type: 'bytes', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const AlterUserScramCredentialsResponse = {
  name: 'AlterUserScramCredentialsResponse',
  type: 'response',
  apiKey: 51,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'results', type: '[]AlterUserScramCredentialsResult', versions: '0+',
      fields: [
        { name: 'user', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;
