/**
 * One classic-protocol group membership on the wire: JoinGroup, SyncGroup, Heartbeat and LeaveGroup
 * at the group's coordinator, and the identity they carry (member id, generation, instance id).
 * The policy — when to rejoin, what to commit, which errors are fatal — is GroupConsumer's; this
 * class only keeps the identity right the way Java's AbstractCoordinator does: MEMBER_ID_REQUIRED
 * (JoinGroup v4+) hands out the id to join with, UNKNOWN_MEMBER_ID forgets the id, and
 * ILLEGAL_GENERATION forgets the generation.
 */
import type { Message } from '../../protocol/codec.js';
import { CONSUMER_PROTOCOL_TYPE } from '../../protocol/consumer-protocol.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { GroupCoordinators } from '../coordinator.js';
import { kafkaError } from '../errors.js';
import { NO_MEMBERSHIP, type Membership } from '../group-offsets.js';

/** How much longer than the rebalance timeout a JoinGroup may take before the client gives up (Java's 5 s). */
const JOIN_GRACE_MS = 5000;

export interface JoinedGroup {
  generationId: number;
  protocolName: string;
  leaderId: string;
  /** Members and their subscription bytes; filled for the leader only. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
  /** v9+: a returning static leader must not assign (the group stays as it was). */
  skipAssignment: boolean;
}

/** What a group request answered: the joined group / assignment, or an error code to act on. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errorCode: number };

export interface MembershipOptions {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  requestTimeoutMs: number;
}

export class GroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;

  constructor(
    private readonly coordinators: GroupCoordinators,
    private readonly options: MembershipOptions,
  ) {}

  get groupId(): string {
    return this.options.groupId;
  }

  get isStatic(): boolean {
    return this.options.groupInstanceId !== null;
  }

  /** Who commits: this member in its generation, or nobody while it has none. */
  membership(): Membership {
    if (this.generationId < 0) return NO_MEMBERSHIP;
    return { generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId };
  }

  /** Forget the generation (ILLEGAL_GENERATION, a lost session); `memberToo` forgets the member id as well. */
  reset(memberToo: boolean): void {
    this.generationId = -1;
    this.protocolName = null;
    if (memberToo) this.memberId = '';
  }

  /** JoinGroup until the join phase ends; a new dynamic member first learns its id (MEMBER_ID_REQUIRED). */
  async join(protocols: { name: string; metadata: Buffer }[], reason: string): Promise<Outcome<JoinedGroup>> {
    const o = this.options;
    for (;;) {
      const { response } = await this.coordinators.request(
        o.groupId,
        11,
        {
          groupId: o.groupId,
          sessionTimeoutMs: o.sessionTimeoutMs,
          rebalanceTimeoutMs: o.rebalanceTimeoutMs,
          memberId: this.memberId,
          groupInstanceId: o.groupInstanceId,
          protocolType: CONSUMER_PROTOCOL_TYPE,
          protocols,
          reason,
        },
        (r) => r.errorCode,
        { timeoutMs: Math.max(o.requestTimeoutMs, o.rebalanceTimeoutMs + JOIN_GRACE_MS) },
      );
      const code: number = response.errorCode;
      if (code === ErrorCode.MEMBER_ID_REQUIRED) {
        this.memberId = response.memberId;
        continue;
      }
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.reset(true);
      if (code === ErrorCode.ILLEGAL_GENERATION) this.reset(false);
      if (code !== ErrorCode.NONE) return { ok: false, errorCode: code };
      this.memberId = response.memberId;
      this.generationId = response.generationId;
      this.protocolName = response.protocolName;
      return {
        ok: true,
        value: {
          generationId: response.generationId,
          protocolName: response.protocolName,
          leaderId: response.leader,
          skipAssignment: response.skipAssignment ?? false,
          members: (response.members as Message[]).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, metadata: m.metadata })),
        },
      };
    }
  }

  /** SyncGroup: the leader sends every member's assignment; everyone gets its own back. */
  async sync(assignments: { memberId: string; assignment: Buffer }[]): Promise<Outcome<Buffer>> {
    const o = this.options;
    const { response } = await this.coordinators.request(
      o.groupId,
      14,
      {
        groupId: o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: o.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocolName: this.protocolName,
        assignments,
      },
      (r) => r.errorCode,
      // Followers wait for the leader's SyncGroup, which may take up to the rebalance timeout.
      { timeoutMs: Math.max(o.requestTimeoutMs, o.rebalanceTimeoutMs + JOIN_GRACE_MS) },
    );
    const code: number = response.errorCode;
    if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.reset(true);
    if (code === ErrorCode.ILLEGAL_GENERATION) this.reset(false);
    return code === ErrorCode.NONE ? { ok: true, value: response.assignment } : { ok: false, errorCode: code };
  }

  /** One Heartbeat; the error code (NONE when the member is in the current, stable generation). */
  async heartbeat(): Promise<number> {
    const o = this.options;
    const { response } = await this.coordinators.request(
      o.groupId,
      12,
      { groupId: o.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: o.groupInstanceId },
      (r) => r.errorCode,
      { timeoutMs: o.requestTimeoutMs },
    );
    return response.errorCode;
  }

  /**
   * LeaveGroup, so the group rebalances now rather than after the session timeout. Static members
   * never send it (Java 2.3+): their seat waits a session timeout for them to come back.
   */
  async leave(reason: string, timeoutMs: number): Promise<void> {
    const o = this.options;
    if (this.isStatic || this.memberId === '') return this.reset(true);
    const memberId = this.memberId;
    this.reset(true);
    const { response, version } = await this.coordinators.request(
      o.groupId,
      13,
      (v) => (v >= 3 ? { groupId: o.groupId, members: [{ memberId, groupInstanceId: null, reason }] } : { groupId: o.groupId, memberId }),
      (r) => r.errorCode,
      { timeoutMs },
    );
    const code: number = version >= 3 && response.errorCode === ErrorCode.NONE ? (response.members as Message[])[0]?.errorCode ?? ErrorCode.NONE : response.errorCode;
    // Already gone (expired, fenced) is what leaving wanted.
    if (code !== ErrorCode.NONE && code !== ErrorCode.UNKNOWN_MEMBER_ID) throw kafkaError(code, null, `LeaveGroup for group ${o.groupId}`);
  }
}
