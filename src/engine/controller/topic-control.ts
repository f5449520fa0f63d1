/**
 * Topic lifecycle decisions: validate a CreateTopics / DeleteTopics / CreatePartitions request
 * against the current image and turn it into the metadata records that carry it out. Nothing here
 * writes; the controller appends the records and replays them into the image.
 */
import { ErrorCode } from '../protocol/errors.js';
import { LogConfigError, parseLogConfig } from '../log/log-config.js';
import type { MetadataImage, TopicImage } from '../metadata/image.js';
import { RecordType, ConfigResourceType } from '../metadata/record-types.js';
import { topicNameProblem } from '../metadata/topic-names.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';
import { randomUuid } from '../metadata/meta-properties.js';

export interface TopicRequest {
  name: string;
  /** -1: num.partitions */
  numPartitions: number;
  /** -1: default.replication.factor */
  replicationFactor: number;
  /** Manual replica assignment; when given, numPartitions and replicationFactor must be -1. */
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

const ok: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };
const fail = (errorCode: number, errorMessage: string): Outcome => ({ errorCode, errorMessage });

export interface TopicDefaults {
  numPartitions: number;
  replicationFactor: number;
}

export interface PlannedTopic extends Outcome {
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  records: MetadataRecord[];
}

/** Decide one topic creation. `pendingNames` holds names created earlier in the same request. */
export function planCreateTopic(image: MetadataImage, req: TopicRequest, defaults: TopicDefaults, pendingNames: Set<string>): PlannedTopic {
  const planned = (o: Outcome): PlannedTopic => ({ ...o, topicId: '', numPartitions: -1, replicationFactor: -1, records: [] });
  const problem = topicNameProblem(req.name);
  if (problem) return planned(fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem));
  if (image.topic(req.name) || pendingNames.has(req.name)) {
    return planned(fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${req.name}' already exists.`));
  }
  const collision = [...image.topicsByName.keys()].find((t) => t !== req.name && t.replace(/\./g, '_') === req.name.replace(/\./g, '_'));
  if (collision) {
    return planned(fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${req.name}' collides with existing topic: ${collision}`));
  }

  const live = image.liveBrokers().map((b) => b.nodeId);
  let assignments: number[][];
  if (req.assignments.length > 0) {
    if (req.numPartitions !== -1 || req.replicationFactor !== -1) {
      return planned(fail(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.'));
    }
    const checked = checkAssignments(req.assignments, image);
    if ('errorCode' in checked) return planned(checked);
    assignments = checked.replicas;
  } else {
    const partitions = req.numPartitions === -1 ? defaults.numPartitions : req.numPartitions;
    const rf = req.replicationFactor === -1 ? defaults.replicationFactor : req.replicationFactor;
    if (partitions <= 0) return planned(fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.'));
    if (rf <= 0) return planned(fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.'));
    if (rf > live.length) {
      return planned(fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${live.length} broker(s) are registered.`));
    }
    assignments = assignReplicas(live, partitions, rf, 0);
  }

  const configs = new Map<string, string>();
  for (const c of req.configs) {
    if (c.value === null) return planned(fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`));
    configs.set(c.name, c.value);
  }
  try {
    parseLogConfig(configs);
  } catch (err) {
    if (err instanceof LogConfigError) return planned(fail(ErrorCode.INVALID_CONFIG, err.message));
    throw err;
  }

  const topicId = randomUuid();
  const records = [metadataRecord(RecordType.Topic, { name: req.name, topicId })];
  for (const [name, value] of configs) {
    records.push(metadataRecord(RecordType.Config, { resourceType: ConfigResourceType.Topic, resourceName: req.name, name, value }));
  }
  assignments.forEach((replicas, partitionId) => records.push(partitionRecord(topicId, partitionId, replicas)));
  return { ...ok, topicId, numPartitions: assignments.length, replicationFactor: assignments[0].length, records };
}

export function partitionRecord(topicId: string, partitionId: number, replicas: number[]): MetadataRecord {
  return metadataRecord(RecordType.Partition, {
    partitionId,
    topicId,
    replicas,
    isr: replicas,
    removingReplicas: [],
    addingReplicas: [],
    leader: replicas[0],
    leaderEpoch: 0,
    partitionEpoch: 0,
  });
}

/** Kafka's rack-unaware placement: replicas round-robin over live brokers, leaders spread evenly. */
export function assignReplicas(brokers: number[], partitions: number, rf: number, startPartition: number): number[][] {
  const out: number[][] = [];
  const n = brokers.length;
  for (let p = startPartition; p < startPartition + partitions; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < rf; r++) replicas.push(brokers[(p + r) % n]);
    out.push(replicas);
  }
  return out;
}

function checkAssignments(
  assignments: { partitionIndex: number; brokerIds: number[] }[],
  image: MetadataImage,
  firstPartition = 0,
): { replicas: number[][] } | Outcome {
  const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  const rf = sorted[0].brokerIds.length;
  const replicas: number[][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (a.partitionIndex !== firstPartition + i) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Partitions should be consecutive and start from 0.');
    }
    if (a.brokerIds.length === 0 || a.brokerIds.length !== rf) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'All partitions should have the same number of replicas.');
    }
    if (new Set(a.brokerIds).size !== a.brokerIds.length) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Duplicate brokers not allowed in replica assignment: ${a.brokerIds.join(', ')} for partition id ${a.partitionIndex}.`);
    }
    const unknown = a.brokerIds.filter((b) => !image.brokers.has(b));
    if (unknown.length > 0) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Some brokers in the assignment are not registered: ${unknown.join(', ')}`);
    }
    replicas.push(a.brokerIds);
  }
  return { replicas };
}

export function planDeleteTopic(topic: TopicImage | undefined, what: string): Outcome & { records: MetadataRecord[] } {
  if (!topic) return { ...fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition: ${what}`), records: [] };
  return { ...ok, records: [metadataRecord(RecordType.RemoveTopic, { topicId: topic.topicId })] };
}

export function planCreatePartitions(
  image: MetadataImage,
  name: string,
  count: number,
  assignments: { brokerIds: number[] }[] | null,
): Outcome & { records: MetadataRecord[] } {
  const topic = image.topic(name);
  if (!topic) return { ...fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`), records: [] };
  const current = topic.partitions.size;
  if (count < current) {
    return { ...fail(ErrorCode.INVALID_PARTITIONS, `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`), records: [] };
  }
  if (count === current) {
    return { ...fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`), records: [] };
  }
  const rf = topic.partitions.get(0)?.replicas.length ?? 1;
  let replicas: number[][];
  if (assignments) {
    if (assignments.length !== count - current) {
      return { ...fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`), records: [] };
    }
    const checked = checkAssignments(assignments.map((a, i) => ({ partitionIndex: current + i, brokerIds: a.brokerIds })), image, current);
    if ('errorCode' in checked) return { ...checked, records: [] };
    replicas = checked.replicas;
  } else {
    const live = image.liveBrokers().map((b) => b.nodeId);
    if (rf > live.length) {
      return { ...fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): only ${live.length} broker(s) are registered.`), records: [] };
    }
    replicas = assignReplicas(live, count - current, rf, current);
  }
  return { ...ok, records: replicas.map((r, i) => partitionRecord(topic.topicId, current + i, r)) };
}
