/**
 * Producer settings under Kafka's names, parsed from `key=value` strings the way the Java client
 * parses them, so `--producer-property acks=all` means the same as for kafka-console-producer.sh.
 */
import { CompressionCodec } from '../records/batch-header.js';
import { ConfigError } from './errors.js';

export type Acks = -1 | 0 | 1;

export interface ProducerConfig {
  bootstrapServers?: string;
  clientId: string;
  acks: Acks;
  lingerMs: number;
  batchSize: number;
  compression: CompressionCodec;
  compressionLevel?: number;
  maxInFlightRequestsPerConnection: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  bufferMemory: number;
  maxRequestSize: number;
  maxBlockMs: number;
  /**
   * Idempotence (producer id, epoch and sequence numbers in every batch). Undefined means Kafka's
   * default since 3.0: on, unless acks, retries or max.in.flight.requests.per.connection conflict,
   * in which case it is silently off; explicitly true with a conflict is a ConfigError.
   */
  enableIdempotence?: boolean;
  /** Makes the producer transactional (initTransactions, beginTransaction, ...); implies idempotence. */
  transactionalId?: string;
  /** How long the coordinator lets a transaction stay open before aborting it. */
  transactionTimeoutMs: number;
}

export const PRODUCER_DEFAULTS: ProducerConfig = {
  clientId: 'kt-producer',
  acks: -1,
  lingerMs: 5,
  batchSize: 16384,
  compression: CompressionCodec.None,
  maxInFlightRequestsPerConnection: 5,
  requestTimeoutMs: 30_000,
  deliveryTimeoutMs: 120_000,
  retries: 2147483647,
  retryBackoffMs: 100,
  bufferMemory: 33554432,
  maxRequestSize: 1048576,
  maxBlockMs: 60_000,
  transactionTimeoutMs: 60_000,
};

/** Kafka's MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION_FOR_IDEMPOTENCE: the broker remembers five batches per producer. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5;

/**
 * Whether the producer is idempotent, by the rules of Java's ProducerConfig
 * (postProcessAndValidateIdempotenceConfigs): conflicting acks/retries/max.in.flight turn a defaulted
 * idempotence off and make an explicit one a ConfigError; a transactional.id needs idempotence.
 */
export function idempotenceEnabled(c: Pick<ProducerConfig, 'enableIdempotence' | 'acks' | 'retries' | 'maxInFlightRequestsPerConnection' | 'transactionalId'>): boolean {
  const explicit = c.enableIdempotence !== undefined;
  let enabled = c.enableIdempotence ?? true;
  if (enabled) {
    const conflicts: string[] = [];
    if (c.retries === 0) conflicts.push('Must set retries to non-zero when using the idempotent producer.');
    if (c.acks !== -1) conflicts.push('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.');
    if (c.maxInFlightRequestsPerConnection > MAX_IN_FLIGHT_FOR_IDEMPOTENCE) {
      conflicts.push(`Must set max.in.flight.requests.per.connection to at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE} to use the idempotent producer.`);
    }
    if (conflicts.length > 0) {
      if (explicit) throw new ConfigError(conflicts[0]!);
      enabled = false;
    }
  }
  if (!enabled && c.transactionalId !== undefined) throw new ConfigError('Cannot set a transactional.id without also enabling idempotence.');
  return enabled;
}

export const COMPRESSION_CODECS: Record<string, CompressionCodec> = {
  none: CompressionCodec.None,
  gzip: CompressionCodec.Gzip,
  snappy: CompressionCodec.Snappy,
  lz4: CompressionCodec.Lz4,
  zstd: CompressionCodec.Zstd,
};

export function parseCompression(value: string, key = 'compression.type'): CompressionCodec {
  const codec = COMPRESSION_CODECS[value.trim().toLowerCase()];
  if (codec === undefined) throw invalid(value, key, 'String must be one of: none, gzip, snappy, lz4, zstd');
  return codec;
}

export function parseAcks(value: string): Acks {
  const v = value.trim().toLowerCase();
  if (v === 'all' || v === '-1') return -1;
  if (v === '0') return 0;
  if (v === '1') return 1;
  throw invalid(value, 'acks', 'String must be one of: all, -1, 0, 1');
}

/** Java's Integer/Long parsing for a config: a whole number within [min, max]. */
export function parseIntConfig(value: string, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const t = value.trim();
  if (!/^-?\d+$/.test(t)) throw invalid(value, key, 'Not a number of type INT');
  const n = Number(t);
  if (n < min) throw invalid(value, key, `Value must be at least ${min}`);
  if (n > max) throw invalid(value, key, `Value must be no more than ${max}`);
  return n;
}

function invalid(value: string, key: string, why: string): ConfigError {
  return new ConfigError(`Invalid value ${value} for configuration ${key}: ${why}`);
}

type Setter = (c: ProducerConfig, v: string) => void;

const SETTERS: Record<string, Setter> = {
  'bootstrap.servers': (c, v) => (c.bootstrapServers = v),
  'client.id': (c, v) => (c.clientId = v),
  acks: (c, v) => (c.acks = parseAcks(v)),
  'linger.ms': (c, v) => (c.lingerMs = parseIntConfig(v, 'linger.ms')),
  'batch.size': (c, v) => (c.batchSize = parseIntConfig(v, 'batch.size')),
  'compression.type': (c, v) => (c.compression = parseCompression(v)),
  'compression.gzip.level': (c, v) => (c.compressionLevel = parseIntConfig(v, 'compression.gzip.level', -1, 9)),
  'compression.zstd.level': (c, v) => (c.compressionLevel = parseIntConfig(v, 'compression.zstd.level', -131072, 22)),
  'max.in.flight.requests.per.connection': (c, v) =>
    (c.maxInFlightRequestsPerConnection = parseIntConfig(v, 'max.in.flight.requests.per.connection', 1)),
  'request.timeout.ms': (c, v) => (c.requestTimeoutMs = parseIntConfig(v, 'request.timeout.ms')),
  'delivery.timeout.ms': (c, v) => (c.deliveryTimeoutMs = parseIntConfig(v, 'delivery.timeout.ms')),
  retries: (c, v) => (c.retries = parseIntConfig(v, 'retries')),
  'retry.backoff.ms': (c, v) => (c.retryBackoffMs = parseIntConfig(v, 'retry.backoff.ms')),
  'buffer.memory': (c, v) => (c.bufferMemory = parseIntConfig(v, 'buffer.memory')),
  'max.request.size': (c, v) => (c.maxRequestSize = parseIntConfig(v, 'max.request.size', 1)),
  'max.block.ms': (c, v) => (c.maxBlockMs = parseIntConfig(v, 'max.block.ms')),
  'enable.idempotence': (c, v) => (c.enableIdempotence = parseBoolean(v, 'enable.idempotence')),
  'transactional.id': (c, v) => (c.transactionalId = v.trim() === '' ? undefined : v),
  'transaction.timeout.ms': (c, v) => (c.transactionTimeoutMs = parseIntConfig(v, 'transaction.timeout.ms', 1, 2147483647)),
};

function parseBoolean(value: string, key: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalid(value, key, 'Expected value to be either true or false');
}

/** Java client keys kt accepts and ignores (serializers are always bytes here). */
const IGNORED = new Set(['key.serializer', 'value.serializer', 'partitioner.ignore.keys', 'send.buffer.bytes', 'receive.buffer.bytes', 'metadata.max.age.ms']);

export interface ParsedProducerConfig {
  config: ProducerConfig;
  /** Keys that are not producer configs kt knows; the CLI warns about them as Kafka does. */
  unknown: string[];
}

export function producerConfigFrom(props: ReadonlyMap<string, string>, base: Partial<ProducerConfig> = {}): ParsedProducerConfig {
  const config: ProducerConfig = { ...PRODUCER_DEFAULTS, ...base };
  const unknown: string[] = [];
  for (const [key, value] of props) {
    const set = SETTERS[key];
    if (set) set(config, value);
    else if (!IGNORED.has(key)) unknown.push(key);
  }
  return { config, unknown };
}
