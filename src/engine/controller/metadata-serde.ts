/**
 * How one metadata record is stored as the value of a record in `__cluster_metadata`, as Kafka's
 * MetadataRecordSerde frames it:
 *
 *   frameVersion  unsigned varint  (1)
 *   recordType    unsigned varint  (the record's apiKey: 2 = TopicRecord, 3 = PartitionRecord, ...)
 *   version       unsigned varint
 *   data          the record in its (flexible) encoding
 *
 * The record key is null. Framing records Kafka's way keeps `kt dump-log` and future tools able to
 * read the metadata log the way Kafka's metadata shell would.
 */
import { codecFor, type Message } from '../protocol/codec.js';
import { metadataRecordByApiKey } from '../protocol/metadata-records/index.js';
import { ProtocolError, Reader, Writer } from '../protocol/primitives.js';
import { parseVersionRange } from '../protocol/schema.js';

const FRAME_VERSION = 1;

export interface MetadataRecord {
  type: number;
  version: number;
  data: Message;
}

/** A record of `type` at the newest version kt declares, with unset fields at their defaults. */
export function metadataRecord(type: number, data: Message): MetadataRecord {
  const spec = metadataRecordByApiKey(type);
  if (!spec) throw new Error(`unknown metadata record type ${type}`);
  return { type, version: parseVersionRange(spec.validVersions).max, data };
}

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const spec = metadataRecordByApiKey(record.type);
  if (!spec) throw new Error(`unknown metadata record type ${record.type}`);
  const w = new Writer(128);
  w.uvarint(FRAME_VERSION);
  w.uvarint(record.type);
  w.uvarint(record.version);
  codecFor(spec, record.version).write(w, record.data);
  return w.toBuffer();
}

export function decodeMetadataRecord(value: Buffer): MetadataRecord {
  const r = new Reader(value);
  const frameVersion = r.uvarint();
  if (frameVersion !== FRAME_VERSION) throw new ProtocolError(`metadata record frame version ${frameVersion}`);
  const type = r.uvarint();
  const version = r.uvarint();
  const spec = metadataRecordByApiKey(type);
  if (!spec) throw new ProtocolError(`unknown metadata record type ${type}`);
  const data = codecFor(spec, version).read(r);
  if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} bytes after metadata record type ${type}`);
  return { type, version, data };
}
