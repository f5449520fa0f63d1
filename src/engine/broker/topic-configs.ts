/**
 * Configuration as Kafka clients see it: the log config each topic runs with, and DescribeConfigs
 * entries for topics and brokers with Kafka's values, sources and synonyms.
 *
 * A broker key's value comes from, most specific first: a dynamic per-broker config, the dynamic
 * cluster-wide default (both in the metadata image, set with IncrementalAlterConfigs), the static
 * config (server.properties and --override), then the definition's default. Topic configs default
 * to their server keys (segment.bytes <- log.segment.bytes) and a topic's own overrides win over all.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import { ConfigError, parseValue } from '../config/config-def.js';
import { DEFAULT_LOG_CONFIG, formatLogConfigValue, type LogConfig, LogConfigError, parseLogConfig, TOPIC_CONFIG_DEFS } from '../log/log-config.js';
import type { MetadataImage, TopicImage } from '../metadata/image.js';
import { TOPIC_CONFIG_DOCS } from './configs/config-docs.js';
import {
  brokerConfigSynonyms,
  canonicalValue,
  ConfigSource,
  configTypeId,
  DYNAMIC_BROKER_KEYS,
  isSensitiveKey,
  serverKey,
  serverKeyNames,
  TOPIC_CONFIG_SYNONYMS,
} from './configs/server-keys.js';

/** A broker's config values by where they were set. */
export interface BrokerConfigLayers {
  perBroker: ReadonlyMap<string, string>;
  clusterDefault: ReadonlyMap<string, string>;
  staticConfig: ReadonlyMap<string, string>;
}

export interface DescribeOptions {
  /** Only these names; null or empty for all. */
  keys: readonly string[] | null;
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export interface DescribedSynonym {
  name: string;
  value: string | null;
  source: number;
}

/** One DescribeConfigsResourceResult, with every version's fields. */
export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  /** v0 only; Kafka reports it as configSource == DEFAULT_CONFIG. */
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: DescribedSynonym[];
  configType: number;
  documentation: string | null;
}

/**
 * The dynamic configs for `nodeId` and the cluster default, from the image. As in Kafka, a stored
 * key that cannot be changed dynamically is ignored; keys kt does not know are kept (Kafka keeps
 * custom keys for plugins).
 */
export function brokerConfigLayers(config: BrokerConfig, image: MetadataImage, nodeId: number): BrokerConfigLayers {
  const perBroker = new Map<string, string>();
  const clusterDefault = new Map<string, string>();
  const prefix = `${nodeId}:`;
  for (const [k, v] of image.brokerConfigs) {
    const sep = k.indexOf(':');
    const name = sep < 0 ? k : k.slice(sep + 1);
    if (serverKey(name) && !DYNAMIC_BROKER_KEYS.has(name)) continue;
    if (sep < 0) clusterDefault.set(name, v);
    else if (k.startsWith(prefix)) perBroker.set(name, v);
  }
  return { perBroker, clusterDefault, staticConfig: config.overrides };
}

/** The raw value in force for a server key, or null when it is unset and has no default. */
export function serverValue(layers: BrokerConfigLayers, name: string): string | null {
  return layers.perBroker.get(name) ?? layers.clusterDefault.get(name) ?? layers.staticConfig.get(name) ?? serverKey(name)?.default ?? null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A time from `msKey`, else a coarser unit times its size (KafkaConfig.logRetentionTimeMillis, ...). */
function millis(layers: BrokerConfigLayers, msKey: string, coarser: [string, number][]): string | null {
  const ms = serverValue(layers, msKey);
  if (ms !== null) return ms;
  for (const [k, unit] of coarser) {
    const v = serverValue(layers, k);
    if (v !== null && /^\s*[-+]?\d+\s*$/.test(v)) return String(Number(v) * unit);
  }
  return null;
}

/** The topic-config defaults this broker applies, as topic config name -> string value. */
export function serverTopicDefaults(layers: BrokerConfigLayers): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [topicName, server] of TOPIC_CONFIG_SYNONYMS) {
    let value: string | null;
    if (topicName === 'retention.ms') {
      value = millis(layers, 'log.retention.ms', [['log.retention.minutes', MINUTE], ['log.retention.hours', HOUR]]);
      // Kafka reads any negative retention as "forever".
      if (value !== null && /^\s*-\d+\s*$/.test(value)) value = '-1';
    } else if (topicName === 'segment.ms') value = millis(layers, 'log.roll.ms', [['log.roll.hours', HOUR]]);
    else if (topicName === 'segment.jitter.ms') value = millis(layers, 'log.roll.jitter.ms', [['log.roll.jitter.hours', HOUR]]);
    else if (topicName === 'flush.ms') value = serverValue(layers, 'log.flush.interval.ms') ?? serverValue(layers, 'log.flush.scheduler.interval.ms');
    else value = serverValue(layers, server);
    if (value !== null) props[topicName] = value;
  }
  return props;
}

/**
 * parseLogConfig, leaving out a value it refuses rather than failing: configs were validated when
 * set, and one bad server default must not stop every topic from loading.
 */
function parseLenient(props: Record<string, string>, base: Readonly<LogConfig>): LogConfig {
  const remaining = { ...props };
  for (;;) {
    try {
      return parseLogConfig(remaining, base);
    } catch (err) {
      if (!(err instanceof LogConfigError) || !(err.configName in remaining)) return { ...base, overrides: { ...base.overrides } };
      delete remaining[err.configName];
    }
  }
}

function defaultsFrom(serverProps: Record<string, string>): LogConfig {
  return { ...parseLenient(serverProps, DEFAULT_LOG_CONFIG), overrides: {} };
}

/** The topic-config defaults this broker applies: its server keys, dynamic configs over static ones. */
export function brokerLogDefaults(config: BrokerConfig, image: MetadataImage, nodeId: number): LogConfig {
  return defaultsFrom(serverTopicDefaults(brokerConfigLayers(config, image, nodeId)));
}

/** The log config `topic`'s partitions run with on `nodeId`. */
export function effectiveTopicConfig(topic: TopicImage, config: BrokerConfig, image: MetadataImage, nodeId: number): LogConfig {
  return parseLenient(Object.fromEntries(topic.configs), brokerLogDefaults(config, image, nodeId));
}

/**
 * Throws a ConfigError naming the key when a static server key that sets a topic-config default is
 * malformed, as Kafka refuses to start; the broker should call it at start-up.
 */
export function checkServerLogConfig(config: BrokerConfig): void {
  for (const [name, raw] of config.overrides) {
    const def = serverKey(name);
    if (!def) continue;
    const value = parseValue(def, raw);
    const problem = def.validate?.(value);
    if (problem) throw new ConfigError(`Invalid value ${raw} for configuration ${name}: ${problem}`);
  }
  const props = serverTopicDefaults({ perBroker: new Map(), clusterDefault: new Map(), staticConfig: config.overrides });
  try {
    parseLogConfig(props);
  } catch (err) {
    if (err instanceof LogConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

/**
 * Where each synonym is set, grouped by source and most specific first, from the first mention of
 * `name` on (ConfigHelper.configSynonyms). So a topic's retention.ms lists log.retention.hours only
 * when log.retention.ms is set somewhere, exactly as Kafka reports it.
 */
function configSynonyms(name: string, layers: BrokerConfigLayers, sensitive: boolean): DescribedSynonym[] {
  const names = brokerConfigSynonyms(name);
  const defaults = new Map(names.flatMap((n) => (serverKey(n)?.default != null ? [[n, serverKey(n)!.default!] as const] : [])));
  const out: DescribedSynonym[] = [];
  const sources: [ReadonlyMap<string, string>, number][] = [
    [layers.perBroker, ConfigSource.DynamicBrokerConfig],
    [layers.clusterDefault, ConfigSource.DynamicDefaultBrokerConfig],
    [layers.staticConfig, ConfigSource.StaticBrokerConfig],
    [defaults, ConfigSource.DefaultConfig],
  ];
  for (const [values, source] of sources) {
    for (const n of names) {
      const v = values.get(n);
      if (v !== undefined) out.push({ name: n, value: sensitive ? null : v, source });
    }
  }
  const first = out.findIndex((s) => s.name === name);
  return first < 0 ? [] : out.slice(first);
}

const wanted = (keys: readonly string[] | null) => (name: string) => keys === null || keys.length === 0 || keys.includes(name);

function entry(
  name: string,
  value: string | null,
  allSynonyms: DescribedSynonym[],
  fields: { readOnly: boolean; isSensitive: boolean; configType: number; documentation: string | null },
  opts: DescribeOptions,
): DescribedConfig {
  const configSource = allSynonyms[0]?.source ?? ConfigSource.DefaultConfig;
  return {
    name,
    value,
    readOnly: fields.readOnly,
    isDefault: configSource === ConfigSource.DefaultConfig,
    configSource,
    isSensitive: fields.isSensitive,
    synonyms: opts.includeSynonyms ? allSynonyms : [],
    configType: fields.configType,
    documentation: opts.includeDocumentation ? fields.documentation : null,
  };
}

/** Every topic config of `topic` as DescribeConfigs reports it (ConfigHelper.createTopicConfigEntry). */
export function describeTopicConfigs(topic: TopicImage, config: BrokerConfig, image: MetadataImage, nodeId: number, opts: DescribeOptions): DescribedConfig[] {
  const layers = brokerConfigLayers(config, image, nodeId);
  const serverProps = serverTopicDefaults(layers);
  const effective = parseLenient(Object.fromEntries(topic.configs), defaultsFrom(serverProps));
  return TOPIC_CONFIG_DEFS.filter((d) => wanted(opts.keys)(d.name))
    .map((def) => {
      const raw = def.field ? (formatLogConfigValue(def.name, effective) ?? null) : (topic.configs.get(def.name) ?? serverProps[def.name] ?? def.default);
      const value = canonicalValue(def.kind, raw);
      const server = TOPIC_CONFIG_SYNONYMS.get(def.name);
      const synonyms = server ? configSynonyms(server, layers, false) : [];
      if (topic.configs.has(def.name)) synonyms.unshift({ name: def.name, value, source: ConfigSource.TopicConfig });
      return entry(def.name, value, synonyms, {
        readOnly: false,
        isSensitive: false,
        configType: configTypeId(def.kind),
        documentation: TOPIC_CONFIG_DOCS[def.name] ?? null,
      }, opts);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A broker's configs as DescribeConfigs reports them (ConfigHelper.createBrokerConfigEntry).
 * `resourceName` "" is the cluster-wide default: only the keys set dynamically at that level, with
 * only that level's synonyms. A node id describes every key with the value in force on that broker.
 */
export function describeBrokerConfigs(config: BrokerConfig, image: MetadataImage, nodeId: number, resourceName: string, opts: DescribeOptions): DescribedConfig[] {
  const layers = brokerConfigLayers(config, image, nodeId);
  const perBroker = resourceName !== '';
  const names = perBroker
    ? [...new Set([...serverKeyNames(), ...layers.staticConfig.keys(), ...layers.clusterDefault.keys(), ...layers.perBroker.keys()])]
    : [...layers.clusterDefault.keys()];
  return names
    .filter(wanted(opts.keys))
    .sort()
    .map((name) => {
      const def = serverKey(name);
      const isSensitive = isSensitiveKey(def);
      const raw = perBroker ? serverValue(layers, name) : layers.clusterDefault.get(name)!;
      const value = isSensitive ? null : perBroker ? canonicalValue(def?.type, raw) : raw;
      const synonyms = configSynonyms(name, layers, isSensitive).filter((s) => perBroker || s.source === ConfigSource.DynamicDefaultBrokerConfig);
      return entry(name, value, synonyms, {
        readOnly: !DYNAMIC_BROKER_KEYS.has(name),
        isSensitive,
        configType: configTypeId(def?.type),
        documentation: def?.doc ?? null,
      }, opts);
    });
}
