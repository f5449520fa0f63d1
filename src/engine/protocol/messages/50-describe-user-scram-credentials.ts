/**
 * DescribeUserScramCredentials (API key 50).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker, controller.
 *
 * v0: describe users' SCRAM credentials (mechanism and iterations only).
 */
import type { MessageSpec } from '../schema.js';

export const DescribeUserScramCredentialsRequest = {
  name: 'DescribeUserScramCredentialsRequest',
  type: 'request',
  apiKey: 50,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    {
      name: 'users', type: '[]UserName', versions: '0+', nullableVersions: '0+',
      fields: [
        { name: 'name', type: 'string', versions: '0+' },
      ],
    },
  ],
} as const satisfies MessageSpec;

export const DescribeUserScramCredentialsResponse = {
  name: 'DescribeUserScramCredentialsResponse',
  type: 'response',
  apiKey: 50,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    { name: 'errorCode', type: 'int16', versions: '0+' },
    { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'results', type: '[]DescribeUserScramCredentialsResult', versions: '0+',
      fields: [
        { name: 'user', type: 'string', versions: '0+' },
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+' },
        {
          name: 'credentialInfos', type: '[]CredentialInfo', versions: '0+',
          fields: [
            { name: 'mechanism', type: 'int8', versions: '0+' },
            { name: 'iterations', type: 'int32', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
