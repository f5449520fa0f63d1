/**
 * PartitionChangeRecord (metadata record type 5).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 *
 * v0: a delta to a partition (ISR, leader, replicas, reassignment).
 * v1: adds per-replica directories (KIP-858).
 * v2: adds eligible leader replicas and last known ELR (KIP-966).
 */
import type { MessageSpec } from '../schema.js';

export const PartitionChangeRecord = {
  name: 'PartitionChangeRecord',
  type: 'metadata',
  apiKey: 5,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'partitionId', type: 'int32', versions: '0+', default: -1 },
    { name: 'topicId', type: 'uuid', versions: '0+' },
    {
      name: 'isr', type: '[]int32', versions: '0+',
      nullableVersions: '0+', tag: 0, taggedVersions: '0+', default: null,
    },
    { name: 'leader', type: 'int32', versions: '0+', tag: 1, taggedVersions: '0+', default: -2 },
    {
      name: 'replicas', type: '[]int32', versions: '0+',
      nullableVersions: '0+', tag: 2, taggedVersions: '0+', default: null,
    },
    {
      name: 'removingReplicas', type: '[]int32', versions: '0+',
      nullableVersions: '0+', tag: 3, taggedVersions: '0+', default: null,
    },
    {
      name: 'addingReplicas', type: '[]int32', versions: '0+',
      nullableVersions: '0+', tag: 4, taggedVersions: '0+', default: null,
    },
    { name: 'leaderRecoveryState', type: 'int8', versions: '0+', tag: 5, taggedVersions: '0+', default: -1 },
    {
      name: 'directories', type: '[]uuid', versions: '1+',
      nullableVersions: '1+', tag: 8, taggedVersions: '1+', default: null,
    },
    {
      name: 'eligibleLeaderReplicas', type: '[]int32', versions: '2+',
      nullableVersions: '2+', tag: 6, taggedVersions: '2+', default: null,
    },
    {
      name: 'lastKnownElr', type: '[]int32', versions: '2+',
      nullableVersions: '2+', tag: 7, taggedVersions: '2+', default: null,
    },
  ],
} as const satisfies MessageSpec;
