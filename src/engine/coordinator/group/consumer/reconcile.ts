/**
 * Moves a member's current assignment towards its target, after Kafka's CurrentAssignmentBuilder:
 * partitions the member must give up are first revoked (the member stays at its epoch in
 * UNREVOKED_PARTITIONS until its heartbeat no longer reports them); then it moves to the target epoch
 * and gets the new partitions, except those another member still owns (UNRELEASED_PARTITIONS, handed
 * over on a later heartbeat once released).
 */
import { type Assignment, containsPartition } from './assignment.js';
import { type ConsumerMember, MemberState } from './consumer-group.js';

export interface ReconcileInput {
  targetEpoch: number;
  target: Assignment;
  /** The epoch of the member owning a partition, -1 when free. */
  partitionEpoch(topicId: string, partition: number): number;
  /** What the member reported it owns; null when the heartbeat did not say. */
  owned: Assignment | null;
}

export function reconcile(member: ConsumerMember, input: ReconcileInput): ConsumerMember {
  switch (member.state) {
    case MemberState.STABLE:
      return member.memberEpoch !== input.targetEpoch ? nextAssignment(member, member.memberEpoch, input) : member;
    case MemberState.UNREVOKED_PARTITIONS:
      if (ownsAny(input.owned, member.partitionsPendingRevocation)) return member;
      return nextAssignment(member, member.memberEpoch + 1, input);
    case MemberState.UNRELEASED_PARTITIONS:
      return nextAssignment(member, member.memberEpoch, input);
    default:
      return nextAssignment(member, input.targetEpoch, input);
  }
}

function ownsAny(owned: Assignment | null, revoking: Assignment): boolean {
  if (owned === null) return true;
  for (const [topicId, partitions] of owned) for (const p of partitions) if (containsPartition(revoking, topicId, p)) return true;
  return false;
}

function nextAssignment(member: ConsumerMember, memberEpoch: number, input: ReconcileInput): ConsumerMember {
  const assigned: Assignment = new Map();
  const revoking: Assignment = new Map();
  const pending: Assignment = new Map();
  let unreleased = false;
  const topics = new Set([...input.target.keys(), ...member.assigned.keys()]);
  for (const topicId of topics) {
    const target = input.target.get(topicId) ?? new Set<number>();
    const current = member.assigned.get(topicId) ?? new Set<number>();
    const keep = new Set([...current].filter((p) => target.has(p)));
    const revoke = new Set([...current].filter((p) => !keep.has(p)));
    const add = new Set<number>();
    for (const p of target) {
      if (keep.has(p)) continue;
      const heldElsewhere = input.partitionEpoch(topicId, p) !== -1 && !containsPartition(member.partitionsPendingRevocation, topicId, p);
      if (heldElsewhere) unreleased = true;
      else add.add(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (revoke.size > 0) revoking.set(topicId, revoke);
    if (add.size > 0) pending.set(topicId, add);
  }
  const moved = (epoch: number) => ({ memberEpoch: epoch, previousMemberEpoch: member.memberEpoch });
  if (revoking.size > 0 && ownsAny(input.owned, revoking)) {
    return { ...member, ...moved(memberEpoch), state: MemberState.UNREVOKED_PARTITIONS, assigned, partitionsPendingRevocation: revoking };
  }
  for (const [topicId, ps] of pending) assigned.set(topicId, new Set([...(assigned.get(topicId) ?? []), ...ps]));
  const state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
  return { ...member, ...moved(input.targetEpoch), state, assigned, partitionsPendingRevocation: new Map() };
}

export function sameCurrentAssignment(a: ConsumerMember, b: ConsumerMember): boolean {
  const eq = (x: Assignment, y: Assignment) => JSON.stringify(norm(x)) === JSON.stringify(norm(y));
  return a.memberEpoch === b.memberEpoch && a.previousMemberEpoch === b.previousMemberEpoch && a.state === b.state && eq(a.assigned, b.assigned) && eq(a.partitionsPendingRevocation, b.partitionsPendingRevocation);
}

function norm(a: Assignment): [string, number[]][] {
  return [...a].filter(([, s]) => s.size > 0).map(([t, s]) => [t, [...s].sort((x, y) => x - y)] as [string, number[]]).sort(([x], [y]) => (x < y ? -1 : 1));
}
