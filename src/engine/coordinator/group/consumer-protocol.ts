/**
 * The embedded consumer protocol (protocol type "consumer"): the subscription a consumer puts in its
 * JoinGroup metadata and the assignment its leader hands out through SyncGroup. The broker only reads
 * the subscribed topics (for OffsetDelete and offset expiry) and, for KIP-848 groups, writes assignments.
 * Both start with an int16 version; a newer version than kt knows is read as the newest it knows,
 * which Kafka guarantees is a prefix.
 */
import { codecFor, encodeToBuffer } from '../../protocol/codec.js';
import { Reader, Writer } from '../../protocol/primitives.js';
import type { MessageSpec } from '../../protocol/schema.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export const ConsumerProtocolSubscription: MessageSpec = {
  name: 'ConsumerProtocolSubscription',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    { name: 'topics', type: '[]string', versions: '0+' },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
    {
      name: 'ownedPartitions', type: '[]TopicPartition', versions: '1+', ignorable: true,
      fields: [
        { name: 'topic', type: 'string', versions: '1+' },
        { name: 'partitions', type: '[]int32', versions: '1+' },
      ],
    },
    { name: 'generationId', type: 'int32', versions: '2+', default: -1, ignorable: true },
    { name: 'rackId', type: 'string', versions: '3+', nullableVersions: '3+', default: null, ignorable: true },
  ],
};

export const ConsumerProtocolAssignment: MessageSpec = {
  name: 'ConsumerProtocolAssignment',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: [
    {
      name: 'assignedPartitions', type: '[]TopicPartition', versions: '0+',
      fields: [
        { name: 'topic', type: 'string', versions: '0+' },
        { name: 'partitions', type: '[]int32', versions: '0+' },
      ],
    },
    { name: 'userData', type: 'bytes', versions: '0+', nullableVersions: '0+', default: null },
  ],
};

/** The topics a consumer subscription names, or undefined if the bytes are not a subscription. */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    const r = new Reader(metadata);
    const version = Math.min(Math.max(r.int16(), 0), 3);
    return codecFor(ConsumerProtocolSubscription, version).read(r).topics as string[];
  } catch {
    return undefined;
  }
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export function encodeAssignment(assigned: TopicPartitions[], version = 0): Buffer {
  const w = new Writer();
  w.int16(version);
  codecFor(ConsumerProtocolAssignment, version).write(w, { assignedPartitions: assigned, userData: null });
  return w.toBuffer();
}

export function decodeAssignment(bytes: Buffer): TopicPartitions[] | undefined {
  try {
    const r = new Reader(bytes);
    const version = Math.min(Math.max(r.int16(), 0), 3);
    return codecFor(ConsumerProtocolAssignment, version).read(r).assignedPartitions as TopicPartitions[];
  } catch {
    return undefined;
  }
}

export function encodeSubscription(topics: string[], version = 0): Buffer {
  return Buffer.concat([int16(version), encodeToBuffer(ConsumerProtocolSubscription, version, { topics, userData: null, ownedPartitions: [] })]);
}

function int16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
}
