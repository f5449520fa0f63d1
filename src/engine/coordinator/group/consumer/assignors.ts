/**
 * The server-side assignors of KIP-848 groups. Both see each member's subscribed topics (by id) and
 * its previous target assignment, and return a target assignment for every member.
 *
 * - uniform: spreads all subscribed partitions so member loads differ by at most one among members
 *   able to take them, keeping each partition with its previous owner where balance allows (sticky).
 * - range: per topic, the subscribed members sorted by member id get consecutive ranges, the first
 *   (partitions % members) one partition more, like the classic RangeAssignor.
 */
import { type Assignment, emptyAssignment } from './assignment.js';

export interface AssignorMember {
  memberId: string;
  subscribedTopicIds: ReadonlySet<string>;
  previous: Assignment;
}

export interface AssignmentInput {
  members: AssignorMember[];
  /** topic id -> partition count, for every topic some member subscribes to. */
  topics: ReadonlyMap<string, number>;
}

export type Assignor = (input: AssignmentInput) => Map<string, Assignment>;

export const ASSIGNORS: Readonly<Record<string, Assignor>> = { uniform: uniformAssign, range: rangeAssign };

function add(a: Assignment, topicId: string, partition: number): void {
  let set = a.get(topicId);
  if (!set) a.set(topicId, (set = new Set()));
  set.add(partition);
}

export function rangeAssign({ members, topics }: AssignmentInput): Map<string, Assignment> {
  const out = new Map(members.map((m) => [m.memberId, emptyAssignment()]));
  for (const [topicId, count] of topics) {
    const subscribers = members.filter((m) => m.subscribedTopicIds.has(topicId)).sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
    if (subscribers.length === 0) continue;
    const per = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    subscribers.forEach((m, i) => {
      const start = i * per + Math.min(i, extra);
      const length = per + (i < extra ? 1 : 0);
      for (let p = start; p < start + length; p++) add(out.get(m.memberId)!, topicId, p);
    });
  }
  return out;
}

export function uniformAssign({ members, topics }: AssignmentInput): Map<string, Assignment> {
  const byId = new Map(members.map((m) => [m.memberId, m]));
  const owner = new Map<string, string>();
  const load = new Map(members.map((m) => [m.memberId, 0]));
  const key = (t: string, p: number) => `${t}:${p}`;
  const eligible = (memberId: string, topicId: string) => byId.get(memberId)!.subscribedTopicIds.has(topicId);
  const all: [string, number][] = [];
  for (const [topicId, count] of [...topics].sort(([a], [b]) => (a < b ? -1 : 1))) for (let p = 0; p < count; p++) all.push([topicId, p]);

  // Keep previous owners (still subscribed, partition still there).
  for (const m of members) {
    for (const [topicId, partitions] of m.previous) {
      const count = topics.get(topicId);
      if (count === undefined || !m.subscribedTopicIds.has(topicId)) continue;
      for (const p of partitions) {
        if (p < count && !owner.has(key(topicId, p))) {
          owner.set(key(topicId, p), m.memberId);
          load.set(m.memberId, load.get(m.memberId)! + 1);
        }
      }
    }
  }
  const leastLoaded = (topicId: string): string | undefined => {
    let best: string | undefined;
    for (const m of members) {
      if (!eligible(m.memberId, topicId)) continue;
      if (best === undefined || load.get(m.memberId)! < load.get(best)!) best = m.memberId;
    }
    return best;
  };
  for (const [topicId, p] of all) {
    if (owner.has(key(topicId, p))) continue;
    const m = leastLoaded(topicId);
    if (m === undefined) continue;
    owner.set(key(topicId, p), m);
    load.set(m, load.get(m)! + 1);
  }
  // Balance: move partitions from a member to an eligible one holding at least two fewer.
  for (let moved = true; moved; ) {
    moved = false;
    for (const [topicId, p] of all) {
      const from = owner.get(key(topicId, p));
      if (from === undefined) continue;
      const to = leastLoaded(topicId)!;
      if (load.get(to)! < load.get(from)! - 1) {
        owner.set(key(topicId, p), to);
        load.set(from, load.get(from)! - 1);
        load.set(to, load.get(to)! + 1);
        moved = true;
      }
    }
  }
  const out = new Map(members.map((m) => [m.memberId, emptyAssignment()]));
  for (const [k, memberId] of owner) {
    const at = k.lastIndexOf(':');
    add(out.get(memberId)!, k.slice(0, at), Number(k.slice(at + 1)));
  }
  return out;
}
