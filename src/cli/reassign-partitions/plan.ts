/**
 * kafka-reassign-partitions.sh's JSON and text (Kafka's ReassignPartitionsCommand): the reassignment
 * plan {"version":1,"partitions":[{"topic","partition","replicas","log_dirs"}]}, the topics-to-move
 * file {"version":1,"topics":[{"topic"}]}, the checks Kafka makes on both, the proposal --generate
 * computes (AdminUtils' rack-unaware assignment), and the --verify / --list text.
 */
import { compareTopicPartitions, tpString, type PartitionReassignment } from '../../engine/client/admin-replicas.js';
import type { TopicPartition } from '../../engine/client/list-offsets.js';

/** A mistake in the input or an answer the tool reports: one line on stderr, exit status 1. */
export class ReassignToolError extends Error {}

export const ANY_LOG_DIR = 'any';

export interface PlannedPartition extends TopicPartition {
  replicas: number[];
  logDirs: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new ReassignToolError(`The input string is not a valid JSON: ${(err as Error).message}`);
  }
}

const isObject = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

function field(obj: { [k: string]: Json }, name: string): Json {
  if (!(name in obj)) throw new ReassignToolError(`No such field exists: \`${name}\``);
  return obj[name]!;
}

function asInt(v: Json, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ReassignToolError(`Expected an integer for ${what}, not ${JSON.stringify(v)}`);
  return v;
}

function asString(v: Json, what: string): string {
  if (typeof v !== 'string') throw new ReassignToolError(`Expected a string for ${what}, not ${JSON.stringify(v)}`);
  return v;
}

function asArray(v: Json, what: string): Json[] {
  if (!Array.isArray(v)) throw new ReassignToolError(`Expected an array for ${what}, not ${JSON.stringify(v)}`);
  return v;
}

function version(obj: { [k: string]: Json }): number {
  const v = 'version' in obj ? asInt(obj.version!, 'version') : 1;
  if (v !== 1) throw new ReassignToolError(`Not supported version field value ${v}`);
  return v;
}

/** Kafka's ToolsUtils.duplicates, in first-seen order. */
function duplicates<T>(items: readonly T[], key: (t: T) => string = String): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const i of items) {
    const k = key(i);
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

/** The partitions of a reassignment plan, unchecked beyond their shape (--verify and --cancel). */
export function parseReassignmentJson(text: string): PlannedPartition[] {
  const js = parseJson(text);
  if (!isObject(js)) throw new ReassignToolError('The reassignment JSON must be an object: {"version":1,"partitions":[...]}');
  version(js);
  if (!('partitions' in js)) return [];
  return asArray(js.partitions!, 'partitions').map((p) => {
    if (!isObject(p)) throw new ReassignToolError(`Expected an object in partitions, not ${JSON.stringify(p)}`);
    const topic = asString(field(p, 'topic'), 'topic');
    const partition = asInt(field(p, 'partition'), 'partition');
    const replicas = asArray(field(p, 'replicas'), 'replicas').map((r) => asInt(r, 'replicas'));
    const logDirs = 'log_dirs' in p ? asArray(p.log_dirs!, 'log_dirs').map((d) => asString(d, 'log_dirs')) : replicas.map(() => ANY_LOG_DIR);
    if (logDirs.length !== replicas.length) {
      throw new ReassignToolError(`Size of replicas list [${replicas.join(', ')}] is different from size of log dirs list [${logDirs.join(', ')}] for partition ${topic}-${partition}`);
    }
    // Moving a replica between a broker's log directories (AlterReplicaLogDirs) is not something kt does.
    const dir = logDirs.find((d) => d !== ANY_LOG_DIR);
    if (dir !== undefined) throw new ReassignToolError(`kt does not move replicas between log directories: log_dirs must be "${ANY_LOG_DIR}" (${topic}-${partition} asks for "${dir}")`);
    return { topic, partition, replicas, logDirs };
  });
}

/** A plan for --execute: Kafka's parseExecuteAssignmentArgs checks on top of the shape. */
export function parseExecutePlan(text: string): PlannedPartition[] {
  const parts = parseReassignmentJson(text);
  if (parts.length === 0) throw new ReassignToolError('Partition reassignment list cannot be empty');
  if (parts.some((p) => p.replicas.length === 0)) throw new ReassignToolError('Partition replica list cannot be empty');
  const dupParts = duplicates(parts, tpString);
  if (dupParts.length > 0) throw new ReassignToolError(`Partition reassignment contains duplicate topic partitions: ${dupParts.join(',')}`);
  const dupReplicas = parts
    .map((p) => ({ p, dup: duplicates(p.replicas) }))
    .filter((x) => x.dup.length > 0)
    .map((x) => `${tpString(x.p)} contains multiple entries for ${x.dup.join(',')}`);
  if (dupReplicas.length > 0) throw new ReassignToolError(`Partition replica lists may not contain duplicate entries: ${dupReplicas.join('. ')}`);
  return parts;
}

/** --topics-to-move-json-file and --broker-list for --generate (parseGenerateAssignmentArgs). */
export function parseGenerateArgs(topicsJson: string, brokerList: string): { brokers: number[]; topics: string[] } {
  const brokers = brokerList.split(',').map((s) => {
    if (!/^\s*[+-]?\d+\s*$/.test(s)) throw new ReassignToolError(`Invalid broker id "${s}" in --broker-list: expected comma-separated integers such as 1,2,3`);
    return Number(s);
  });
  const dupBrokers = duplicates(brokers);
  if (dupBrokers.length > 0) throw new ReassignToolError(`Broker list contains duplicate entries: [${dupBrokers.join(', ')}]`);
  const js = parseJson(topicsJson);
  if (!isObject(js)) throw new ReassignToolError('The topics-to-move JSON must be an object: {"version":1,"topics":[{"topic":"..."}]}');
  version(js);
  const topics = 'topics' in js ? asArray(js.topics!, 'topics').map((t) => {
    if (!isObject(t)) throw new ReassignToolError(`Expected an object in topics, not ${JSON.stringify(t)}`);
    return asString(field(t, 'topic'), 'topic');
  }) : [];
  const dupTopics = duplicates(topics);
  if (dupTopics.length > 0) throw new ReassignToolError(`List of topics to reassign contains duplicate entries: [${dupTopics.join(', ')}]`);
  return { brokers, topics };
}

/** Kafka's formatAsReassignmentJson: compact, sorted by topic and partition, every log dir "any". */
export function formatReassignmentJson(assignment: ReadonlyMap<string, { tp: TopicPartition; replicas: number[] }>): string {
  const partitions = [...assignment.values()]
    .sort((a, b) => compareTopicPartitions(a.tp, b.tp))
    .map(({ tp, replicas }) => ({ topic: tp.topic, partition: tp.partition, replicas, log_dirs: replicas.map(() => ANY_LOG_DIR) }));
  return JSON.stringify({ version: 1, partitions });
}

/**
 * AdminUtils.assignReplicasToBrokersRackUnaware: partition p's first replica is broker
 * (p + start) mod n, the others follow at a shift that grows every n partitions, so leaders and
 * followers spread evenly. start and the first shift are random, as Kafka's are.
 */
export function assignReplicasRackUnaware(partitions: number, replicationFactor: number, brokerIds: readonly number[], random: () => number = Math.random): Map<number, number[]> {
  if (partitions <= 0) throw new ReassignToolError('Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new ReassignToolError('Replication factor must be larger than 0.');
  if (replicationFactor > brokerIds.length) throw new ReassignToolError(`Replication factor: ${replicationFactor} larger than available brokers: ${brokerIds.length}.`);
  const n = brokerIds.length;
  const startIndex = Math.floor(random() * n);
  let nextReplicaShift = Math.floor(random() * n);
  const out = new Map<number, number[]>();
  for (let p = 0; p < partitions; p++) {
    if (p > 0 && p % n === 0) nextReplicaShift++;
    const first = (p + startIndex) % n;
    const replicas = [brokerIds[first]!];
    for (let j = 0; j < replicationFactor - 1; j++) {
      const shift = 1 + ((nextReplicaShift + j) % (n - 1));
      replicas.push(brokerIds[(first + shift) % n]!);
    }
    out.set(p, replicas);
  }
  return out;
}

/** What --verify learns of one partition (Kafka's PartitionReassignmentState). */
export interface ReassignmentState {
  tp: TopicPartition;
  currentReplicas: number[];
  targetReplicas: number[];
  done: boolean;
}

/** partitionReassignmentStatesToString. */
export function reassignmentStatusLines(states: readonly ReassignmentState[]): string[] {
  const lines = ['Status of partition reassignment:'];
  for (const s of [...states].sort((a, b) => compareTopicPartitions(a.tp, b.tp))) {
    if (!s.done) lines.push(`Reassignment of partition ${tpString(s.tp)} is still in progress.`);
    else if (s.currentReplicas.join(',') === s.targetReplicas.join(',')) lines.push(`Reassignment of partition ${tpString(s.tp)} is completed.`);
    else lines.push(`There is no active reassignment of partition ${tpString(s.tp)}, but replica set is ${s.currentReplicas.join(',')} rather than ${s.targetReplicas.join(',')}.`);
  }
  return lines;
}

/** curReassignmentsToString (--list). */
export function currentReassignmentLines(reassignments: readonly PartitionReassignment[]): string[] {
  if (reassignments.length === 0) return ['No partition reassignments found.'];
  return [
    'Current partition reassignments:',
    ...[...reassignments].sort(compareTopicPartitions).map(
      (r) =>
        `${tpString(r)}: replicas: ${r.replicas.join(',')}.` +
        (r.addingReplicas.length > 0 ? ` adding: ${r.addingReplicas.join(',')}.` : '') +
        (r.removingReplicas.length > 0 ? ` removing: ${r.removingReplicas.join(',')}.` : ''),
    ),
  ];
}

/** clearAllThrottles' two lines (kt sets no replication throttles, so there is nothing to delete). */
export function clearThrottleLines(brokers: Iterable<number>, topics: Iterable<string>): string[] {
  const b = [...new Set(brokers)].sort((x, y) => x - y);
  const t = [...new Set(topics)].sort();
  return [`Clearing broker-level throttles on broker${b.length === 1 ? '' : 's'} ${b.join(',')}`, `Clearing topic-level throttles on topic${t.length === 1 ? '' : 's'} ${t.join(',')}`];
}
