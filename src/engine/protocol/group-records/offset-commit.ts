/**
 * OffsetCommit records of the __consumer_offsets topic.
 *
 * Record type (key version): 0, 1. Value versions: 0-4, flexible 4+.
 *
 * Key v0-1: record types 0 and 1, a committed offset keyed by group, topic, partition.
 * Value v0: offset, metadata and commit timestamp.
 * Value v1: adds the expire timestamp (only in this version).
 * Value v2: no expire timestamp again.
 * Value v3: adds the leader epoch.
 * Value v4: first flexible version (later changes should be tagged fields only, KIP-915).
 */
import type { MessageSpec } from '../schema.js';

export const OffsetCommitKey = {
  name: 'OffsetCommitKey',
  type: 'data',
  validVersions: '0-1',
  flexibleVersions: 'none',
  fields: [
    { name: 'group', type: 'string', versions: '0-1' },
    { name: 'topic', type: 'string', versions: '0-1' },
    { name: 'partition', type: 'int32', versions: '0-1' },
  ],
} as const satisfies MessageSpec;

export const OffsetCommitValue = {
  name: 'OffsetCommitValue',
  type: 'data',
  validVersions: '0-4',
  flexibleVersions: '4+',
  fields: [
    { name: 'offset', type: 'int64', versions: '0+' },
    { name: 'leaderEpoch', type: 'int32', versions: '3+', default: -1, ignorable: true },
    { name: 'metadata', type: 'string', versions: '0+' },
    { name: 'commitTimestamp', type: 'int64', versions: '0+' },
    { name: 'expireTimestamp', type: 'int64', versions: '1', default: -1, ignorable: true },
  ],
} as const satisfies MessageSpec;
