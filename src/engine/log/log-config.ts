/**
 * Topic-level log configuration: Kafka's topic config names, types, defaults and validation
 * (docs/generated-3.9/topic_config.html).
 *
 * Topic configs arrive as strings (CreateTopics, AlterConfigs, the metadata log), so the entry point
 * is `parseLogConfig(props, base)`: it overlays the string map on a base config (the broker's
 * defaults) and throws a `LogConfigError` naming the offending config, which the broker turns into
 * INVALID_CONFIG. Every topic config Kafka 3.9 knows is accepted (unknown names are refused, as
 * Kafka does); only the ones the log uses have typed fields.
 *
 * Kafka's Long.MAX_VALUE defaults ("leave it to the OS", "no limit") cannot be held exactly by a JS
 * number; they are stored as `LONG_MAX` (Number.MAX_SAFE_INTEGER; any larger value saturates to it)
 * and printed back as 9223372036854775807 by `formatLogConfigValue`.
 */

export const LONG_MAX = Number.MAX_SAFE_INTEGER;
export const LONG_MAX_STRING = '9223372036854775807';
const INT_MAX = 2147483647;

export type CleanupPolicy = 'delete' | 'compact';
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs: number;
  segmentIndexBytes: number;
  indexIntervalBytes: number;
  retentionMs: number;
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy[];
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  flushMessages: number;
  flushMs: number;
  fileDeleteDelayMs: number;
  maxMessageBytes: number;
  messageTimestampType: TimestampTypeName;
  messageTimestampBeforeMaxMs: number;
  messageTimestampAfterMaxMs: number;
  compressionType: string;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  preallocate: boolean;
  /** Every topic config explicitly set (name -> string value as given), for DescribeConfigs. */
  overrides: Record<string, string>;
}

export class LogConfigError extends Error {
  constructor(
    readonly configName: string,
    readonly value: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'LogConfigError';
  }
}

type Kind = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list';

interface ConfigDef {
  name: string;
  kind: Kind;
  default: string;
  /** Field of LogConfig this config sets, if the log uses it. */
  field?: keyof LogConfig;
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** Broker (server.properties) name of the default, as Kafka documents it. */
  serverDefault?: string;
}

const D = (d: ConfigDef): ConfigDef => d;

/** All of Kafka 3.9's topic configs. */
export const TOPIC_CONFIG_DEFS: readonly ConfigDef[] = [
  D({ name: 'cleanup.policy', kind: 'list', default: 'delete', field: 'cleanupPolicy', choices: ['compact', 'delete'], serverDefault: 'log.cleanup.policy' }),
  D({ name: 'compression.gzip.level', kind: 'int', default: '-1', serverDefault: 'compression.gzip.level' }),
  D({ name: 'compression.lz4.level', kind: 'int', default: '9', min: 1, max: 17, serverDefault: 'compression.lz4.level' }),
  D({ name: 'compression.type', kind: 'string', default: 'producer', field: 'compressionType', choices: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'], serverDefault: 'compression.type' }),
  D({ name: 'compression.zstd.level', kind: 'int', default: '3', min: -131072, max: 22, serverDefault: 'compression.zstd.level' }),
  D({ name: 'delete.retention.ms', kind: 'long', default: '86400000', field: 'deleteRetentionMs', min: 0, serverDefault: 'log.cleaner.delete.retention.ms' }),
  D({ name: 'file.delete.delay.ms', kind: 'long', default: '60000', field: 'fileDeleteDelayMs', min: 0, serverDefault: 'log.segment.delete.delay.ms' }),
  D({ name: 'flush.messages', kind: 'long', default: LONG_MAX_STRING, field: 'flushMessages', min: 1, serverDefault: 'log.flush.interval.messages' }),
  D({ name: 'flush.ms', kind: 'long', default: LONG_MAX_STRING, field: 'flushMs', min: 0, serverDefault: 'log.flush.interval.ms' }),
  D({ name: 'follower.replication.throttled.replicas', kind: 'list', default: '' }),
  D({ name: 'index.interval.bytes', kind: 'int', default: '4096', field: 'indexIntervalBytes', min: 0, serverDefault: 'log.index.interval.bytes' }),
  D({ name: 'leader.replication.throttled.replicas', kind: 'list', default: '' }),
  D({ name: 'local.retention.bytes', kind: 'long', default: '-2', min: -2, serverDefault: 'log.local.retention.bytes' }),
  D({ name: 'local.retention.ms', kind: 'long', default: '-2', min: -2, serverDefault: 'log.local.retention.ms' }),
  D({ name: 'max.compaction.lag.ms', kind: 'long', default: LONG_MAX_STRING, field: 'maxCompactionLagMs', min: 1, serverDefault: 'log.cleaner.max.compaction.lag.ms' }),
  D({ name: 'max.message.bytes', kind: 'int', default: '1048588', field: 'maxMessageBytes', min: 0, serverDefault: 'message.max.bytes' }),
  D({ name: 'message.format.version', kind: 'string', default: '3.0-IV1', serverDefault: 'log.message.format.version' }),
  D({ name: 'message.timestamp.after.max.ms', kind: 'long', default: LONG_MAX_STRING, field: 'messageTimestampAfterMaxMs', min: 0, serverDefault: 'log.message.timestamp.after.max.ms' }),
  D({ name: 'message.timestamp.before.max.ms', kind: 'long', default: LONG_MAX_STRING, field: 'messageTimestampBeforeMaxMs', min: 0, serverDefault: 'log.message.timestamp.before.max.ms' }),
  D({ name: 'message.timestamp.difference.max.ms', kind: 'long', default: LONG_MAX_STRING, min: 0, serverDefault: 'log.message.timestamp.difference.max.ms' }),
  D({ name: 'message.timestamp.type', kind: 'string', default: 'CreateTime', field: 'messageTimestampType', choices: ['CreateTime', 'LogAppendTime'], serverDefault: 'log.message.timestamp.type' }),
  D({ name: 'min.cleanable.dirty.ratio', kind: 'double', default: '0.5', field: 'minCleanableDirtyRatio', min: 0, max: 1, serverDefault: 'log.cleaner.min.cleanable.ratio' }),
  D({ name: 'min.compaction.lag.ms', kind: 'long', default: '0', field: 'minCompactionLagMs', min: 0, serverDefault: 'log.cleaner.min.compaction.lag.ms' }),
  D({ name: 'min.insync.replicas', kind: 'int', default: '1', field: 'minInsyncReplicas', min: 1, serverDefault: 'min.insync.replicas' }),
  D({ name: 'preallocate', kind: 'boolean', default: 'false', field: 'preallocate', serverDefault: 'log.preallocate' }),
  D({ name: 'remote.log.copy.disable', kind: 'boolean', default: 'false' }),
  D({ name: 'remote.log.delete.on.disable', kind: 'boolean', default: 'false' }),
  D({ name: 'remote.storage.enable', kind: 'boolean', default: 'false' }),
  D({ name: 'retention.bytes', kind: 'long', default: '-1', field: 'retentionBytes', serverDefault: 'log.retention.bytes' }),
  D({ name: 'retention.ms', kind: 'long', default: '604800000', field: 'retentionMs', min: -1, serverDefault: 'log.retention.ms' }),
  D({ name: 'segment.bytes', kind: 'int', default: '1073741824', field: 'segmentBytes', min: 14, serverDefault: 'log.segment.bytes' }),
  D({ name: 'segment.index.bytes', kind: 'int', default: '10485760', field: 'segmentIndexBytes', min: 4, serverDefault: 'log.index.size.max.bytes' }),
  D({ name: 'segment.jitter.ms', kind: 'long', default: '0', field: 'segmentJitterMs', min: 0, serverDefault: 'log.roll.jitter.ms' }),
  D({ name: 'segment.ms', kind: 'long', default: '604800000', field: 'segmentMs', min: 1, serverDefault: 'log.roll.ms' }),
  D({ name: 'unclean.leader.election.enable', kind: 'boolean', default: 'false', field: 'uncleanLeaderElectionEnable', serverDefault: 'unclean.leader.election.enable' }),
  D({ name: 'message.downconversion.enable', kind: 'boolean', default: 'true' }),
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export function isTopicConfigName(name: string): boolean {
  return DEFS_BY_NAME.has(name);
}

function parseValue(def: ConfigDef, raw: string): unknown {
  const bad = (why: string): never => {
    throw new LogConfigError(def.name, raw, `Invalid value ${raw} for configuration ${def.name}: ${why}`);
  };
  const value = raw.trim();
  switch (def.kind) {
    case 'int':
    case 'long': {
      if (!/^[-+]?\d+$/.test(value)) bad(`Not a number of type ${def.kind.toUpperCase()}`);
      let n = Number(value);
      if (def.kind === 'int' && (n > INT_MAX || n < -INT_MAX - 1)) bad('Not a number of type INT');
      if (def.kind === 'long' && BigInt(value) > 9223372036854775807n) bad('Not a number of type LONG');
      if (n > LONG_MAX) n = LONG_MAX;
      if (n < -LONG_MAX) n = -LONG_MAX;
      checkRange(def, n, raw);
      return n;
    }
    case 'double': {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) bad('Not a number of type DOUBLE');
      checkRange(def, n, raw);
      return n;
    }
    case 'boolean': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') bad('Expected value to be either true or false');
      return v === 'true';
    }
    case 'string': {
      if (def.choices && !def.choices.includes(value)) bad(`String must be one of: ${def.choices.join(', ')}`);
      return value;
    }
    case 'list': {
      const items = value === '' ? [] : value.split(',').map((s) => s.trim().toLowerCase());
      if (def.choices) {
        for (const item of items) if (!def.choices.includes(item)) bad(`Invalid value ${item} for configuration ${def.name}: String must be one of: ${def.choices.join(', ')}`);
        return [...new Set(items)];
      }
      return items;
    }
  }
}

function checkRange(def: ConfigDef, n: number, raw: string): void {
  if (def.min !== undefined && n < def.min) {
    throw new LogConfigError(def.name, raw, `Invalid value ${raw} for configuration ${def.name}: Value must be at least ${def.min}`);
  }
  if (def.max !== undefined && n > def.max) {
    throw new LogConfigError(def.name, raw, `Invalid value ${raw} for configuration ${def.name}: Value must be no more than ${def.max}`);
  }
}

function buildDefault(): LogConfig {
  const c = { overrides: {} } as Record<string, unknown>;
  for (const def of TOPIC_CONFIG_DEFS) if (def.field) c[def.field] = parseValue(def, def.default);
  return c as unknown as LogConfig;
}

/** Kafka's defaults for every topic config. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze(buildDefault());

/**
 * Overlay string-valued topic configs on `base` (default: Kafka's defaults). Throws LogConfigError
 * for an unknown name, a malformed or out-of-range value, or an inconsistent combination.
 * `null`/`undefined` values remove an override (AlterConfigs DELETE), reverting to `base`'s value.
 */
export function parseLogConfig(
  props: Record<string, string | null | undefined> | Map<string, string | null | undefined>,
  base: Readonly<LogConfig> = DEFAULT_LOG_CONFIG,
): LogConfig {
  const entries = props instanceof Map ? [...props.entries()] : Object.entries(props);
  const out = { ...base, cleanupPolicy: [...base.cleanupPolicy], overrides: { ...base.overrides } } as LogConfig;
  const rec = out as unknown as Record<string, unknown>;
  for (const [name, raw] of entries) {
    const def = DEFS_BY_NAME.get(name);
    if (!def) throw new LogConfigError(name, raw ?? undefined, `Unknown topic config name: ${name}`);
    if (raw === null || raw === undefined) {
      delete out.overrides[name];
      if (def.field) rec[def.field] = (base.overrides[name] === undefined ? base : DEFAULT_LOG_CONFIG)[def.field];
      continue;
    }
    const value = parseValue(def, raw);
    if (def.field) rec[def.field] = value;
    out.overrides[name] = raw.trim();
  }
  validateLogConfig(out);
  return out;
}

/** Cross-field checks Kafka's LogConfig.validate makes. */
export function validateLogConfig(c: LogConfig): void {
  if (c.minCompactionLagMs > c.maxCompactionLagMs) {
    throw new LogConfigError(
      'min.compaction.lag.ms',
      String(c.minCompactionLagMs),
      `conflict topic config setting min.compaction.lag.ms (${c.minCompactionLagMs}) > max.compaction.lag.ms (${c.maxCompactionLagMs})`,
    );
  }
  if (c.segmentIndexBytes < 8) {
    throw new LogConfigError('segment.index.bytes', String(c.segmentIndexBytes), 'segment.index.bytes must hold at least one index entry');
  }
}

/** A config value as Kafka would print it (DescribeConfigs). */
export function formatLogConfigValue(name: string, config: LogConfig): string | undefined {
  const def = DEFS_BY_NAME.get(name);
  if (!def) return undefined;
  if (!def.field) return config.overrides[name] ?? def.default;
  const v = config[def.field];
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'number' && v >= LONG_MAX) return LONG_MAX_STRING;
  return String(v);
}

/** Every topic config name with its effective value and whether it was set explicitly. */
export function describeLogConfig(config: LogConfig): { name: string; value: string; isDefault: boolean }[] {
  return TOPIC_CONFIG_DEFS.map((d) => ({
    name: d.name,
    value: formatLogConfigValue(d.name, config) ?? d.default,
    isDefault: config.overrides[d.name] === undefined,
  }));
}

export const hasDeletePolicy = (c: LogConfig): boolean => c.cleanupPolicy.includes('delete');
export const hasCompactPolicy = (c: LogConfig): boolean => c.cleanupPolicy.includes('compact');

/** The broker's server.properties name for each topic config default (log.segment.bytes -> segment.bytes). */
export const SERVER_DEFAULT_NAMES: ReadonlyMap<string, string> = new Map(
  TOPIC_CONFIG_DEFS.filter((d) => d.serverDefault).map((d) => [d.serverDefault!, d.name]),
);
