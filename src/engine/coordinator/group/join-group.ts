/**
 * JoinGroup for classic groups, after Kafka's GroupMetadataManager.classicGroupJoin: new dynamic
 * members get MEMBER_ID_REQUIRED (v4+) and rejoin with the id they were given; static members
 * (group.instance.id) are matched by instance id, and one that restarts while the group is Stable
 * with unchanged protocols gets a new member id and its old assignment back without a rebalance.
 * The returned promise resolves when the join phase ends (or at once for errors).
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../protocol/errors.js';
import type { ClassicGroup } from './classic-group.js';
import { ClassicMember, type JoinResult, joinError, type Protocol } from './classic-member.js';
import type { CoordinatorContext } from './context.js';
import {
  currentAssignments,
  maybePrepareRebalanceOrCompleteJoin,
  prepareRebalance,
  rescheduleHeartbeat,
  schedulePendingMemberExpiry,
  storeGroup,
} from './rebalance.js';

export interface JoinRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  reason: string | null;
  apiVersion: number;
  clientId: string;
  clientHost: string;
}

type Respond = (result: JoinResult) => void;

export function validateExistingMember(group: ClassicGroup, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId === null) return group.member(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  const existing = group.staticMemberId(groupInstanceId);
  if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  return existing === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
}

/** Join a classic group that exists (the caller creates it for members with an empty member id). */
export function joinClassicGroup(ctx: CoordinatorContext, group: ClassicGroup, req: JoinRequest): Promise<JoinResult> {
  return new Promise((respond) => {
    if (group.is('Dead')) return respond(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    if (!acceptJoiningMember(ctx, group, req)) return respond(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, req.memberId));
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return respond(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    if (group.pendingJoinMembers.has(req.memberId)) return addMemberAndRebalance(ctx, group, req, req.memberId, respond);
    if (req.memberId === '') return joinNewMember(ctx, group, req, respond);
    joinExistingMember(ctx, group, req, respond);
  });
}

function acceptJoiningMember(ctx: CoordinatorContext, group: ClassicGroup, req: JoinRequest): boolean {
  const max = ctx.config.maxSize;
  // A restarted static member takes its own seat back.
  if (req.groupInstanceId !== null && group.staticMemberId(req.groupInstanceId) !== undefined) return true;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return (group.member(req.memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoin < max;
    default:
      return group.member(req.memberId) !== undefined || group.size < max;
  }
}

function joinNewMember(ctx: CoordinatorContext, group: ClassicGroup, req: JoinRequest, respond: Respond): void {
  if (req.groupInstanceId !== null) {
    const newMemberId = `${req.groupInstanceId}-${randomUUID()}`;
    const existing = group.staticMemberId(req.groupInstanceId);
    if (existing !== undefined) {
      ctx.log.info(`Static member ${req.groupInstanceId} of group ${group.groupId} rejoins in state ${group.state}: replacing member id ${existing} with ${newMemberId}`);
      return updateStaticMemberAndRebalance(ctx, group, req, existing, newMemberId, respond);
    }
    return addMemberAndRebalance(ctx, group, req, newMemberId, respond);
  }
  const newMemberId = `${req.clientId}-${randomUUID()}`;
  if (req.apiVersion >= 4) {
    // The member must come back with this id; until then it is pending and counted as not joined.
    group.pendingJoinMembers.add(newMemberId);
    schedulePendingMemberExpiry(ctx, group, newMemberId, req.sessionTimeoutMs);
    return respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, newMemberId));
  }
  addMemberAndRebalance(ctx, group, req, newMemberId, respond);
}

function joinExistingMember(ctx: CoordinatorContext, group: ClassicGroup, req: JoinRequest, respond: Respond): void {
  const error = validateExistingMember(group, req.memberId, req.groupInstanceId);
  if (error !== ErrorCode.NONE) return respond(joinError(error, req.memberId));
  const member = group.member(req.memberId)!;
  const current = (): JoinResult => group.joinResult(member.memberId);
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(ctx, group, member, req, respond, `member ${member.memberId} is joining group during PreparingRebalance`);
    case 'CompletingRebalance':
      // Same metadata: the member probably lost the join response, so send it again.
      if (member.matches(req.protocols)) return respond(current());
      return updateMemberAndRebalance(ctx, group, member, req, respond, `updating metadata for member ${member.memberId} during CompletingRebalance`);
    case 'Stable':
      // The leader rejoining forces a rebalance (e.g. topic metadata changed); so do changed protocols.
      if (group.isLeader(member.memberId) || !member.matches(req.protocols)) {
        const why = group.isLeader(member.memberId) ? 'leader' : 'member';
        return updateMemberAndRebalance(ctx, group, member, req, respond, `${why} ${member.memberId} re-joined the group in Stable`);
      }
      return respond(current());
    default:
      // Empty: the member belongs to an older generation and must start over.
      return respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
  }
}

function addMemberAndRebalance(ctx: CoordinatorContext, group: ClassicGroup, req: JoinRequest, memberId: string, respond: Respond): void {
  const member = new ClassicMember(
    memberId,
    req.groupInstanceId,
    req.clientId,
    req.clientHost,
    req.rebalanceTimeoutMs,
    req.sessionTimeoutMs,
    req.protocolType,
    req.protocols,
  );
  member.isNew = true;
  if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
  group.add(member, respond);
  // A new member has no id to heartbeat with yet; its parked join times out on its own clock.
  rescheduleHeartbeat(ctx, group, member, ctx.config.newMemberJoinTimeoutMs);
  maybePrepareRebalanceOrCompleteJoin(ctx, group, `adding new member ${memberId} with group instance id ${req.groupInstanceId}; client reason: ${req.reason ?? 'not provided'}`);
}

function updateMemberAndRebalance(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember, req: JoinRequest, respond: Respond, reason: string): void {
  // A JoinGroup still parked for this member is superseded: answer it so its connection moves on.
  if (member.isAwaitingJoin) group.completeJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
  maybePrepareRebalanceOrCompleteJoin(ctx, group, reason);
}

function updateStaticMemberAndRebalance(
  ctx: CoordinatorContext,
  group: ClassicGroup,
  req: JoinRequest,
  oldMemberId: string,
  newMemberId: string,
  respond: Respond,
): void {
  const currentLeader = group.leaderId ?? '';
  const member = group.replaceStaticMember(req.groupInstanceId!, oldMemberId, newMemberId);
  rescheduleHeartbeat(ctx, group, member);
  const old = { protocols: member.protocols, rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs, clientId: member.clientId, clientHost: member.clientHost };
  member.clientId = req.clientId;
  member.clientHost = req.clientHost;
  group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
  switch (group.state) {
    case 'Stable': {
      if (group.protocolName !== group.selectProtocol()) {
        return prepareRebalance(ctx, group, `static member ${newMemberId} with instance id ${req.groupInstanceId} joined with a change of protocol`);
      }
      // Unchanged protocols: persist the new member id and hand back the current generation.
      const error = storeGroup(ctx, group, currentAssignments(group));
      if (error !== ErrorCode.NONE) {
        group.updateMember(member, old.protocols, old.rebalance, old.session, undefined);
        member.clientId = old.clientId;
        member.clientHost = old.clientHost;
        group.replaceStaticMember(req.groupInstanceId!, newMemberId, oldMemberId);
        rescheduleHeartbeat(ctx, group, member);
        return respond({ ...joinError(error, ''), generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName, leader: currentLeader });
      }
      // v9+: a returning leader learns it leads but skips the assignment; older versions are told
      // the old leader id, so the member does not assign for a group that stays Stable.
      const isLeader = req.apiVersion >= 9 && group.isLeader(newMemberId);
      group.completeJoin(member, {
        errorCode: ErrorCode.NONE,
        memberId: newMemberId,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: isLeader ? newMemberId : currentLeader,
        skipAssignment: isLeader,
        members: isLeader ? group.joinMembers() : [],
      });
      return;
    }
    case 'CompletingRebalance':
      // The leader may already be assigning to the old member id: rebalance again.
      return prepareRebalance(ctx, group, `updating metadata for static member ${newMemberId} with instance id ${req.groupInstanceId}`);
    case 'PreparingRebalance':
      return; // answered when the join phase completes
    default:
      throw new Error(`static member rejoined group ${group.groupId} in state ${group.state}`);
  }
}
