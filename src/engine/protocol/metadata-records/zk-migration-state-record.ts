/**
 * ZkMigrationStateRecord (metadata record type 21).
 *
 * Valid versions: 0. Flexible versions: 0+.
 * (Upstream file: ZkMigrationRecord.json.)
 *
 * v0: marks ZooKeeper-to-KRaft migration progress (state values changed meaning between 3.4 and 3.5).
 */
import type { MessageSpec } from '../schema.js';

export const ZkMigrationStateRecord = {
  name: 'ZkMigrationStateRecord',
  type: 'metadata',
  apiKey: 21,
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'zkMigrationState', type: 'int8', versions: '0+' },
  ],
} as const satisfies MessageSpec;
