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
import { isActiveBroker } from './partition-leadership.js';
import { placeReplicas, ReplicaPlacementError, type UsableBroker } from './replica-placement.js';

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

/** Brokers that can take new replicas: registered, unfenced, not in controlled shutdown. */
export function usableBrokers(image: MetadataImage): UsableBroker[] {
  return [...image.brokers.values()].filter((b) => isActiveBroker(image, b.nodeId)).map((b) => ({ id: b.nodeId, rack: b.rack }));
}

/**
 * Decide one topic creation. `pendingNames` holds names created earlier in the same request;
 * `random` drives replica placement (replica-placement.ts).
 */
export function planCreateTopic(
  image: MetadataImage,
  req: TopicRequest,
  defaults: TopicDefaults,
  pendingNames: Set<string>,
  random: () => number = Math.random,
): PlannedTopic {
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
    const placed = place(image, partitions, rf, random);
    if ('errorCode' in placed) return planned(placed);
    assignments = placed.replicas;
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
  for (const [partitionId, replicas] of assignments.entries()) {
    const record = newPartitionRecord(image, topicId, partitionId, replicas);
    if ('errorCode' in record) return planned(record);
    records.push(record);
  }
  return { ...ok, topicId, numPartitions: assignments.length, replicationFactor: assignments[0].length, records };
}

function place(image: MetadataImage, partitions: number, rf: number, random: () => number, existing: number[][] = []): { replicas: number[][] } | Outcome {
  try {
    return { replicas: placeReplicas(usableBrokers(image), partitions, rf, random, existing) };
  } catch (err) {
    if (err instanceof ReplicaPlacementError) return fail(err.errorCode, `Unable to replicate the partition ${rf} time(s): ${err.message}`);
    throw err;
  }
}

/**
 * A new partition's record, as Kafka builds it: the ISR is the replicas that are active now, and the
 * first of them leads. A manual assignment naming only fenced (or shutting down) brokers is refused.
 */
function newPartitionRecord(image: MetadataImage, topicId: string, partitionId: number, replicas: number[]): MetadataRecord | Outcome {
  const isr = replicas.filter((r) => isActiveBroker(image, r));
  if (isr.length === 0) {
    return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `All brokers specified in the manual partition assignment for partition ${partitionId} are fenced or in controlled shutdown.`);
  }
  return partitionRecord(topicId, partitionId, replicas, isr);
}

export function partitionRecord(topicId: string, partitionId: number, replicas: number[], isr: number[] = replicas): MetadataRecord {
  return metadataRecord(RecordType.Partition, {
    partitionId,
    topicId,
    replicas,
    isr,
    removingReplicas: [],
    addingReplicas: [],
    leader: isr[0],
    leaderEpoch: 0,
    partitionEpoch: 0,
  });
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
  random: () => number = Math.random,
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
    const existing = [...topic.partitions.values()].sort((a, b) => a.partition - b.partition).map((p) => p.replicas);
    const placed = place(image, count - current, rf, random, existing);
    if ('errorCode' in placed) return { ...placed, records: [] };
    replicas = placed.replicas;
  }
  const records: MetadataRecord[] = [];
  for (const [i, r] of replicas.entries()) {
    const record = newPartitionRecord(image, topic.topicId, current + i, r);
    if ('errorCode' in record) return { ...record, records: [] };
    records.push(record);
  }
  return { ...ok, records };
}
