/**
 * A metadata record as kafka-dump-log.sh --cluster-metadata-decoder prints it (Kafka's
 * ClusterMetadataLogMessageParser: MetadataRecordType name, version, and the record through its
 * generated JSON converter):
 *
 *   {"type":"TOPIC_RECORD","version":0,"data":{"name":"foo","topicId":"5zoAlv-xEh9xRANKXt1Lbg"}}
 *
 * Fields appear in declaration order under their camelCase names, only those present in the
 * record's version; a tagged field only when it differs from its default, as the converters write
 * them. Uuids in Kafka's base64url text form, bytes as base64.
 */
import type { MetadataRecord } from '../controller/metadata-serde.js';
import type { Message } from '../protocol/codec.js';
import { metadataRecordByApiKey } from '../protocol/metadata-records/index.js';
import { inRange, type FieldSpec } from '../protocol/schema.js';

/** TopicRecord -> TOPIC_RECORD, as Kafka's MetadataRecordType enum names them. */
export const metadataRecordTypeName = (specName: string): string => specName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export function metadataRecordJson(record: MetadataRecord): string {
  const spec = metadataRecordByApiKey(record.type);
  const name = spec ? metadataRecordTypeName(spec.name) : `UNKNOWN(${record.type})`;
  const data = spec ? structJson(spec.fields, record.version, record.data) : {};
  return JSON.stringify({ type: name, version: record.version, data });
}

function structJson(fields: readonly FieldSpec[], version: number, value: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inRange(version, f.versions)) continue;
    const v = value[f.name];
    if (f.tag !== undefined && isDefault(f, v)) continue;
    out[f.name] = fieldJson(f, version, v);
  }
  return out;
}

function fieldJson(f: FieldSpec, version: number, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (f.fields) {
    return Array.isArray(v) ? v.map((item) => structJson(f.fields!, version, item as Message)) : structJson(f.fields, version, v as Message);
  }
  if (Buffer.isBuffer(v)) return v.toString('base64');
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function isDefault(f: FieldSpec, v: unknown): boolean {
  if (v === undefined) return true;
  if (f.default !== undefined) return v === f.default || (f.default === null && v === null);
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'boolean') return v === false;
  if (typeof v === 'string') return v === '' || (f.type === 'uuid' && v === 'AAAAAAAAAAAAAAAAAAAAAA');
  return v === null;
}
