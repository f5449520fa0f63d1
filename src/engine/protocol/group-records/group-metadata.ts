/**
 * GroupMetadata records of the __consumer_offsets topic.
 *
 * Record type (key version): 2. Value versions: 0-4, flexible 4+.
 *
 * Key v2: record type 2, classic group metadata keyed by group id.
 * Value v0: protocol type, generation, leader and members with subscription/assignment.
 * Value v1: adds the member rebalance timeout.
 * Value v2: adds the current state timestamp.
 * Value v3: adds the member group instance id.
 * Value v4: first flexible version (later changes should be tagged fields only, KIP-915).
 */
import type { FieldSpec, MessageSpec } from '../schema.js';

/** The MemberMetadata struct (an upstream common struct). */
const memberMetadataFields = [
  { name: 'memberId', type: 'string', versions: '0+' },
  { name: 'groupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: null, ignorable: true },
  { name: 'clientId', type: 'string', versions: '0+' },
  { name: 'clientHost', type: 'string', versions: '0+' },
  { name: 'rebalanceTimeout', type: 'int32', versions: '1+', default: -1, ignorable: true },
  { name: 'sessionTimeout', type: 'int32', versions: '0+' },
  { name: 'subscription', type: 'bytes', versions: '0+' },
  { name: 'assignment', type: 'bytes', versions: '0+' },
] as const satisfies readonly FieldSpec[];

export const GroupMetadataKey = {
  name: 'GroupMetadataKey',
  type: 'data',
  validVersions: '2',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '2' },
  ],
} as const satisfies MessageSpec;

export const GroupMetadataValue = {
  name: 'GroupMetadataValue',
  type: 'data',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'protocolType', type: 'string', versions: '0+' },
    { name: 'generation', type: 'int32', versions: '0+' },
    { name: 'protocol', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'leader', type: 'string', versions: '0+', nullableVersions: '0+' },
    { name: 'currentStateTimestamp', type: 'int64', versions: '2+', default: -1, ignorable: true },
    { name: 'members', type: '[]MemberMetadata', versions: '0+', fields: memberMetadataFields },
  ],
} as const satisfies MessageSpec;
