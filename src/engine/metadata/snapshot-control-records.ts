/**
 * The control records that open and close a snapshot (Kafka's ControlRecordType SNAPSHOT_HEADER = 3
 * and SNAPSHOT_FOOTER = 4; message/SnapshotHeaderRecord.json and SnapshotFooterRecord.json). Each is
 * the single record of a control batch; the header's batch may also carry KRaftVersion and Voters
 * records (kraft.version 1, a dynamic quorum), which a reader skips.
 *
 *   key:    version int16 (0), type int16 (3 or 4)
 *   value:  the record in its flexible v0 encoding (no version prefix):
 *           header = version int16, lastContainedLogTimestamp int64, tagged fields
 *           footer = version int16, tagged fields
 */
import { decodeBuffer, encodeToBuffer } from '../protocol/codec.js';
import type { MessageSpec } from '../protocol/schema.js';
import { ControlRecordType } from '../records/control.js';

export const SnapshotHeaderRecord = {
  name: 'SnapshotHeaderRecord',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'version', type: 'int16', versions: '0+' },
    { name: 'lastContainedLogTimestamp', type: 'int64', versions: '0+' },
  ],
} as const satisfies MessageSpec;

export const SnapshotFooterRecord = {
  name: 'SnapshotFooterRecord',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [{ name: 'version', type: 'int16', versions: '0+' }],
} as const satisfies MessageSpec;

export interface SnapshotHeader {
  version: number;
  lastContainedLogTimestamp: number;
}

export function controlKey(type: ControlRecordType): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export const encodeSnapshotHeader = (h: SnapshotHeader): Buffer => encodeToBuffer(SnapshotHeaderRecord, 0, h);
export const encodeSnapshotFooter = (): Buffer => encodeToBuffer(SnapshotFooterRecord, 0, { version: 0 });
export const decodeSnapshotHeader = (value: Buffer): SnapshotHeader => decodeBuffer(SnapshotHeaderRecord, 0, value) as SnapshotHeader;
export const decodeSnapshotFooter = (value: Buffer): { version: number } => decodeBuffer(SnapshotFooterRecord, 0, value) as { version: number };
