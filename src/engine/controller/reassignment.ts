/**
 * Partition reassignment on the active controller: Kafka's ReplicationControlManager
 * alterPartitionReassignments / listPartitionReassignments with PartitionReassignmentReplicas and
 * PartitionReassignmentRevert.
 *
 * A reassignment goes in three steps:
 * 1. AlterPartitionReassignments with target replicas commits a PartitionChangeRecord with
 *    replicas = target followed by the replicas being removed, addingReplicas = target - current
 *    and removingReplicas = current - target (both sorted). Brokers named in addingReplicas create
 *    the replica and start fetching from the leader.
 * 2. The leader adds each new replica to its ISR (AlterPartition) once it has caught up.
 * 3. The ISR change that leaves every target replica in the ISR completes it in the same record
 *    (partition-change.ts): replicas := target, the removed replicas leave the ISR, adding/removing
 *    are cleared, a new leader is elected if the old one was removed, and the leader epoch is bumped.
 * A reassignment that only reorders replicas (or removes ones out of sync) completes at once.
 *
 * A null target cancels a reassignment in progress (NO_REASSIGNMENT_IN_PROGRESS otherwise): the
 * adding replicas leave the replicas and the ISR; if that empties the ISR, the first original
 * replica is put in it — an unclean election, refused with INVALID_REPLICA_ASSIGNMENT unless the
 * topic allows unclean elections.
 */
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Planned } from './cluster-control.js';
import type { MetadataRecord } from './metadata-serde.js';
import { buildPartitionChange, isReassigning } from './partition-change.js';
import { isActiveBroker, type ElectionPolicy } from './partition-leadership.js';
import { reassigningPartitions } from './replication-control.js';

class ReassignmentError extends Error {
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

const sortedDifference = (a: number[], b: number[]) => a.filter((x) => !b.includes(x)).sort((x, y) => x - y);

/** Kafka's PartitionReassignmentReplicas(current, target). */
export function reassignmentReplicas(current: number[], target: number[]): { replicas: number[]; adding: number[]; removing: number[] } {
  const removing = sortedDifference(current, target);
  return { replicas: [...target, ...removing], adding: sortedDifference(target, current), removing };
}

export function planAlterPartitionReassignments(image: MetadataImage, request: Message, policy: ElectionPolicy): Planned<Message> {
  const records: MetadataRecord[] = [];
  const responses = (request.topics as Message[]).map((t) => ({
    name: t.name,
    partitions: (t.partitions as Message[]).map((p) => {
      try {
        const record = alterOne(image, t.name, p.partitionIndex, p.replicas, policy);
        if (record) records.push(record);
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
      } catch (err) {
        if (!(err instanceof ReassignmentError)) throw err;
        return { partitionIndex: p.partitionIndex, errorCode: err.errorCode, errorMessage: err.message };
      }
    }),
  }));
  return { records, reply: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses } };
}

function alterOne(image: MetadataImage, name: string, index: number, target: number[] | null, policy: ElectionPolicy): MetadataRecord | undefined {
  const topic = image.topic(name);
  if (!topic) throw new ReassignmentError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find a topic named ${name}.`);
  const part = topic.partitions.get(index);
  if (!part) throw new ReassignmentError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Unable to find partition ${name}:${index}.`);
  return (target === null ? cancel(image, topic, part, policy) : change(image, topic, part, target)).record;
}

function change(image: MetadataImage, topic: TopicImage, part: PartitionState, target: number[]) {
  validateAssignment(image, target);
  const next = reassignmentReplicas(part.replicas, target);
  // Unlike Kafka, an empty adding/removing is written as such: a new target replaces the one in progress entirely.
  return buildPartitionChange(topic.topicId, part, {
    replicas: next.replicas,
    adding: next.adding,
    removing: next.removing,
    isAcceptableLeader: (r) => isActiveBroker(image, r),
  });
}

function cancel(image: MetadataImage, topic: TopicImage, part: PartitionState, policy: ElectionPolicy) {
  if (!isReassigning(part)) throw new ReassignmentError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.');
  const replicas = part.replicas.filter((r) => !part.addingReplicas.includes(r));
  let isr = part.isr.filter((r) => !part.addingReplicas.includes(r));
  const unclean = isr.length === 0;
  if (unclean) {
    if (replicas.length === 0) throw new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Invalid replica assignment: addingReplicas contains all replicas.');
    if (!policy.uncleanEnabled(topic)) {
      throw new ReassignmentError(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Unable to revert partition assignment for ${topic.name}:${part.partition} because it would require an unclean leader election.`,
      );
    }
    isr = [replicas[0]!];
  }
  const built = buildPartitionChange(topic.topicId, part, {
    replicas,
    isr,
    adding: [],
    removing: [],
    election: policy.uncleanEnabled(topic) ? 'UNCLEAN' : 'ONLINE',
    isAcceptableLeader: (r) => isActiveBroker(image, r),
  });
  if (unclean && built.record) policy.onUncleanElection?.(topic, part.partition, built.after.leader);
  return built;
}

/** Kafka's validateManualPartitionAssignment: not empty, every broker registered, none twice. */
function validateAssignment(image: MetadataImage, replicas: number[]): void {
  if (replicas.length === 0) throw new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manual partition assignment includes an empty replica list.');
  const sorted = [...replicas].sort((a, b) => a - b);
  sorted.forEach((id, i) => {
    if (!image.brokers.has(id)) {
      throw new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${id}, but no such broker is registered.`);
    }
    if (i > 0 && sorted[i - 1] === id) throw new ReassignmentError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes the broker ${id} more than once.`);
  });
}

/** ListPartitionReassignments: the given partitions (all when topics is null) that are being reassigned. */
export function listPartitionReassignments(image: MetadataImage, request: Message): Message {
  const describe = (p: PartitionState) => ({ partitionIndex: p.partition, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas });
  const topics: Message[] = [];
  if (request.topics === null) {
    for (const topic of [...image.topicsByName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const partitions = reassigningPartitions(topic).map(describe);
      if (partitions.length > 0) topics.push({ name: topic.name, partitions });
    }
  } else {
    for (const t of request.topics as Message[]) {
      const topic = image.topic(t.name);
      if (!topic) continue;
      const partitions = (t.partitionIndexes as number[])
        .map((i) => topic.partitions.get(i))
        .filter((p): p is PartitionState => p !== undefined && isReassigning(p))
        .map(describe);
      if (partitions.length > 0) topics.push({ name: topic.name, partitions });
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
}
