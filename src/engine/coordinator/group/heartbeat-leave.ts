/**
 * Heartbeat and LeaveGroup for classic groups. A heartbeat restarts the member's session timer and
 * tells it whether a rebalance is under way; LeaveGroup removes members (by member id, or by
 * group.instance.id alone for administrative removal of static members) and rebalances the rest.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ClassicGroup } from './classic-group.js';
import type { CoordinatorContext } from './context.js';
import { heartbeatKey } from './context.js';
import { validateExistingMember } from './join-group.js';
import { maybeCompleteJoinPhase, maybePrepareRebalanceOrCompleteJoin, removeMember, rescheduleHeartbeat } from './rebalance.js';

export function heartbeatClassicGroup(
  ctx: CoordinatorContext,
  group: ClassicGroup,
  req: { memberId: string; groupInstanceId: string | null; generationId: number },
): number {
  if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const memberError = validateExistingMember(group, req.memberId, req.groupInstanceId);
  if (memberError !== ErrorCode.NONE) return memberError;
  if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  switch (group.state) {
    case 'Empty':
      return ErrorCode.UNKNOWN_MEMBER_ID;
    case 'PreparingRebalance':
      rescheduleHeartbeat(ctx, group, group.member(req.memberId)!);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    default:
      // Members may heartbeat between their join and sync responses; that counts as alive.
      rescheduleHeartbeat(ctx, group, group.member(req.memberId)!);
      return ErrorCode.NONE;
  }
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
  reason: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export function leaveClassicGroup(ctx: CoordinatorContext, group: ClassicGroup, leaving: LeavingMember[]): LeaveResult {
  if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
  const results: LeaveResult['members'] = [];
  const left: string[] = [];
  for (const m of leaving) {
    const answer = (errorCode: number) => results.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (m.memberId === '') {
      const staticId = m.groupInstanceId !== null ? group.staticMemberId(m.groupInstanceId) : undefined;
      if (staticId === undefined) {
        answer(ErrorCode.UNKNOWN_MEMBER_ID);
        continue;
      }
      leave(ctx, group, staticId, m.reason);
      left.push(staticId);
      answer(ErrorCode.NONE);
    } else if (group.pendingJoinMembers.has(m.memberId)) {
      group.remove(m.memberId);
      ctx.timer.cancel(heartbeatKey(group.groupId, m.memberId));
      ctx.log.info(`Pending member ${m.memberId} has left group ${group.groupId} through explicit LeaveGroup`);
      answer(ErrorCode.NONE);
      left.push(m.memberId);
    } else {
      const error = validateExistingMember(group, m.memberId, m.groupInstanceId);
      if (error === ErrorCode.NONE) {
        leave(ctx, group, m.memberId, m.reason);
        left.push(m.memberId);
      }
      answer(error);
    }
  }
  if (left.length > 0) {
    const reason = `explicit LeaveGroup request for (${left.join(', ')}) members`;
    if (group.is('Stable') || group.is('CompletingRebalance')) maybePrepareRebalanceOrCompleteJoin(ctx, group, reason);
    else if (group.is('PreparingRebalance')) maybeCompleteJoinPhase(ctx, group);
  }
  return { errorCode: ErrorCode.NONE, members: results };
}

function leave(ctx: CoordinatorContext, group: ClassicGroup, memberId: string, reason: string | null): void {
  const member = group.member(memberId);
  if (!member) return;
  ctx.log.info(`Member ${memberId} has left group ${group.groupId} through explicit LeaveGroup; client reason: ${reason ?? 'not provided'}`);
  removeMember(ctx, group, member);
}
