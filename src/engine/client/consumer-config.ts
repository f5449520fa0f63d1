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
  /** The consumer group (GroupConsumer); absent for a consumer by assignment. */
  groupId?: string;
  /** Static membership: a restart within the session timeout keeps the member's partitions. */
  groupInstanceId?: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** The longest gap between polls before the member leaves; also its rebalance timeout. */
  maxPollIntervalMs: number;
  /** Client-side assignor protocol names in order of preference ('range', 'roundrobin'). */
  partitionAssignmentStrategy: string[];
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  /** How often a pattern subscription looks for new matching topics. */
  metadataMaxAgeMs: number;
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
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3000,
  maxPollIntervalMs: 300_000,
  partitionAssignmentStrategy: ['range'],
  enableAutoCommit: true,
  autoCommitIntervalMs: 5000,
  metadataMaxAgeMs: 300_000,
};

/** Java's assignor class names (and the protocol names themselves) to the protocol names kt implements. */
const ASSIGNOR_NAMES: Record<string, string> = {
  range: 'range',
  roundrobin: 'roundrobin',
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  // kafkajs's default assigner: round robin under its own protocol name, to share groups with kafkajs.
  RoundRobinAssigner: 'RoundRobinAssigner',
};

export function parseAssignmentStrategy(value: string): string[] {
  const names = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (names.length === 0) throw new ConfigError(`Invalid value ${value} for configuration partition.assignment.strategy: An empty list is not allowed`);
  return names.map((name) => {
    const protocol = ASSIGNOR_NAMES[name];
    if (!protocol) throw new ConfigError(`Invalid value ${name} for configuration partition.assignment.strategy: kt implements range and roundrobin (RangeAssignor, RoundRobinAssignor, and kafkajs's RoundRobinAssigner)`);
    return protocol;
  });
}

export function parseBooleanConfig(value: string, key: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigError(`Invalid value ${value} for configuration ${key}: Expected value to be either true or false`);
}

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
  'group.id': (c, v) => (c.groupId = v),
  'group.instance.id': (c, v) => (c.groupInstanceId = v.trim() === '' ? undefined : v),
  'session.timeout.ms': (c, v) => (c.sessionTimeoutMs = parseIntConfig(v, 'session.timeout.ms', 1)),
  'heartbeat.interval.ms': (c, v) => (c.heartbeatIntervalMs = parseIntConfig(v, 'heartbeat.interval.ms', 1)),
  'max.poll.interval.ms': (c, v) => (c.maxPollIntervalMs = parseIntConfig(v, 'max.poll.interval.ms', 1)),
  'partition.assignment.strategy': (c, v) => (c.partitionAssignmentStrategy = parseAssignmentStrategy(v)),
  'enable.auto.commit': (c, v) => (c.enableAutoCommit = parseBooleanConfig(v, 'enable.auto.commit')),
  'auto.commit.interval.ms': (c, v) => (c.autoCommitIntervalMs = parseIntConfig(v, 'auto.commit.interval.ms')),
  'metadata.max.age.ms': (c, v) => (c.metadataMaxAgeMs = parseIntConfig(v, 'metadata.max.age.ms')),
};

/** Java consumer keys that only matter to serializers or sockets; accepted and ignored. */
const IGNORED = new Set([
  'key.deserializer',
  'value.deserializer',
  'check.crcs',
  'receive.buffer.bytes',
  'send.buffer.bytes',
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
