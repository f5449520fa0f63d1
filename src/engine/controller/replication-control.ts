/**
 * The ISR and leader elections on request, on the active controller: the AlterPartition and
 * ElectLeaders halves of Kafka's ReplicationControlManager. Like topic-control, nothing here
 * writes: each returns the PartitionChangeRecords (partition-change.ts) and the response body.
 *
 * AlterPartition (a partition leader changing its ISR), checked in Kafka's order:
 * - the sender's broker epoch must be its registration's: else top-level STALE_BROKER_EPOCH;
 * - an unknown topic: UNKNOWN_TOPIC_ID (v2+, by id) / UNKNOWN_TOPIC_OR_PARTITION (v0-1, by name);
 *   an unknown partition: UNKNOWN_TOPIC_OR_PARTITION;
 * - a leader or partition epoch newer than the controller's: NOT_CONTROLLER (this controller is
 *   behind, the sender should find the new one); an older leader epoch: FENCED_LEADER_EPOCH; a
 *   sender that is not the leader: INVALID_REQUEST; an older partition epoch: INVALID_UPDATE_VERSION;
 * - an ISR member that is not a replica, a duplicate, or an ISR without the leader: INVALID_REQUEST;
 *   a member not registered, fenced, in controlled shutdown or with another broker epoch (v3):
 *   INELIGIBLE_REPLICA (OPERATION_NOT_ATTEMPTED before v2);
 * - else the new ISR is committed (completing a reassignment whose adding replicas are all in it)
 *   and the answer carries the partition after the change: leader, leader epoch, ISR, partition
 *   epoch. When completing a reassignment moved leadership away from the sender, the record is
 *   still committed but the answer is NEW_LEADER_ELECTED (FENCED_LEADER_EPOCH before v2).
 *
 * ElectLeaders: PREFERRED (0) makes the first replica leader when it is in the ISR and active
 * (ELECTION_NOT_NEEDED when it leads already, PREFERRED_LEADER_NOT_AVAILABLE when it cannot);
 * UNCLEAN (1) elects for a leaderless partition from the ISR, else any live replica
 * (ELECTION_NOT_NEEDED when it has a leader, ELIGIBLE_LEADERS_NOT_AVAILABLE when none is live).
 * No partitions named (null) = every partition, leaving out those that needed no election.
 */
import type { Logger } from '../logger.js';
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Planned } from './cluster-control.js';
import type { MetadataRecord } from './metadata-serde.js';
import { buildPartitionChange, isReassigning, NO_LEADER_CHANGE } from './partition-change.js';
import { isActiveBroker, type ElectionPolicy } from './partition-leadership.js';

const UNCLEAN_KEY = 'unclean.leader.election.enable';

/** The static broker config the controller reads (BrokerConfig fits). */
export interface ReplicationConfigSource {
  bool(name: string): boolean;
  int(name: string): number;
}

/**
 * unclean.leader.election.enable for a topic as Kafka's ConfigurationControlManager resolves it:
 * the topic's config, then the controller node's dynamic broker config, the cluster-wide dynamic
 * default, and last the static config.
 */
export function uncleanLeaderElectionEnabled(image: MetadataImage, nodeId: number, topic: TopicImage, staticDefault: boolean): boolean {
  const raw = topic.configs.get(UNCLEAN_KEY) ?? image.brokerConfigs.get(`${nodeId}:${UNCLEAN_KEY}`) ?? image.brokerConfigs.get(UNCLEAN_KEY);
  return raw === undefined ? staticDefault : raw.trim().toLowerCase() === 'true';
}

/** The controller's election policy: configs as above, each unclean election logged as a warning, as Kafka logs it. */
export function electionPolicy(image: MetadataImage, nodeId: number, config: ReplicationConfigSource | undefined, logger: Logger): ElectionPolicy {
  return {
    uncleanEnabled: (topic) => uncleanLeaderElectionEnabled(image, nodeId, topic, config?.bool(UNCLEAN_KEY) ?? false),
    onUncleanElection: (topic, partition, leader) =>
      logger.warn(`unclean leader election for ${topic.name}-${partition}: broker ${leader} leads from outside the ISR; records only the old ISR had may be lost`),
  };
}

/** Kafka's default messages, which its tools print (kafka-leader-election.sh). */
const MESSAGES: Partial<Record<number, string>> = {
  [ErrorCode.ELECTION_NOT_NEEDED]: 'Leader election not needed for topic partition.',
  [ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE]: 'The preferred leader was not available.',
  [ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE]: 'Eligible topic partition leaders are not available.',
};

export function planAlterPartition(image: MetadataImage, request: Message, version: number, policy: ElectionPolicy): Planned<Message> {
  const sender = image.brokers.get(request.brokerId);
  if (!sender || (sender.brokerEpoch ?? -1) !== request.brokerEpoch) {
    return { records: [], reply: { throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, topics: [] } };
  }
  const records: MetadataRecord[] = [];
  const topics = (request.topics as Message[]).map((t) => {
    const topic = version >= 2 ? image.topicsById.get(t.topicId) : image.topic(t.topicName);
    const answer = (p: Message, errorCode: number, state?: PartitionState) => ({
      partitionIndex: p.partitionIndex,
      errorCode,
      leaderId: state?.leader ?? -1,
      leaderEpoch: state?.leaderEpoch ?? -1,
      isr: state?.isr ?? [],
      leaderRecoveryState: 0,
      partitionEpoch: state?.partitionEpoch ?? -1,
    });
    const partitions = (t.partitions as Message[]).map((p) => {
      if (!topic) return answer(p, version >= 2 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const partition = topic.partitions.get(p.partitionIndex);
      const isrWithEpochs: { brokerId: number; brokerEpoch: number }[] =
        version >= 3 ? p.newIsrWithEpochs : (p.newIsr as number[]).map((brokerId) => ({ brokerId, brokerEpoch: -1 }));
      const error = validate(image, request.brokerId, partition, p, isrWithEpochs, version);
      if (error !== ErrorCode.NONE) return answer(p, error);
      const change = buildPartitionChange(topic.topicId, partition!, {
        isr: isrWithEpochs.map((b) => b.brokerId),
        election: policy.uncleanEnabled(topic) ? 'UNCLEAN' : 'ONLINE',
        isAcceptableLeader: (r) => isActiveBroker(image, r),
      });
      if (!change.record) return answer(p, ErrorCode.NONE, partition);
      records.push(change.record);
      const leader = change.record.data.leader as number;
      // Completing a reassignment may move leadership off the sender: committed, but it must refetch metadata.
      if (leader !== NO_LEADER_CHANGE && leader !== request.brokerId) return answer(p, version >= 2 ? ErrorCode.NEW_LEADER_ELECTED : ErrorCode.FENCED_LEADER_EPOCH);
      return answer(p, ErrorCode.NONE, change.after);
    });
    return { topicName: t.topicName, topicId: t.topicId, partitions };
  });
  return { records, reply: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics } };
}

function validate(
  image: MetadataImage,
  brokerId: number,
  partition: PartitionState | undefined,
  p: Message,
  newIsr: { brokerId: number; brokerEpoch: number }[],
  version: number,
): number {
  if (!partition) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (p.leaderEpoch > partition.leaderEpoch || p.partitionEpoch > partition.partitionEpoch) return ErrorCode.NOT_CONTROLLER;
  if (p.leaderEpoch < partition.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (brokerId !== partition.leader) return ErrorCode.INVALID_REQUEST;
  if (p.partitionEpoch < partition.partitionEpoch) return ErrorCode.INVALID_UPDATE_VERSION;
  const ids = newIsr.map((b) => b.brokerId);
  if (ids.some((r, i) => r < 0 || !partition.replicas.includes(r) || ids.indexOf(r) !== i)) return ErrorCode.INVALID_REQUEST;
  if (!ids.includes(partition.leader)) return ErrorCode.INVALID_REQUEST;
  // RECOVERING (1) with more than one member, or back from RECOVERED: Kafka refuses both; kt never marks RECOVERING.
  if (version >= 1 && p.leaderRecoveryState === 1) return ErrorCode.INVALID_REQUEST;
  const ineligible = newIsr.some((b) => {
    const reg = image.brokers.get(b.brokerId);
    return !reg || reg.fenced || reg.inControlledShutdown || (b.brokerEpoch !== -1 && (reg.brokerEpoch ?? -1) !== b.brokerEpoch);
  });
  if (ineligible) return version >= 2 ? ErrorCode.INELIGIBLE_REPLICA : ErrorCode.OPERATION_NOT_ATTEMPTED;
  return ErrorCode.NONE;
}

export function planElectLeaders(image: MetadataImage, request: Message, policy: ElectionPolicy): Planned<Message> {
  const type = request.electionType ?? 0;
  if (type !== 0 && type !== 1) {
    return { records: [], reply: { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] } };
  }
  const records: MetadataRecord[] = [];
  const elect = (name: string, partitionId: number): { errorCode: number; errorMessage: string | null } => {
    const topic = image.topic(name);
    if (!topic) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${name}` };
    const partition = topic.partitions.get(partitionId);
    if (!partition) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${name}-${partitionId}` };
    const needed = type === 0 ? partition.leader !== partition.replicas[0] : partition.leader < 0;
    if (!needed) return fail(ErrorCode.ELECTION_NOT_NEEDED);
    const change = buildPartitionChange(topic.topicId, partition, { election: type === 0 ? 'PREFERRED' : 'UNCLEAN', isAcceptableLeader: (r) => isActiveBroker(image, r) });
    if (!change.record) return fail(type === 0 ? ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE : ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
    if (change.unclean) policy.onUncleanElection?.(topic, partitionId, change.after.leader);
    records.push(change.record);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  };
  const results: Message[] = [];
  if (request.topicPartitions === null) {
    for (const topic of [...image.topicsByName.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const partitionResult = [...topic.partitions.keys()]
        .sort((a, b) => a - b)
        .map((partitionId) => ({ partitionId, ...elect(topic.name, partitionId) }))
        .filter((r) => r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED);
      results.push({ topic: topic.name, partitionResult });
    }
  } else {
    for (const t of request.topicPartitions as Message[]) {
      results.push({ topic: t.topic, partitionResult: (t.partitions as number[]).map((partitionId) => ({ partitionId, ...elect(t.topic, partitionId) })) });
    }
  }
  return { records, reply: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults: results } };
}

function fail(errorCode: number): { errorCode: number; errorMessage: string | null } {
  return { errorCode, errorMessage: MESSAGES[errorCode] ?? null };
}

/** Reassignments in progress, for ListPartitionReassignments and tests. */
export function reassigningPartitions(topic: TopicImage): PartitionState[] {
  return [...topic.partitions.values()].filter(isReassigning).sort((a, b) => a.partition - b.partition);
}
