/**
 * Config resources as Kafka's Admin API sees them: DescribeConfigs and IncrementalAlterConfigs,
 * with Kafka's resource types, config sources and alter operations.
 */
import type { Message } from '../protocol/codec.js';
import type { Cluster, Target } from './cluster.js';
import { kafkaError } from './errors.js';

export const ResourceType = { TOPIC: 2, BROKER: 4, CLIENT_METRICS: 16, BROKER_LOGGER: 8, GROUP: 32 } as const;

/** DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  DYNAMIC_TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;

export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigResource {
  type: number;
  name: string;
}

export interface ConfigEntry {
  name: string;
  /** null for sensitive values, which brokers never reveal. */
  value: string | null;
  source: number;
  /** Java's ConfigEntry.isDefault(): the value is the built-in default, not set anywhere. */
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
}

export interface ConfigChange {
  name: string;
  op: number;
  value: string | null;
}

/** Broker resources must be asked of that broker; everything else of any broker. */
function targetOf(resource: ConfigResource): Target {
  if ((resource.type === ResourceType.BROKER || resource.type === ResourceType.BROKER_LOGGER) && resource.name !== '') {
    return Number(resource.name);
  }
  return 'any';
}

export async function describeConfigs(cluster: Cluster, resources: readonly ConfigResource[], keys: string[] | null = null): Promise<Map<string, ConfigEntry[]>> {
  const out = new Map<string, ConfigEntry[]>();
  const groups = new Map<Target, ConfigResource[]>();
  for (const r of resources) groups.set(targetOf(r), [...(groups.get(targetOf(r)) ?? []), r]);
  for (const [target, group] of groups) {
    const { response, version } = await cluster.request(target, 32, {
      resources: group.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: keys })),
      includeSynonyms: false,
      includeDocumentation: false,
    });
    for (const result of response.results as Message[]) {
      if (result.errorCode !== 0) throw kafkaError(result.errorCode, result.errorMessage);
      out.set(
        resourceKey({ type: result.resourceType, name: result.resourceName }),
        (result.configs as Message[]).map((c) => {
          const source = version === 0 ? (c.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.UNKNOWN) : c.configSource;
          return { name: c.name, value: c.value ?? null, source, isDefault: source === ConfigSource.DEFAULT_CONFIG, readOnly: c.readOnly, isSensitive: c.isSensitive };
        }),
      );
    }
  }
  return out;
}

export async function incrementalAlterConfigs(
  cluster: Cluster,
  changes: readonly { resource: ConfigResource; changes: ConfigChange[] }[],
  validateOnly = false,
): Promise<void> {
  const groups = new Map<Target, typeof changes[number][]>();
  for (const c of changes) groups.set(targetOf(c.resource), [...(groups.get(targetOf(c.resource)) ?? []), c]);
  for (const [target, group] of groups) {
    const { response } = await cluster.request(target, 44, {
      resources: group.map((g) => ({
        resourceType: g.resource.type,
        resourceName: g.resource.name,
        configs: g.changes.map((c) => ({ name: c.name, configOperation: c.op, value: c.value })),
      })),
      validateOnly,
    });
    for (const r of response.responses as Message[]) {
      if (r.errorCode !== 0) throw kafkaError(r.errorCode, r.errorMessage);
    }
  }
}

export const resourceKey = (r: ConfigResource): string => `${r.type}:${r.name}`;
