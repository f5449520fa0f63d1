/**
 * partition.metadata, as Kafka writes it in every partition directory:
 *
 *   version: 0
 *   topic_id: AAAAAAAAAAAAAAAAAAAAAA
 *
 * The topic id is Kafka's Uuid.toString(): 16 bytes in URL-safe base64 without padding (22 chars).
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWriteFileSync, PARTITION_METADATA_FILE } from './log-files.js';

/** Normalise a topic id given as 16 bytes or as Kafka's base64 string. */
export function topicIdToString(id: string | Buffer | Uint8Array): string {
  if (typeof id === 'string') {
    const bytes = Buffer.from(id, 'base64url');
    if (bytes.length !== 16) throw new Error(`Invalid topic id ${id}: expected 16 bytes of base64`);
    return bytes.toString('base64url');
  }
  if (id.length !== 16) throw new Error(`Invalid topic id: expected 16 bytes, got ${id.length}`);
  return Buffer.from(id).toString('base64url');
}

export function writePartitionMetadata(dir: string, topicId: string): void {
  atomicWriteFileSync(path.join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
}

/** The topic id recorded in `dir`, or undefined when there is no (valid) partition.metadata. */
export function readPartitionMetadata(dir: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, PARTITION_METADATA_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  if (fields.get('version') !== '0') return undefined;
  const id = fields.get('topic_id');
  try {
    return id ? topicIdToString(id) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The partition's topic id: the one recorded in partition.metadata, checked against (or, when
 * none is recorded yet, recorded from) the one the caller gives.
 */
export function resolveTopicId(dir: string, given: string | Buffer | undefined): string | undefined {
  const stored = readPartitionMetadata(dir);
  if (given === undefined) return stored;
  const id = topicIdToString(given);
  if (stored !== undefined && stored !== id) throw new Error(`Partition dir ${dir} belongs to topic id ${stored}, not ${id}`);
  if (stored === undefined) writePartitionMetadata(dir, id);
  return id;
}
