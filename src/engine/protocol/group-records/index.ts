/**
 * Key/value declarations of the __consumer_offsets records kt reads and writes.
 *
 * A record key starts with an int16 key version which identifies the record type; the value starts
 * with its own int16 version, and a null value is a tombstone. KIP-932 share-group records are not declared.
 */
import type { MessageSpec } from '../schema.js';
import { OffsetCommitKey, OffsetCommitValue } from './offset-commit.js';
import { GroupMetadataKey, GroupMetadataValue } from './group-metadata.js';
import { ConsumerGroupMetadataKey, ConsumerGroupMetadataValue } from './consumer-group-metadata.js';
import {
  ConsumerGroupPartitionMetadataKey,
  ConsumerGroupPartitionMetadataValue,
} from './consumer-group-partition-metadata.js';
import { ConsumerGroupMemberMetadataKey, ConsumerGroupMemberMetadataValue } from './consumer-group-member-metadata.js';
import {
  ConsumerGroupTargetAssignmentMetadataKey,
  ConsumerGroupTargetAssignmentMetadataValue,
} from './consumer-group-target-assignment-metadata.js';
import {
  ConsumerGroupTargetAssignmentMemberKey,
  ConsumerGroupTargetAssignmentMemberValue,
} from './consumer-group-target-assignment-member.js';
import {
  ConsumerGroupCurrentMemberAssignmentKey,
  ConsumerGroupCurrentMemberAssignmentValue,
} from './consumer-group-current-member-assignment.js';

export interface GroupRecordDeclaration {
  name: string;
  /** Key versions (record types) this key schema is written with. */
  keyVersions: readonly number[];
  key: MessageSpec;
  value: MessageSpec;
}

export const ALL_GROUP_RECORDS: ReadonlyArray<GroupRecordDeclaration> = [
  { name: 'OffsetCommit', keyVersions: [0, 1], key: OffsetCommitKey, value: OffsetCommitValue },
  { name: 'GroupMetadata', keyVersions: [2], key: GroupMetadataKey, value: GroupMetadataValue },
  { name: 'ConsumerGroupMetadata', keyVersions: [3], key: ConsumerGroupMetadataKey, value: ConsumerGroupMetadataValue },
  {
    name: 'ConsumerGroupPartitionMetadata',
    keyVersions: [4],
    key: ConsumerGroupPartitionMetadataKey,
    value: ConsumerGroupPartitionMetadataValue,
  },
  {
    name: 'ConsumerGroupMemberMetadata',
    keyVersions: [5],
    key: ConsumerGroupMemberMetadataKey,
    value: ConsumerGroupMemberMetadataValue,
  },
  {
    name: 'ConsumerGroupTargetAssignmentMetadata',
    keyVersions: [6],
    key: ConsumerGroupTargetAssignmentMetadataKey,
    value: ConsumerGroupTargetAssignmentMetadataValue,
  },
  {
    name: 'ConsumerGroupTargetAssignmentMember',
    keyVersions: [7],
    key: ConsumerGroupTargetAssignmentMemberKey,
    value: ConsumerGroupTargetAssignmentMemberValue,
  },
  {
    name: 'ConsumerGroupCurrentMemberAssignment',
    keyVersions: [8],
    key: ConsumerGroupCurrentMemberAssignmentKey,
    value: ConsumerGroupCurrentMemberAssignmentValue,
  },
];

const BY_KEY_VERSION: ReadonlyMap<number, GroupRecordDeclaration> = new Map(
  ALL_GROUP_RECORDS.flatMap((rec) => rec.keyVersions.map((v) => [v, rec] as const)),
);

/** The record declaration for a key version (record type), or undefined if unknown. */
export function groupRecordByKeyVersion(keyVersion: number): GroupRecordDeclaration | undefined {
  return BY_KEY_VERSION.get(keyVersion);
}

export { OffsetCommitKey, OffsetCommitValue } from './offset-commit.js';
export { GroupMetadataKey, GroupMetadataValue } from './group-metadata.js';
export { ConsumerGroupMetadataKey, ConsumerGroupMetadataValue } from './consumer-group-metadata.js';
export {
  ConsumerGroupPartitionMetadataKey,
  ConsumerGroupPartitionMetadataValue,
} from './consumer-group-partition-metadata.js';
export { ConsumerGroupMemberMetadataKey, ConsumerGroupMemberMetadataValue } from './consumer-group-member-metadata.js';
export {
  ConsumerGroupTargetAssignmentMetadataKey,
  ConsumerGroupTargetAssignmentMetadataValue,
} from './consumer-group-target-assignment-metadata.js';
export {
  ConsumerGroupTargetAssignmentMemberKey,
  ConsumerGroupTargetAssignmentMemberValue,
} from './consumer-group-target-assignment-member.js';
export {
  ConsumerGroupCurrentMemberAssignmentKey,
  ConsumerGroupCurrentMemberAssignmentValue,
} from './consumer-group-current-member-assignment.js';
