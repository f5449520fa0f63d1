/**
 * A classic group's state: members, the generation, the chosen protocol, the leader, and the state
 * machine Empty -> PreparingRebalance -> CompletingRebalance -> Stable (and Dead), with Kafka's
 * allowed transitions. It holds no timers and does no I/O; rebalance.ts drives it.
 */
import { CONSUMER_PROTOCOL_TYPE } from '../../protocol/consumer-protocol.js';
import { subscribedTopics } from './consumer-protocol.js';
import { ErrorCode } from '../../protocol/errors.js';
import { type ClassicMember, type JoinMember, type JoinResult, joinError, type Protocol, syncError } from './classic-member.js';

export type ClassicState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<ClassicState, readonly ClassicState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export class ClassicGroup {
  readonly type = 'classic' as const;
  state: ClassicState;
  previousState: ClassicState;
  currentStateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** Dynamic members given an id (MEMBER_ID_REQUIRED) that have not rejoined with it yet. */
  readonly pendingJoinMembers = new Set<string>();
  /** Members that got this generation's JoinGroup response but have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** Topics the members subscribe to (consumer protocol only); undefined when unknown. */
  subscribedTopics: Set<string> | undefined = undefined;
  /** A member joined while the initial rebalance delay runs: extend it. */
  newMemberAdded = false;
  private readonly supportedProtocols = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(
    readonly groupId: string,
    nowMs: number,
    state: ClassicState = 'Empty',
  ) {
    this.state = state;
    this.previousState = state;
    this.currentStateTimestamp = nowMs;
  }

  is(state: ClassicState): boolean {
    return this.state === state;
  }

  transitionTo(state: ClassicState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new Error(`group ${this.groupId} cannot move from ${this.state} to ${state}`);
    }
    this.previousState = this.state;
    this.state = state;
    this.currentStateTimestamp = nowMs;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  get size(): number {
    return this.members.size;
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoinCount;
  }

  member(memberId: string): ClassicMember | undefined {
    return this.members.get(memberId);
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** The longest rebalance timeout any member asked for: how long a join phase may last. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  add(member: ClassicMember, awaitingJoin?: ClassicMember['awaitingJoin']): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    this.countProtocols(member.protocols, 1);
    member.awaitingJoin = awaitingJoin;
    if (awaitingJoin) this.awaitingJoinCount++;
    this.pendingJoinMembers.delete(member.memberId);
    if (this.leaderId === null) this.leaderId = member.memberId;
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId);
  }

  remove(memberId: string): ClassicMember | undefined {
    const removed = this.members.get(memberId);
    if (removed) {
      this.members.delete(memberId);
      this.countProtocols(removed.protocols, -1);
      if (removed.isAwaitingJoin) this.awaitingJoinCount--;
      if (removed.groupInstanceId !== null && this.staticMembers.get(removed.groupInstanceId) === memberId) {
        this.staticMembers.delete(removed.groupInstanceId);
      }
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
    return removed;
  }

  /** A rejoin: new protocols and timeouts, and the JoinGroup response to park (or none). */
  updateMember(
    member: ClassicMember,
    protocols: Protocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    awaitingJoin: ClassicMember['awaitingJoin'],
  ): void {
    this.countProtocols(member.protocols, -1);
    member.protocols = protocols;
    this.countProtocols(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (awaitingJoin && !member.isAwaitingJoin) this.awaitingJoinCount++;
    else if (!awaitingJoin && member.isAwaitingJoin) this.awaitingJoinCount--;
    member.awaitingJoin = awaitingJoin;
  }

  /** Parked responses are answered through here so the awaiting-join count stays right. */
  completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const wasAwaiting = member.isAwaitingJoin;
    if (wasAwaiting) this.awaitingJoinCount--;
    return member.completeJoin(result);
  }

  /**
   * A static member rejoined with an unknown member id: its entry moves to a new member id, and
   * requests the old incarnation still has parked are answered FENCED_INSTANCE_ID.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const member = this.members.get(oldMemberId);
    if (!member) throw new Error(`static member ${groupInstanceId} has no member ${oldMemberId}`);
    this.completeJoin(member, joinError(ErrorCode.FENCED_INSTANCE_ID, oldMemberId));
    member.completeSync(syncError(ErrorCode.FENCED_INSTANCE_ID));
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return member;
  }

  /** Kafka's check that a joining member can be in this group at all. */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.is('Empty')) return protocolType !== '' && protocols.length > 0;
    return this.protocolType === protocolType && protocols.some((p) => (this.supportedProtocols.get(p.name) ?? 0) === this.members.size);
  }

  /** Every member votes for its preferred protocol among those all members support; most votes wins. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = new Set([...this.supportedProtocols].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): ClassicMember[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /** If the leader has not rejoined, hand leadership to a member that has. False when none has. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** The member list the leader receives: each member's metadata for the chosen protocol. */
  joinMembers(): JoinMember[] {
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(this.protocolName!),
    }));
  }

  /** A successful JoinGroup answer for `memberId` in the current generation; only the leader gets the member list. */
  joinResult(memberId: string, members: () => JoinMember[] = () => this.joinMembers()): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      skipAssignment: false,
      members: this.isLeader(memberId) ? members() : [],
    };
  }

  computeSubscribedTopics(): Set<string> | undefined {
    if (this.members.size === 0) return new Set();
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const subscribed = subscribedTopics(m.metadataFor(this.protocolName));
      if (!subscribed) return undefined;
      for (const t of subscribed) topics.add(t);
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics?.has(topic) ?? false;
  }

  usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  private countProtocols(protocols: Protocol[], delta: number): void {
    for (const p of new Set(protocols.map((x) => x.name))) {
      const n = (this.supportedProtocols.get(p) ?? 0) + delta;
      if (n === 0) this.supportedProtocols.delete(p);
      else this.supportedProtocols.set(p, n);
    }
  }
}
