/**
 * The classic protocol's client-side assignors: the group leader runs one over every member's
 * subscription. Their names are the JoinGroup protocol names Java's RangeAssignor ("range") and
 * RoundRobinAssignor ("roundrobin") use, so kt members share groups with Java and other clients.
 *
 * Members are ordered as Java's MemberInfo orders them: static members (group.instance.id) first,
 * by instance id, then dynamic members by member id — so a restarted static member lands on the
 * same partitions even though it comes back with a new member id.
 */
import { rangeAssign } from '../../coordinator/group/consumer/assignors.js';
import type { TopicPartitions } from '../../protocol/consumer-protocol.js';

export interface MemberSubscription {
  memberId: string;
  groupInstanceId: string | null;
  topics: readonly string[];
}

/** Member id -> its assignment. `partitionCounts` holds every topic some member subscribes to. */
export type ClientAssignor = (members: readonly MemberSubscription[], partitionCounts: ReadonlyMap<string, number>) => Map<string, TopicPartitions[]>;

const sortKey = (m: MemberSubscription): string => (m.groupInstanceId !== null ? `0${m.groupInstanceId}` : `1${m.memberId}`);

function byJavaOrder(members: readonly MemberSubscription[]): MemberSubscription[] {
  return [...members].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
}

function toWire(assigned: Map<string, Set<number>> | Map<string, number[]>): TopicPartitions[] {
  return [...assigned]
    .map(([topic, ps]) => ({ topic, partitions: [...ps].sort((x, y) => x - y) }))
    .filter((t) => t.partitions.length > 0)
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** Per topic, consecutive ranges to the subscribers in order; the first (partitions % members) get one more. */
export const rangeAssignor: ClientAssignor = (members, partitionCounts) => {
  // The coordinator's KIP-848 range assignor is the same algorithm over sorted ids: feed it sort keys.
  const byKey = new Map(members.map((m) => [sortKey(m), m]));
  const assigned = rangeAssign({
    members: [...byKey].map(([key, m]) => ({ memberId: key, subscribedTopicIds: new Set(m.topics), previous: new Map() })),
    topics: new Map([...partitionCounts].filter(([topic]) => members.some((m) => m.topics.includes(topic)))),
  });
  return new Map([...assigned].map(([key, a]) => [byKey.get(key)!.memberId, toWire(a)]));
};

/** Every partition of every subscribed topic, sorted, dealt in turn to the next member subscribed to its topic. */
export const roundRobinAssignor: ClientAssignor = (members, partitionCounts) => {
  const ordered = byJavaOrder(members);
  const out = new Map(ordered.map((m) => [m.memberId, new Map<string, number[]>()]));
  const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionCounts.has(t)).sort();
  let next = 0;
  for (const topic of topics) {
    for (let p = 0; p < partitionCounts.get(topic)!; p++) {
      while (!ordered[next % ordered.length]!.topics.includes(topic)) next++;
      const m = ordered[next++ % ordered.length]!;
      const mine = out.get(m.memberId)!;
      mine.set(topic, [...(mine.get(topic) ?? []), p]);
    }
  }
  return new Map([...out].map(([id, a]) => [id, toWire(a)]));
};

/** By JoinGroup protocol name; kafkajs's default assigner calls its round robin "RoundRobinAssigner". */
export const CLIENT_ASSIGNORS: Readonly<Record<string, ClientAssignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  RoundRobinAssigner: roundRobinAssignor,
};
