/**
 * --topic arguments of --reset-offsets and --delete-offsets: "orders" means every partition of the
 * topic, "orders:0,2" those partitions. Parsing errors are Kafka's (GroupOffsetsResetter).
 */
import type { Admin, TopicPartitionInfo } from '../../engine/client/admin.js';
import type { TopicPartition } from '../../engine/client/list-offsets.js';
import { UsageError } from './options.js';

export interface TopicArg {
  topic: string;
  /** Null: every partition the topic has. */
  partitions: number[] | null;
}

export function parseTopicArg(arg: string): TopicArg {
  if (!arg.includes(':')) return { topic: arg, partitions: null };
  const parts = arg.split(':');
  if (parts.length !== 2) throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`);
  const partitions = parts[1]!.split(',').map((p) => {
    // Kafka's message ends in a stray quote ("...'orders:x''"); kt leaves it out.
    if (!/^[+-]?\d+$/.test(p) || !Number.isSafeInteger(Number(p))) throw new UsageError(`Invalid partition '${p}' specified in topic arg '${arg}'`);
    return Number(p);
  });
  return { topic: parts[0]!, partitions };
}

/** Kafka's TopicPartition.toString. */
export const tpName = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

export const byTopicThenPartition = (a: TopicPartition, b: TopicPartition): number =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;

/** Partitions of the named topics that exist, by topic; topics that do not exist are left out. */
export async function existingPartitions(admin: Admin, topics: Iterable<string>): Promise<Map<string, TopicPartitionInfo[]>> {
  const wanted = new Set(topics);
  if (wanted.size === 0) return new Map();
  const known = (await admin.listTopics({ listInternal: true })).map((t) => t.name).filter((n) => wanted.has(n));
  const described = await admin.describeTopics(known);
  return new Map(described.map((d) => [d.name, d.partitions]));
}

/** The partitions `args` name; a topic given without partitions must exist (Kafka describes it). */
export async function resolveTopicArgs(admin: Admin, args: readonly TopicArg[]): Promise<TopicPartition[]> {
  const whole = args.filter((a) => a.partitions === null).map((a) => a.topic);
  const described = whole.length > 0 ? await admin.describeTopics([...new Set(whole)]) : [];
  const out = new Map<string, TopicPartition>();
  const add = (tp: TopicPartition) => out.set(tpName(tp), tp);
  for (const a of args) {
    if (a.partitions) a.partitions.forEach((partition) => add({ topic: a.topic, partition }));
    else described.find((d) => d.name === a.topic)!.partitions.forEach((p) => add({ topic: a.topic, partition: p.partition }));
  }
  return [...out.values()];
}
