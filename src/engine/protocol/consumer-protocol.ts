/**
 * The embedded consumer protocol (protocol type "consumer"): the subscription a consumer puts in its
 * JoinGroup metadata and the assignment its leader hands out through SyncGroup. kt's group consumer
 * writes and reads both; the broker reads subscriptions (for OffsetDelete and offset expiry) and,
 * for KIP-848 groups and DescribeGroups, writes assignments. Both start with an int16 version; a
 * newer version than kt knows is read as the newest it knows, which Kafka guarantees is a prefix.
 */
import { codecFor } from './codec.js';
import { Reader, Writer } from './primitives.js';
import type { MessageSpec } from './schema.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

const NEWEST_VERSION = 3;

export const ConsumerProtocolSubscription = {
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
} as const satisfies MessageSpec;

export const ConsumerProtocolAssignment = {
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
} as const satisfies MessageSpec;

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface Subscription {
  /** The version the member wrote (as sent, not capped to what kt reads). */
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** v1+: what the member held before this rebalance (cooperative assignors read it). */
  ownedPartitions: TopicPartitions[];
  /** v2+: the generation the owned partitions belong to, -1 when unknown. */
  generationId: number;
  /** v3+: the member's client.rack, for rack-aware assignors. */
  rackId: string | null;
}

function encodeVersioned(spec: MessageSpec, version: number, value: Record<string, unknown>): Buffer {
  const w = new Writer();
  w.int16(version);
  codecFor(spec, version).write(w, value);
  return w.toBuffer();
}

/** Read a versioned message (with the version it carried), or undefined if the bytes are not one. */
function decodeVersioned(spec: MessageSpec, bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const r = new Reader(bytes);
    const version = r.int16();
    return { ...codecFor(spec, Math.min(Math.max(version, 0), NEWEST_VERSION)).read(r), version };
  } catch {
    return undefined;
  }
}

export function encodeSubscription(topics: string[], version = 0, extra: Partial<Omit<Subscription, 'topics' | 'version'>> = {}): Buffer {
  return encodeVersioned(ConsumerProtocolSubscription, version, {
    topics,
    userData: extra.userData ?? null,
    ownedPartitions: extra.ownedPartitions ?? [],
    generationId: extra.generationId ?? -1,
    rackId: extra.rackId ?? null,
  });
}

export function decodeSubscription(bytes: Buffer): Subscription | undefined {
  const m = decodeVersioned(ConsumerProtocolSubscription, bytes);
  if (!m) return undefined;
  return {
    version: m.version as number,
    topics: m.topics as string[],
    userData: (m.userData as Buffer | null) ?? null,
    ownedPartitions: (m.ownedPartitions as TopicPartitions[] | undefined) ?? [],
    generationId: (m.generationId as number | undefined) ?? -1,
    rackId: (m.rackId as string | null | undefined) ?? null,
  };
}

export function encodeAssignment(assigned: TopicPartitions[], version = 0): Buffer {
  return encodeVersioned(ConsumerProtocolAssignment, version, { assignedPartitions: assigned, userData: null });
}

/** An empty buffer is an empty assignment (what a broker hands a member the leader left out). */
export function decodeAssignment(bytes: Buffer): TopicPartitions[] | undefined {
  if (bytes.length === 0) return [];
  return decodeVersioned(ConsumerProtocolAssignment, bytes)?.assignedPartitions as TopicPartitions[] | undefined;
}
