/**
 * What Kafka knows about broker (server.properties) keys as far as configs-over-the-wire need it:
 * which server key each topic config defaults from, the synonym groups (log.retention.ms / .minutes /
 * .hours), which keys can change while running, and the DescribeConfigs type and source numbers.
 *
 * BROKER_CONFIG defines the keys the rest of kt reads; the server defaults of the rarer topic
 * configs (log.preallocate, compression.zstd.level, ...) are defined here so that setting them in
 * server.properties or dynamically works as in Kafka.
 */
import { BROKER_CONFIG } from '../../config/broker-config.js';
import { atLeast, type ConfigKey, type ConfigValue, defineConfig } from '../../config/config-def.js';
import { LONG_MAX_STRING, TOPIC_CONFIG_DEFS } from '../../log/log-config.js';
import { SERVER_LOG_KEY_DOCS } from './config-docs.js';

/** DescribeConfigs configSource / synonym source (Kafka's DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  Unknown: 0,
  TopicConfig: 1,
  DynamicBrokerConfig: 2,
  DynamicDefaultBrokerConfig: 3,
  StaticBrokerConfig: 4,
  DefaultConfig: 5,
  DynamicBrokerLoggerConfig: 6,
} as const;

/** DescribeConfigs v3+ configType (Kafka's DescribeConfigsResponse.ConfigType). */
export const ConfigTypeId = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;

export function configTypeId(type: string | undefined): number {
  if (type === undefined) return ConfigTypeId.UNKNOWN;
  return (ConfigTypeId as Record<string, number>)[type.toUpperCase()] ?? ConfigTypeId.UNKNOWN;
}

const between = (min: number, max: number) => (v: ConfigValue) => {
  if (typeof v !== 'number') return undefined;
  if (v < min) return `Value must be at least ${min}`;
  return v > max ? `Value must be no more than ${max}` : undefined;
};

const key = (name: string, type: ConfigKey['type'], def: string | null, extra: Partial<ConfigKey> = {}): ConfigKey => ({
  name,
  type,
  default: def,
  doc: SERVER_LOG_KEY_DOCS[name] ?? '',
  ...extra,
});

/** Kafka's server defaults of topic configs that BROKER_CONFIG leaves out, with Kafka's defaults. */
const SERVER_LOG_KEYS = defineConfig([
  key('log.roll.jitter.ms', 'long', null),
  key('log.roll.jitter.hours', 'int', '0', { validate: atLeast(0) }),
  key('log.cleaner.min.compaction.lag.ms', 'long', '0', { validate: atLeast(0) }),
  key('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX_STRING, { validate: atLeast(1) }),
  key('log.cleaner.min.cleanable.ratio', 'double', '0.5', { validate: between(0, 1) }),
  key('log.preallocate', 'boolean', 'false'),
  key('compression.gzip.level', 'int', '-1', {
    validate: (v) => (typeof v === 'number' && v !== -1 && (v < 1 || v > 9) ? 'Value must be between 1 and 9, or -1' : undefined),
  }),
  key('compression.lz4.level', 'int', '9', { validate: between(1, 17) }),
  key('compression.zstd.level', 'int', '3', { validate: between(-131072, 22) }),
  key('log.message.format.version', 'string', '3.0-IV1'),
  key('log.message.timestamp.difference.max.ms', 'long', LONG_MAX_STRING, { validate: atLeast(0) }),
  key('log.message.timestamp.before.max.ms', 'long', LONG_MAX_STRING, { validate: atLeast(0) }),
  key('log.message.timestamp.after.max.ms', 'long', LONG_MAX_STRING, { validate: atLeast(0) }),
  key('log.message.downconversion.enable', 'boolean', 'true'),
  key('log.local.retention.ms', 'long', '-2', { validate: atLeast(-2) }),
  key('log.local.retention.bytes', 'long', '-2', { validate: atLeast(-2) }),
  key('log.flush.scheduler.interval.ms', 'long', LONG_MAX_STRING),
]);

/** The definition of a server key kt knows, from BROKER_CONFIG first. */
export function serverKey(name: string): ConfigKey | undefined {
  return BROKER_CONFIG.get(name) ?? SERVER_LOG_KEYS.get(name);
}

/** Every server key kt knows, in name order. */
export function serverKeyNames(): string[] {
  return [...new Set([...BROKER_CONFIG.keys(), ...SERVER_LOG_KEYS.keys()])].sort();
}

/** Topic config -> the server key its default comes from (Kafka's ServerTopicConfigSynonyms). */
export const TOPIC_CONFIG_SYNONYMS: ReadonlyMap<string, string> = new Map([
  ...TOPIC_CONFIG_DEFS.filter((d) => d.serverDefault).map((d): [string, string] => [d.name, d.serverDefault!]),
  ['message.downconversion.enable', 'log.message.downconversion.enable'],
]);

/**
 * Server keys that can change while the broker runs (DynamicLogConfig.ReconfigurableConfigs): the
 * primary server synonym of every topic config, which the log store re-reads on each change.
 * message.format.version stays static, as in Kafka. Others Kafka reconfigures (thread pools,
 * listeners, SSL) are read-only in kt because nothing would apply them.
 */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set(
  [...TOPIC_CONFIG_SYNONYMS.values()].filter((k) => k !== 'log.message.format.version'),
);

const SYNONYM_GROUPS = [
  ['log.roll.ms', 'log.roll.hours'],
  ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
];

/**
 * Keys that set the same thing, most specific first (DynamicBrokerConfig.brokerConfigSynonyms):
 * log.retention.ms overrides .minutes, which overrides .hours. log.flush.interval.ms falls back to
 * log.flush.scheduler.interval.ms, but not the other way round.
 */
export function brokerConfigSynonyms(name: string): string[] {
  if (name === 'log.flush.interval.ms') return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
  return SYNONYM_GROUPS.find((group) => group.includes(name)) ?? [name];
}

/** Kafka's ConfigDef.convertToString of a parsed value, from the raw string it was parsed from. */
export function canonicalValue(type: string | undefined, raw: string | null): string | null {
  if (raw === null || type === undefined) return raw;
  const text = raw.trim();
  switch (type) {
    case 'int':
    case 'long':
      return /^[-+]?\d+$/.test(text) ? BigInt(text).toString() : text;
    case 'double': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return text;
      return Number.isInteger(n) ? `${n}.0` : String(n);
    }
    case 'boolean':
      return text.toLowerCase();
    case 'list':
      return text === '' ? '' : text.split(',').map((s) => s.trim()).join(',');
    default:
      return text;
  }
}

/** Kafka treats a key as sensitive when it is a password or not a key it knows. */
export const isSensitiveKey = (def: ConfigKey | undefined): boolean => def === undefined || def.type === 'password';
