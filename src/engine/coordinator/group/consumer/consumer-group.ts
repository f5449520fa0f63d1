/**
 * A KIP-848 consumer group: the group epoch (bumped whenever subscriptions or the subscribed topics
 * change), the target assignment computed for that epoch by a server-side assignor, and each member's
 * current assignment as it reconciles towards the target. The state only changes by `apply`, which
 * replays a __consumer_offsets record — the same path for live updates (after the records are
 * written) and for loading the partition at start-up.
 */
import type { Message } from '../../../protocol/codec.js';
import { type Assignment, assignmentFromWire, emptyAssignment } from './assignment.js';

export const MemberState = { STABLE: 0, UNREVOKED_PARTITIONS: 1, UNRELEASED_PARTITIONS: 2, UNKNOWN: 127 } as const;

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  rebalanceTimeoutMs: number;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  state: number;
  /** topic id -> partitions the member owns now. */
  assigned: Assignment;
  partitionsPendingRevocation: Assignment;
}

export interface TopicMetadata {
  topicId: string;
  topicName: string;
  numPartitions: number;
}

export function newMember(memberId: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: [],
    subscribedTopicRegex: null,
    rebalanceTimeoutMs: -1,
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: MemberState.STABLE,
    assigned: emptyAssignment(),
    partitionsPendingRevocation: emptyAssignment(),
  };
}

export class ConsumerGroup {
  readonly type = 'consumer' as const;
  readonly members = new Map<string, ConsumerMember>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  groupEpoch = 0;
  assignmentEpoch = 0;
  /** Subscribed topics by name, with the partition counts the target assignment was computed for. */
  subscriptionMetadata = new Map<string, TopicMetadata>();
  readonly targetAssignment = new Map<string, Assignment>();
  /** "topicId:partition" -> epoch of the member that owns (or is revoking) it. */
  private readonly partitionEpochs = new Map<string, number>();
  /** Set once the group epoch record is tombstoned: the group is gone. */
  deleted = false;

  constructor(readonly groupId: string) {}

  stateName(): string {
    if (this.deleted) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.state !== MemberState.STABLE) return 'Reconciling';
    }
    return 'Stable';
  }

  isSubscribedToTopic(topic: string): boolean {
    for (const m of this.members.values()) if (m.subscribedTopicNames.includes(topic)) return true;
    return false;
  }

  /** The epoch of the member owning a partition, or -1 when free. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(`${topicId}:${partition}`) ?? -1;
  }

  targetOf(memberId: string): Assignment {
    return this.targetAssignment.get(memberId) ?? emptyAssignment();
  }

  /** The assignor most members asked for, or the default. */
  preferredAssignor(defaultAssignor: string, members: Iterable<ConsumerMember> = this.members.values()): string {
    const votes = new Map<string, number>();
    for (const m of members) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = defaultAssignor;
    let most = 0;
    for (const [name, n] of votes) if (n > most) [best, most] = [name, n];
    return best;
  }

  /** Replay one record of this group (key version = record type 3-8). */
  apply(keyVersion: number, key: Message, value: Message | null): void {
    switch (keyVersion) {
      case 3:
        if (value === null) this.deleted = true;
        else this.groupEpoch = value.epoch;
        return;
      case 4:
        this.subscriptionMetadata = new Map(
          ((value?.topics as Message[] | undefined) ?? []).map((t) => [t.topicName, { topicId: t.topicId, topicName: t.topicName, numPartitions: t.numPartitions }]),
        );
        return;
      case 5:
        return this.applySubscription(key.memberId, value);
      case 6:
        this.assignmentEpoch = value === null ? -1 : value.assignmentEpoch;
        return;
      case 7:
        if (value === null) this.targetAssignment.delete(key.memberId);
        else this.targetAssignment.set(key.memberId, assignmentFromWire(value.topicPartitions));
        return;
      case 8:
        return this.applyCurrentAssignment(key.memberId, value);
      default:
        return;
    }
  }

  private applySubscription(memberId: string, value: Message | null): void {
    const existing = this.members.get(memberId);
    if (value === null) {
      if (!existing) return;
      this.setOwnership(existing, false);
      this.members.delete(memberId);
      if (existing.instanceId !== null && this.staticMembers.get(existing.instanceId) === memberId) this.staticMembers.delete(existing.instanceId);
      return;
    }
    const member = existing ?? newMember(memberId);
    member.instanceId = value.instanceId;
    member.rackId = value.rackId;
    member.clientId = value.clientId;
    member.clientHost = value.clientHost;
    member.subscribedTopicNames = [...value.subscribedTopicNames];
    member.subscribedTopicRegex = value.subscribedTopicRegex;
    member.rebalanceTimeoutMs = value.rebalanceTimeoutMs;
    member.serverAssignor = value.serverAssignor;
    this.members.set(memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, memberId);
  }

  private applyCurrentAssignment(memberId: string, value: Message | null): void {
    let member = this.members.get(memberId);
    if (!member) {
      if (value === null) return;
      member = newMember(memberId);
      this.members.set(memberId, member);
    }
    this.setOwnership(member, false);
    if (value === null) {
      member.memberEpoch = -1;
      member.previousMemberEpoch = -1;
      member.state = MemberState.STABLE;
      member.assigned = emptyAssignment();
      member.partitionsPendingRevocation = emptyAssignment();
      return;
    }
    member.memberEpoch = value.memberEpoch;
    member.previousMemberEpoch = value.previousMemberEpoch;
    member.state = value.state;
    member.assigned = assignmentFromWire(value.assignedPartitions);
    member.partitionsPendingRevocation = assignmentFromWire(value.partitionsPendingRevocation);
    this.setOwnership(member, true);
  }

  /** Record (or forget) the partitions a member owns, assigned or still revoking, under its epoch. */
  private setOwnership(member: ConsumerMember, own: boolean): void {
    for (const a of [member.assigned, member.partitionsPendingRevocation]) {
      for (const [topicId, partitions] of a) {
        for (const p of partitions) {
          const k = `${topicId}:${p}`;
          if (own) this.partitionEpochs.set(k, member.memberEpoch);
          else if (this.partitionEpochs.get(k) === member.memberEpoch) this.partitionEpochs.delete(k);
        }
      }
    }
  }
}
