/**
 * Config changes (IncrementalAlterConfigs and the older AlterConfigs): work out the resulting config
 * of each resource, validate it, and produce the ConfigRecords that carry the change (a null value
 * deletes an override). Kafka splits this between the receiving broker (ConfigAdminManager, broker
 * resources) and the controller (ConfigurationControlManager, topics); the checks, their order and
 * their messages follow both, so clients see Kafka's error codes and texts.
 *
 * Per-request checks (duplicates, null values, which node a broker resource names) belong to the
 * broker handlers, which call this through QuorumController.alterConfigs.
 */
import { ConfigError, parseValue } from '../config/config-def.js';
import { serverKey, DYNAMIC_BROKER_KEYS } from '../broker/configs/server-keys.js';
import { LogConfigError, parseLogConfig, TOPIC_CONFIG_DEFS } from '../log/log-config.js';
import type { MetadataImage } from '../metadata/image.js';
import { ConfigResourceType, RecordType } from '../metadata/record-types.js';
import { topicNameProblem } from '../metadata/topic-names.js';
import { ErrorCode } from '../protocol/errors.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';
import type { Outcome } from './topic-control.js';

/** IncrementalAlterConfigs configOperation. */
export const AlterOp = { Set: 0, Delete: 1, Append: 2, Subtract: 3 } as const;
export type AlterOp = (typeof AlterOp)[keyof typeof AlterOp];
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

export interface ConfigChange {
  name: string;
  op: AlterOp;
  value: string | null;
}

export interface ConfigResourceChange {
  resourceType: number;
  resourceName: string;
  changes: ConfigChange[];
  /** AlterConfigs (legacy) replaces every override; IncrementalAlterConfigs edits only the named keys. */
  replaceAll: boolean;
}

type Plan = Outcome & { records: MetadataRecord[] };

const fail = (errorCode: number, errorMessage: string): Plan => ({ errorCode, errorMessage, records: [] });

export function planConfigChange(image: MetadataImage, nodeId: number, change: ConfigResourceChange): Plan {
  if (change.resourceType === ConfigResourceType.Topic) return planTopic(image, change);
  if (change.resourceType === ConfigResourceType.Broker) return planBroker(image, nodeId, change);
  return fail(ErrorCode.INVALID_REQUEST, `Unknown resource type ${change.resourceType}`);
}

/** The items of a list value; Kafka splits on "," without trimming and drops empty items. */
const parts = (value: string | null): string[] => (value ?? '').split(',').filter((s) => s !== '');

/** Apply an APPEND or SUBTRACT to `old` (the current value, else the key's default). */
function appendOrSubtract(op: AlterOp, old: string | null, given: string | null): string {
  const items = parts(old);
  if (op === AlterOp.Append) {
    for (const v of (given ?? '').split(',')) if (!items.includes(v)) items.push(v);
    return items.join(',');
  }
  for (const v of (given ?? '').split(',')) {
    const i = items.indexOf(v);
    if (i >= 0) items.splice(i, 1);
  }
  return items.join(',');
}

const TOPIC_KINDS = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

function record(resourceType: number, resourceName: string, name: string, value: string | null): MetadataRecord {
  return metadataRecord(RecordType.Config, { resourceType, resourceName, name, value });
}

/** ConfigurationControlManager: compute the new values, validate the whole result, then check the topic exists. */
function planTopic(image: MetadataImage, change: ConfigResourceChange): Plan {
  const name = change.resourceName;
  if (name === '') return fail(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
  const badName = topicNameProblem(name);
  if (badName) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, badName);
  const topic = image.topic(name);
  const current: ReadonlyMap<string, string> = topic?.configs ?? new Map();

  const next = new Map<string, string | null>();
  for (const c of change.changes) {
    const currentValue = next.has(c.name) ? next.get(c.name)! : (current.get(c.name) ?? null);
    switch (c.op) {
      case AlterOp.Set:
        next.set(c.name, c.value);
        break;
      case AlterOp.Delete:
        next.set(c.name, null);
        break;
      case AlterOp.Append:
      case AlterOp.Subtract: {
        const def = TOPIC_KINDS.get(c.name);
        if (def?.kind !== 'list') return fail(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[c.op]} to key ${c.name} because its type is not LIST.`);
        next.set(c.name, appendOrSubtract(c.op, currentValue ?? def.default, c.value));
        break;
      }
      default:
        return fail(ErrorCode.INVALID_REQUEST, `Unknown operations type ${c.op as number}`);
    }
  }
  if (change.replaceAll) for (const k of current.keys()) if (!next.has(k)) next.set(k, null);

  const nulls = change.replaceAll ? change.changes.filter((c) => c.value === null).map((c) => c.name) : [];
  if (nulls.length > 0) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`);
  const merged = new Map(current);
  for (const [k, v] of next) {
    if (v === null) merged.delete(k);
    else merged.set(k, v);
  }
  try {
    parseLogConfig(merged);
  } catch (err) {
    if (err instanceof LogConfigError) return fail(ErrorCode.INVALID_CONFIG, err.message);
    throw err;
  }
  if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);

  const records = [...next]
    .filter(([k, v]) => (current.get(k) ?? null) !== v)
    .map(([k, v]) => record(ConfigResourceType.Topic, name, k, v));
  return { errorCode: ErrorCode.NONE, errorMessage: null, records };
}

/** The dynamic configs stored for one broker resource ("" = cluster default). */
function brokerResourceConfigs(image: MetadataImage, resourceName: string): Map<string, string> {
  const prefix = resourceName === '' ? '' : `${resourceName}:`;
  const out = new Map<string, string>();
  for (const [k, v] of image.brokerConfigs) {
    if (prefix ? k.startsWith(prefix) : !k.includes(':')) out.set(k.slice(prefix.length), v);
  }
  return out;
}

/**
 * DynamicBrokerConfig.validate: keys Kafka knows must be changeable while running and well-formed;
 * keys it does not know pass (plugins read custom keys). Kafka answers INVALID_REQUEST here rather
 * than INVALID_CONFIG (KAFKA-13609), and so does kt.
 */
function validateBrokerProps(props: ReadonlyMap<string, string>): string | undefined {
  const fixed = [...props.keys()].filter((k) => serverKey(k) && !DYNAMIC_BROKER_KEYS.has(k));
  if (fixed.length > 0) return `Cannot update these configs dynamically: Set(${fixed.join(', ')})`;
  for (const [k, raw] of props) {
    const def = serverKey(k);
    if (!def) continue;
    try {
      const value = parseValue(def, raw);
      const problem = def.validate?.(value);
      if (problem) return `Invalid value ${raw} for configuration ${k}: ${problem}`;
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
  }
  return undefined;
}

/** ConfigAdminManager's broker checks, then the controller's: a valid, registered node id. */
function planBroker(image: MetadataImage, nodeId: number, change: ConfigResourceChange): Plan {
  const name = change.resourceName;
  const current = brokerResourceConfigs(image, name);
  const props = change.replaceAll ? new Map<string, string>() : new Map(current);
  for (const c of change.changes) {
    switch (c.op) {
      case AlterOp.Set:
        if (c.value === null) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
        props.set(c.name, c.value);
        break;
      case AlterOp.Delete:
        props.delete(c.name);
        break;
      case AlterOp.Append:
      case AlterOp.Subtract: {
        const def = serverKey(c.name);
        if (!def) return fail(ErrorCode.INVALID_CONFIG, `Unknown config name: ${c.name}`);
        if (def.type !== 'list') {
          return fail(ErrorCode.INVALID_CONFIG, `Config value ${OP_NAMES[c.op].toLowerCase()} is not allowed for config key: ${c.name}`);
        }
        props.set(c.name, appendOrSubtract(c.op, props.get(c.name) ?? def.default, c.value));
        break;
      }
      default:
        return fail(ErrorCode.INVALID_REQUEST, `Unknown operations type ${c.op as number}`);
    }
  }
  const problem = validateBrokerProps(props);
  if (problem) return fail(ErrorCode.INVALID_REQUEST, problem);

  if (name !== '') {
    if (!/^[-+]?\d+$/.test(name)) return fail(ErrorCode.INVALID_REQUEST, 'Unable to parse broker name as a base 10 number.');
    const id = Number(name);
    if (id < 0) return fail(ErrorCode.INVALID_REQUEST, 'Invalid negative broker ID.');
    if (!image.brokers.has(id) && id !== nodeId) return fail(ErrorCode.BROKER_ID_NOT_REGISTERED, `No node with id ${id} found.`);
  }

  // Kafka writes a record for every named broker key, changed or not, so that brokers reload (KAFKA-14136).
  const named = new Set(change.changes.map((c) => c.name));
  const records = [...named].map((k) => record(ConfigResourceType.Broker, name, k, props.get(k) ?? null));
  if (change.replaceAll) {
    for (const k of current.keys()) if (!named.has(k)) records.push(record(ConfigResourceType.Broker, name, k, null));
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, records };
}
