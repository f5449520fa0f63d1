/**
 * Consumer group administration, as Kafka's Admin does it: ListGroups goes to every broker (each
 * lists only the groups it coordinates); DescribeGroups, ConsumerGroupDescribe, DeleteGroups and
 * OffsetDelete go to each group's coordinator, found and retried through GroupCoordinators.
 * Per-group failures come back in the results, as Kafka's Admin returns one future per group.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment } from '../protocol/consumer-protocol.js';
import type { Cluster } from './cluster.js';
import type { GroupCoordinators } from './coordinator.js';
import { type KafkaError, UnsupportedVersionError, kafkaError } from './errors.js';
import { type TopicPartition, byTopic, tpKey } from './list-offsets.js';
import type { BrokerNode } from './metadata.js';
import { backoffMs, sleep } from './timing.js';

export interface GroupListing {
  groupId: string;
  /** "consumer" for consumer groups, "" for groups that only hold committed offsets, "connect", ... */
  protocolType: string;
  /** Null when the broker is older than ListGroups v4. */
  state: string | null;
  /** "classic" or "consumer"; null when the broker is older than ListGroups v5. */
  type: string | null;
}

export interface ListGroupsOptions {
  /** Only groups in these states (ListGroups v4+, matched case-insensitively by the broker). */
  states?: readonly string[];
  /** Only groups of these types, "classic" or "consumer" (ListGroups v5+). */
  types?: readonly string[];
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  assignment: TopicPartition[];
  /** KIP-848 groups only: what the assignor wants the member to own, and the member's epoch. */
  targetAssignment: TopicPartition[] | null;
  memberEpoch: number | null;
}

export interface GroupDescription {
  groupId: string;
  /** "classic" (JoinGroup/SyncGroup) or "consumer" (KIP-848, described by ConsumerGroupDescribe). */
  type: 'classic' | 'consumer';
  /** Kafka's state names: Empty, Stable, PreparingRebalance, ..., Dead for a group that does not exist. */
  state: string;
  protocolType: string;
  /** The chosen assignment strategy (classic) or server-side assignor (consumer); "" when none. */
  assignor: string;
  members: GroupMember[];
  coordinator: BrokerNode;
  groupEpoch: number | null;
  targetAssignmentEpoch: number | null;
  error: KafkaError | null;
}

export interface PartitionResult extends TopicPartition {
  error: KafkaError | null;
}

/** Errors a ListGroups answer may carry while a broker is still loading its groups. */
const LIST_RETRIABLE = new Set<number>([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

/** Every group on every broker, sorted by id. Throws the first broker-level error. */
export async function listGroups(cluster: Cluster, options: ListGroupsOptions = {}): Promise<GroupListing[]> {
  const states = options.states ?? [];
  const types = options.types ?? [];
  const snapshot = await cluster.refreshMetadata([]);
  const answers = await Promise.all(snapshot.brokers.map((b) => listGroupsAt(cluster, b.nodeId, states, types)));
  const byId = new Map<string, GroupListing>();
  for (const g of answers.flat()) byId.set(g.groupId, g);
  return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

async function listGroupsAt(cluster: Cluster, node: number, states: readonly string[], types: readonly string[]): Promise<GroupListing[]> {
  const deadline = Date.now() + cluster.requestTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    const { response, version } = await cluster.request(
      node,
      16,
      { statesFilter: states, typesFilter: types },
      // A filter an old broker cannot apply would silently list everything, so refuse instead.
      { minVersion: types.length > 0 ? 5 : states.length > 0 ? 4 : 0 },
    );
    const code: number = response.errorCode;
    if (code === ErrorCode.NONE) {
      return (response.groups as Message[]).map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        state: version >= 4 ? g.groupState : null,
        type: version >= 5 ? g.groupType : null,
      }));
    }
    if (!LIST_RETRIABLE.has(code) || Date.now() + backoffMs(attempt) >= deadline) throw kafkaError(code, null, `ListGroups at broker ${node}`);
    await sleep(backoffMs(attempt));
  }
}

/** Describe each group at its coordinator; the results are in the order asked. */
export function describeGroups(cluster: Cluster, coordinators: GroupCoordinators, groupIds: readonly string[]): Promise<GroupDescription[]> {
  return Promise.all(groupIds.map((groupId) => describeGroup(cluster, coordinators, groupId)));
}

/** The error of the one group a DescribeGroups or ConsumerGroupDescribe response describes. */
const firstGroupError = (r: Message): number => (r.groups as Message[])[0]?.errorCode ?? ErrorCode.NONE;

/** What both describe APIs say of a member, under the same names. */
const memberBasics = (m: Message) => ({ memberId: m.memberId as string, clientId: m.clientId as string, host: m.clientHost as string });

async function describeGroup(cluster: Cluster, coordinators: GroupCoordinators, groupId: string): Promise<GroupDescription> {
  const { response } = await coordinators.request(groupId, 15, { groups: [groupId], includeAuthorizedOperations: false }, firstGroupError);
  const g: Message = (response.groups as Message[])[0];
  const coordinator = coordinatorNode(cluster, await coordinators.lookup(groupId));
  const described: GroupDescription = {
    groupId,
    type: 'classic',
    state: g.groupState,
    protocolType: g.protocolType,
    assignor: g.protocolData,
    members: (g.members as Message[]).map((m) => ({
      ...memberBasics(m),
      groupInstanceId: m.groupInstanceId ?? null,
      assignment: assignmentOf(g.protocolType, m.memberAssignment),
      targetAssignment: null,
      memberEpoch: null,
    })),
    coordinator,
    groupEpoch: null,
    targetAssignmentEpoch: null,
    error: g.errorCode === ErrorCode.NONE ? null : kafkaError(g.errorCode, null, `Group ${groupId}`),
  };
  // A KIP-848 group also shows through DescribeGroups with the consumer protocol type; its epochs,
  // assignor and target assignments need ConsumerGroupDescribe.
  if (described.error || g.protocolType !== CONSUMER_PROTOCOL_TYPE || g.groupState === 'Dead') return described;
  return (await describeConsumerGroup(coordinators, groupId, coordinator)) ?? described;
}

/** ConsumerGroupDescribe, or undefined when the group is not a KIP-848 group (or the broker predates it). */
async function describeConsumerGroup(coordinators: GroupCoordinators, groupId: string, coordinator: BrokerNode): Promise<GroupDescription | undefined> {
  let response: Message;
  try {
    ({ response } = await coordinators.request(groupId, 69, { groupIds: [groupId], includeAuthorizedOperations: false }, firstGroupError));
  } catch (err) {
    if (err instanceof UnsupportedVersionError) return undefined;
    throw err;
  }
  const g: Message = (response.groups as Message[])[0];
  if (g.errorCode !== ErrorCode.NONE) return undefined;
  const partitionsOf = (a: Message): TopicPartition[] =>
    (a.topicPartitions as Message[]).flatMap((t) => (t.partitions as number[]).map((partition) => ({ topic: t.topicName as string, partition })));
  return {
    groupId,
    type: 'consumer',
    state: g.groupState,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    assignor: g.assignorName,
    members: (g.members as Message[]).map((m) => ({
      ...memberBasics(m),
      groupInstanceId: m.instanceId ?? null,
      assignment: partitionsOf(m.assignment),
      targetAssignment: partitionsOf(m.targetAssignment),
      memberEpoch: m.memberEpoch,
    })),
    coordinator,
    groupEpoch: g.groupEpoch,
    targetAssignmentEpoch: g.assignmentEpoch,
    error: null,
  };
}

/** A member's assignment; only the consumer protocol's format is known (Kafka's Admin does the same). */
function assignmentOf(protocolType: string, bytes: Buffer | null): TopicPartition[] {
  if (protocolType !== CONSUMER_PROTOCOL_TYPE || !bytes || bytes.length === 0) return [];
  return (decodeAssignment(bytes) ?? []).flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

function coordinatorNode(cluster: Cluster, nodeId: number): BrokerNode {
  return cluster.brokers.get(nodeId) ?? { nodeId, host: '', port: -1, rack: null };
}

/** Delete groups (and their committed offsets); an error per group that could not go. */
export async function deleteGroups(coordinators: GroupCoordinators, groupIds: readonly string[]): Promise<Map<string, KafkaError | null>> {
  const errorOf = (r: Message): number => (r.results as Message[])[0]?.errorCode ?? ErrorCode.NONE;
  const results = await Promise.all(
    groupIds.map(async (groupId): Promise<[string, KafkaError | null]> => {
      const { response } = await coordinators.request(groupId, 42, { groupsNames: [groupId] }, errorOf);
      const code = errorOf(response);
      return [groupId, code === ErrorCode.NONE ? null : kafkaError(code)];
    }),
  );
  return new Map(results);
}

/**
 * Delete a group's committed offsets of some partitions (OffsetDelete). A group-level error applies
 * to every partition, as in Kafka's Admin; `error` is that or else the first partition error.
 */
export async function deleteOffsets(
  coordinators: GroupCoordinators,
  groupId: string,
  partitions: readonly TopicPartition[],
): Promise<{ error: KafkaError | null; partitions: PartitionResult[] }> {
  const { response } = await coordinators.request(
    groupId,
    47,
    { groupId, topics: [...byTopic(partitions)].map(([name, tps]) => ({ name, partitions: tps.map((tp) => ({ partitionIndex: tp.partition })) })) },
    (r) => r.errorCode,
  );
  if (response.errorCode !== ErrorCode.NONE) {
    const error = kafkaError(response.errorCode);
    return { error, partitions: partitions.map((tp) => ({ ...tp, error })) };
  }
  const answered = new Map<string, number>();
  for (const t of response.topics as Message[]) {
    for (const p of t.partitions as Message[]) answered.set(tpKey(t.name, p.partitionIndex), p.errorCode);
  }
  const results = partitions.map((tp) => {
    const code = answered.get(tpKey(tp.topic, tp.partition)) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return { ...tp, error: code === ErrorCode.NONE ? null : kafkaError(code) };
  });
  return { error: results.find((r) => r.error)?.error ?? null, partitions: results };
}
