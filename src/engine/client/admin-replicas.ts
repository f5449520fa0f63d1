/**
 * The admin side of replica placement, as Kafka's Admin does it for kafka-leader-election.sh and
 * kafka-reassign-partitions.sh: ElectLeaders (43), AlterPartitionReassignments (45) and
 * ListPartitionReassignments (46). Like createTopics they go to the "controller" Kafka's Metadata
 * names, which in KRaft is any broker: it forwards them to the active controller.
 *
 * Per-partition outcomes come back as KafkaErrors (null for success), as Kafka's Admin returns one
 * future per partition; a top-level error fails every partition of the request, except retriable
 * ones (NOT_CONTROLLER while the quorum elects), which are retried until the timeout as Kafka's
 * admin retries them.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Cluster } from './cluster.js';
import { type KafkaError, isRetriable, kafkaError } from './errors.js';
import type { TopicPartition } from './list-offsets.js';
import { backoffMs, sleep } from './timing.js';

/** Kafka's ElectionType: the int8 ElectLeaders v1 carries. */
export enum ElectionType {
  PREFERRED = 0,
  UNCLEAN = 1,
}

export interface PartitionResult {
  topic: string;
  partition: number;
  /** null: done (or, for an election, a new leader elected). */
  error: KafkaError | null;
}

/** Kafka's PartitionReassignment: replicas is the full current set, adding and removing included. */
export interface PartitionReassignment {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface ReplicaAdminOptions {
  /** The broker-side wait (the requests' TimeoutMs; Kafka's default 60 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** "topic-partition", Kafka's TopicPartition.toString(). */
export const tpString = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** Sort order of Kafka's tools: topic name, then partition. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

function byTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of partitions) out.set(p.topic, [...(out.get(p.topic) ?? []), p.partition]);
  return out;
}

/**
 * Send `body` to the controller-forwarding broker, retrying a retriable top-level error (and a
 * response that is one) until the timeout. Returns the response once its top-level error is
 * final, NONE or not.
 */
async function controllerRequest(cluster: Cluster, apiKey: 43 | 45 | 46, body: (version: number) => Message, timeoutMs: number): Promise<Message> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const { response } = await cluster.request('controller', apiKey, body, { timeoutMs: timeoutMs + 5_000 });
    const code: number = response.errorCode ?? ErrorCode.NONE;
    if (code === ErrorCode.NONE || !isRetriable(code) || Date.now() + backoffMs(attempt) >= deadline) return response;
    await sleep(backoffMs(attempt));
    // NOT_CONTROLLER: the metadata's controller may have changed.
    if (code === ErrorCode.NOT_CONTROLLER) await cluster.refreshMetadata([]).catch(() => undefined);
  }
}

/**
 * Elect leaders of `partitions` (null: every partition, as --all-topic-partitions asks). Partitions
 * whose leader is already the right one answer ELECTION_NOT_NEEDED (Kafka's "Valid replica already
 * elected"); with null the controller leaves those out.
 */
export async function electLeaders(
  cluster: Cluster,
  electionType: ElectionType,
  partitions: readonly TopicPartition[] | null,
  options: ReplicaAdminOptions = {},
): Promise<PartitionResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const topicPartitions = partitions === null ? null : [...byTopic(partitions)].map(([topic, ps]) => ({ topic, partitions: ps }));
  const response = await controllerRequest(cluster, 43, () => ({ electionType, topicPartitions, timeoutMs }), timeoutMs);
  // v0 has no top-level error; v1+ fails the whole call with it, as Kafka's admin does.
  if ((response.errorCode ?? 0) !== ErrorCode.NONE) throw kafkaError(response.errorCode, null);
  const out: PartitionResult[] = [];
  for (const t of response.replicaElectionResults as Message[]) {
    for (const p of t.partitionResult as Message[]) {
      out.push({ topic: t.topic, partition: p.partitionId, error: p.errorCode === ErrorCode.NONE ? null : kafkaError(p.errorCode, p.errorMessage) });
    }
  }
  // A partition asked for but not answered is an error of Kafka's admin too.
  if (partitions !== null) {
    for (const tp of partitions) {
      if (!out.some((r) => r.topic === tp.topic && r.partition === tp.partition)) {
        out.push({ ...tp, error: kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'The controller response did not contain a result for this partition') });
      }
    }
  }
  return out.sort(compareTopicPartitions);
}

/**
 * Start (replicas: a broker list) or cancel (replicas: null) reassignments. A top-level error is
 * every partition's error.
 */
export async function alterPartitionReassignments(
  cluster: Cluster,
  reassignments: readonly { topic: string; partition: number; replicas: number[] | null }[],
  options: ReplicaAdminOptions = {},
): Promise<PartitionResult[]> {
  if (reassignments.length === 0) return [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const topics = new Map<string, Message[]>();
  for (const r of reassignments) topics.set(r.topic, [...(topics.get(r.topic) ?? []), { partitionIndex: r.partition, replicas: r.replicas }]);
  const response = await controllerRequest(cluster, 45, () => ({ timeoutMs, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) }), timeoutMs);
  if (response.errorCode !== ErrorCode.NONE) {
    const error = kafkaError(response.errorCode, response.errorMessage);
    return reassignments.map((r) => ({ topic: r.topic, partition: r.partition, error })).sort(compareTopicPartitions);
  }
  const out: PartitionResult[] = [];
  for (const t of response.responses as Message[]) {
    for (const p of t.partitions as Message[]) {
      out.push({ topic: t.name, partition: p.partitionIndex, error: p.errorCode === ErrorCode.NONE ? null : kafkaError(p.errorCode, p.errorMessage) });
    }
  }
  for (const r of reassignments) {
    if (!out.some((o) => o.topic === r.topic && o.partition === r.partition)) {
      out.push({ topic: r.topic, partition: r.partition, error: kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'The controller response did not contain a result for this partition') });
    }
  }
  return out.sort(compareTopicPartitions);
}

/** Ongoing reassignments of `partitions` (null: all of them), sorted by topic and partition. */
export async function listPartitionReassignments(
  cluster: Cluster,
  partitions: readonly TopicPartition[] | null = null,
  options: ReplicaAdminOptions = {},
): Promise<PartitionReassignment[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
  const response = await controllerRequest(cluster, 46, () => ({ timeoutMs, topics }), timeoutMs);
  if (response.errorCode !== ErrorCode.NONE) throw kafkaError(response.errorCode, response.errorMessage);
  const out: PartitionReassignment[] = [];
  for (const t of response.topics as Message[]) {
    for (const p of t.partitions as Message[]) {
      out.push({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas });
    }
  }
  return out.sort(compareTopicPartitions);
}
