/**
 * SyncGroup for classic groups: followers park until the leader sends the assignment; the leader's
 * SyncGroup persists the generation with every member's assignment (members the leader left out get
 * an empty one), then the group turns Stable and each parked member gets its part. In Stable a
 * SyncGroup simply returns the member's current assignment.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ClassicGroup } from './classic-group.js';
import { EMPTY_BYTES, type SyncResult, syncError } from './classic-member.js';
import type { CoordinatorContext } from './context.js';
import { validateExistingMember } from './join-group.js';
import {
  maybePrepareRebalanceOrCompleteJoin,
  removePendingSyncMember,
  resetAndPropagateAssignmentError,
  setAndPropagateAssignment,
  storeGroup,
} from './rebalance.js';

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

const inconsistent = (theirs: string | null, ours: string | null): boolean => theirs !== null && ours !== null && theirs !== ours;

export function syncClassicGroup(ctx: CoordinatorContext, group: ClassicGroup, req: SyncRequest): SyncResult | Promise<SyncResult> {
  if (group.is('Dead')) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  const memberError = validateExistingMember(group, req.memberId, req.groupInstanceId);
  if (memberError !== ErrorCode.NONE) return syncError(memberError);
  if (req.generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
  if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
    return syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  const member = group.member(req.memberId)!;
  switch (group.state) {
    case 'Empty':
      return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'PreparingRebalance':
      return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'Stable':
      removePendingSyncMember(ctx, group, member.memberId);
      return { errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment };
    default:
      break;
  }
  // CompletingRebalance: park until the leader's assignment is stored.
  const parked = new Promise<SyncResult>((respond) => {
    member.completeSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingSync = respond;
  });
  removePendingSyncMember(ctx, group, member.memberId);
  if (group.isLeader(member.memberId)) {
    ctx.log.info(`Assignment received from leader ${member.memberId} for group ${group.groupId} for generation ${group.generationId}`);
    const assignment = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    for (const id of group.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY_BYTES);
    const error = storeGroup(ctx, group, assignment);
    if (group.is('CompletingRebalance') && req.generationId === group.generationId) {
      if (error !== ErrorCode.NONE) {
        resetAndPropagateAssignmentError(ctx, group, error);
        maybePrepareRebalanceOrCompleteJoin(ctx, group, `error ${error} when storing group assignment during SyncGroup (member: ${member.memberId})`);
      } else {
        setAndPropagateAssignment(ctx, group, assignment);
        group.transitionTo('Stable', ctx.timer.now());
      }
    }
  }
  return parked;
}
