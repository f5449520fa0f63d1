/** Consumer settings under Kafka's names, parsed from `key=value` strings like the Java client's. */
import { ConfigError } from './errors.js';
import type { IsolationLevel } from './list-offsets.js';
import { parseIntConfig } from './producer-config.js';

export type OffsetReset = 'earliest' | 'latest' | 'none';

export interface ConsumerConfig {
  bootstrapServers?: string;
  clientId: string;
  isolationLevel: IsolationLevel;
  autoOffsetReset: OffsetReset;
  maxPartitionFetchBytes: number;
  fetchMaxBytes: number;
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  maxPollRecords: number;
  requestTimeoutMs: number;
  retryBackoffMs: number;
  /** How long an assigned topic may be unknown to the broker before assign() fails. */
  unknownTopicGraceMs: number;
}

export const CONSUMER_DEFAULTS: ConsumerConfig = {
  clientId: 'kt-consumer',
  isolationLevel: 'read_uncommitted',
  autoOffsetReset: 'latest',
  maxPartitionFetchBytes: 1048576,
  fetchMaxBytes: 52428800,
  fetchMinBytes: 1,
  fetchMaxWaitMs: 500,
  maxPollRecords: 500,
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
  unknownTopicGraceMs: 2000,
};

export function parseIsolationLevel(value: string): IsolationLevel {
  const v = value.trim().toLowerCase();
  if (v === 'read_committed' || v === 'read_uncommitted') return v;
  throw new ConfigError(`Invalid value ${value} for configuration isolation.level: String must be one of: read_committed, read_uncommitted`);
}

export function parseOffsetReset(value: string): OffsetReset {
  const v = value.trim().toLowerCase();
  if (v === 'earliest' || v === 'latest' || v === 'none') return v;
  throw new ConfigError(`Invalid value ${value} for configuration auto.offset.reset: String must be one of: latest, earliest, none`);
}

type Setter = (c: ConsumerConfig, v: string) => void;

const SETTERS: Record<string, Setter> = {
  'bootstrap.servers': (c, v) => (c.bootstrapServers = v),
  'client.id': (c, v) => (c.clientId = v),
  'isolation.level': (c, v) => (c.isolationLevel = parseIsolationLevel(v)),
  'auto.offset.reset': (c, v) => (c.autoOffsetReset = parseOffsetReset(v)),
  'max.partition.fetch.bytes': (c, v) => (c.maxPartitionFetchBytes = parseIntConfig(v, 'max.partition.fetch.bytes')),
  'fetch.max.bytes': (c, v) => (c.fetchMaxBytes = parseIntConfig(v, 'fetch.max.bytes')),
  'fetch.min.bytes': (c, v) => (c.fetchMinBytes = parseIntConfig(v, 'fetch.min.bytes')),
  'fetch.max.wait.ms': (c, v) => (c.fetchMaxWaitMs = parseIntConfig(v, 'fetch.max.wait.ms')),
  'max.poll.records': (c, v) => (c.maxPollRecords = parseIntConfig(v, 'max.poll.records', 1)),
  'request.timeout.ms': (c, v) => (c.requestTimeoutMs = parseIntConfig(v, 'request.timeout.ms')),
  'retry.backoff.ms': (c, v) => (c.retryBackoffMs = parseIntConfig(v, 'retry.backoff.ms')),
};

/** Java consumer keys that only matter to groups or serializers; accepted and ignored. */
const IGNORED = new Set([
  'key.deserializer',
  'value.deserializer',
  'group.id',
  'enable.auto.commit',
  'auto.commit.interval.ms',
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'check.crcs',
  'receive.buffer.bytes',
  'send.buffer.bytes',
  'metadata.max.age.ms',
  'allow.auto.create.topics',
]);

export function consumerConfigFrom(props: ReadonlyMap<string, string>, base: Partial<ConsumerConfig> = {}): { config: ConsumerConfig; unknown: string[] } {
  const config: ConsumerConfig = { ...CONSUMER_DEFAULTS, ...base };
  const unknown: string[] = [];
  for (const [key, value] of props) {
    const set = SETTERS[key];
    if (set) set(config, value);
    else if (!IGNORED.has(key)) unknown.push(key);
  }
  return { config, unknown };
}
