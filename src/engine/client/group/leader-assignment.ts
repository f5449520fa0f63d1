/**
 * The group leader's work between JoinGroup and SyncGroup: read every member's subscription, learn
 * the partition counts of every topic any member subscribes to, run the assignor the coordinator
 * chose, and encode one assignment per member — at the lowest subscription version in the group,
 * so every member (Java, librdkafka, kafkajs) can read what it gets.
 */
import { decodeSubscription, encodeAssignment } from '../../protocol/consumer-protocol.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { Cluster } from '../cluster.js';
import { kafkaError } from '../errors.js';
import { CLIENT_ASSIGNORS, type MemberSubscription } from './assignors.js';
import type { JoinedGroup } from './membership.js';

export interface LeaderAssignment {
  assignments: { memberId: string; assignment: Buffer }[];
  /** Every topic some member subscribes to, and the partition counts the assignment was made with. */
  topics: string[];
  /** A change in these (a topic created, partitions added) means the leader must rejoin. */
  partitionCounts: Map<string, number>;
}

export async function assignAsLeader(cluster: Cluster, joined: JoinedGroup): Promise<LeaderAssignment> {
  const assignor = CLIENT_ASSIGNORS[joined.protocolName];
  if (!assignor) throw kafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `The coordinator chose assignor ${joined.protocolName}, which kt does not implement.`);
  let version = 3;
  const members: MemberSubscription[] = joined.members.map((m) => {
    const sub = decodeSubscription(m.metadata);
    version = Math.min(version, Math.max(sub?.version ?? 0, 0));
    return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: sub?.topics ?? [] };
  });
  const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
  const partitionCounts = await partitionCountsOf(cluster, topics);
  const assigned = assignor(members, partitionCounts);
  return {
    assignments: members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(assigned.get(m.memberId) ?? [], version) })),
    topics,
    partitionCounts,
  };
}

/** Partition counts of the topics that exist (a subscribed topic not created yet gets nothing). */
export async function partitionCountsOf(cluster: Cluster, topics: readonly string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const snapshot = await cluster.refreshMetadata(topics);
  return new Map(snapshot.topics.filter((t) => t.errorCode === ErrorCode.NONE && t.partitions.length > 0).map((t) => [t.name, t.partitions.length]));
}

export function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([t, n]) => b.get(t) === n);
}
