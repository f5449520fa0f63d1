/**
 * ConsumerGroupDescribe (API key 69).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * Served by: broker.
 *
 * v0: describe KIP-848 consumer groups.
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The TopicPartitions struct (an upstream common struct). */
const topicPartitionsFields = [
  { name: 'topicId', type: 'uuid', versions: '0+' },
  { name: 'topicName', type: 'string', versions: '0+' },
  { name: 'partitions', type: '[]int32', versions: '0+' },
] as const satisfies readonly FieldSpec[];

/** The Assignment struct (an upstream common struct). */
const assignmentFields = [
  { name: 'topicPartitions', type: '[]TopicPartitions', versions: '0+', fields: topicPartitionsFields },
] as const satisfies readonly FieldSpec[];

export const ConsumerGroupDescribeRequest = {
  name: 'ConsumerGroupDescribeRequest',
  type: 'request',
  apiKey: 69,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'groupIds', type: '[]string', versions: '0+' },
    { name: 'includeAuthorizedOperations', type: 'bool', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const ConsumerGroupDescribeResponse = {
  name: 'ConsumerGroupDescribeResponse',
  type: 'response',
  apiKey: 69,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'throttleTimeMs', type: 'int32', versions: '0+' },
    {
      name: 'groups', type: '[]DescribedGroup', versions: '0+',
      fields: [
        { name: 'errorCode', type: 'int16', versions: '0+' },
        { name: 'errorMessage', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
        { name: 'groupId', type: 'string', versions: '0+' },
        { name: 'groupState', type: 'string', versions: '0+' },
        { name: 'groupEpoch', type: 'int32', versions: '0+' },
        { name: 'assignmentEpoch', type: 'int32', versions: '0+' },
        { name: 'assignorName', type: 'string', versions: '0+' },
        {
          name: 'members', type: '[]Member', versions: '0+',
          fields: [
            { name: 'memberId', type: 'string', versions: '0+' },
            { name: 'instanceId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            { name: 'rackId', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            { name: 'memberEpoch', type: 'int32', versions: '0+' },
            { name: 'clientId', type: 'string', versions: '0+' },
            { name: 'clientHost', type: 'string', versions: '0+' },
            { name: 'subscribedTopicNames', type: '[]string', versions: '0+' },
            { name: 'subscribedTopicRegex', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
            { name: 'assignment', type: 'Assignment', versions: '0+', fields: assignmentFields },
            { name: 'targetAssignment', type: 'Assignment', versions: '0+', fields: assignmentFields },
          ],
        },
        { name: 'authorizedOperations', type: 'int32', versions: '0+', default: -2147483648 },
      ],
    },
  ],
} as const satisfies MessageSpec;
