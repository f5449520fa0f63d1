/**
 * ConsumerGroupMemberMetadata records of the __consumer_offsets topic.
 *
 * Record type (key version): 5. Value versions: 0, flexible 0+.
 *
 * Key v5: record type 5, member metadata (in development upstream).
 * Value v0: member subscription, client info and classic-protocol data (in development upstream).
 */
import type { MessageSpec } from '../schema.js';

export const ConsumerGroupMemberMetadataKey = {
  name: 'ConsumerGroupMemberMetadataKey',
  type: 'data',
  validVersions: '5',
  flexibleVersions: 'none',
  fields: [
    { name: 'groupId', type: 'string', versions: '5' },
    { name: 'memberId', type: 'string', versions: '5' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupMemberMetadataValue = {
  name: 'ConsumerGroupMemberMetadataValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'instanceId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'rackId', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'clientId', type: 'string', versions: '0+' },
    { name: 'clientHost', type: 'string', versions: '0+' },
    { name: 'subscribedTopicNames', type: '[]string', versions: '0+' },
    { name: 'subscribedTopicRegex', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'rebalanceTimeoutMs', type: 'int32', versions: '0+', default: -1 },
    { name: 'serverAssignor', type: 'string', versions: '0+', nullableVersions: '0+' },
    {
      name: 'classicMemberMetadata', type: 'ClassicMemberMetadata', versions: '0+',
      nullableVersions: '0+', tag: 0, taggedVersions: '0+', default: null,
      fields: [
        { name: 'sessionTimeoutMs', type: 'int32', versions: '0+' },
        {
          name: 'supportedProtocols', type: '[]ClassicProtocol', versions: '0+',
          fields: [
            { name: 'name', type: 'string', versions: '0+' },
            { name: 'metadata', type: 'bytes', versions: '0+' },
          ],
        },
      ],
    },
  ],
} as const satisfies MessageSpec;
