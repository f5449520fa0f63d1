/**
 * PartitionRecord (metadata record type 3).
 *
 * Valid versions: 0-2. Flexible versions: 0+.
 *
 * v0: a partition's full state (replicas, ISR, leader, epochs).
 * v1: adds per-replica directories (KIP-858).
 * v2: adds eligible leader replicas and last known ELR (KIP-966).
 */
import type { MessageSpec } from '../schema.js';

export const PartitionRecord = {
  name: 'PartitionRecord',
  type: 'metadata',
  apiKey: 3,
  validVersions: '0-2',
  flexibleVersions: '0+',
  fields: [
    { name: 'partitionId', type: 'int32', versions: '0+', default: -1 },
    { name: 'topicId', type: 'uuid', versions: '0+' },
    { name: 'replicas', type: '[]int32', versions: '0+' },
    { name: 'isr', type: '[]int32', versions: '0+' },
    { name: 'removingReplicas', type: '[]int32', versions: '0+' },
    { name: 'addingReplicas', type: '[]int32', versions: '0+' },
    { name: 'leader', type: 'int32', versions: '0+', default: -1 },
    { name: 'leaderRecoveryState', type: 'int8', versions: '0+', tag: 0, taggedVersions: '0+', default: 0 },
    { name: 'leaderEpoch', type: 'int32', versions: '0+', default: -1 },
    { name: 'partitionEpoch', type: 'int32', versions: '0+', default: -1 },
    { name: 'directories', type: '[]uuid', versions: '1+' },
    {
      name: 'eligibleLeaderReplicas', type: '[]int32', versions: '2+',
      nullableVersions: '2+', tag: 1, taggedVersions: '2+', default: null,
    },
    {
      name: 'lastKnownElr', type: '[]int32', versions: '2+',
      nullableVersions: '2+', tag: 2, taggedVersions: '2+', default: null,
    },
  ],
} as const satisfies MessageSpec;
