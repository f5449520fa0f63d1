/**
 * The classic group's rebalance engine, after Kafka's GroupMetadataManager: entering
 * PreparingRebalance (with group.initial.rebalance.delay.ms for a group coming out of Empty),
 * completing the join phase when every member has rejoined or the rebalance timeout ran out,
 * handing out a new generation, and the timers that remove members whose session expired or who
 * never sent SyncGroup.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { ClassicGroup } from './classic-group.js';
import { type ClassicMember, EMPTY_BYTES, joinError } from './classic-member.js';
import { type CoordinatorContext, heartbeatKey, joinKey, syncKey } from './context.js';
import { coordinatorWriteError } from '../write-errors.js';
import { groupMetadataRecord } from './records.js';

/** Persist the group with these assignments; returns the error to answer with (NONE when written). */
export function storeGroup(ctx: CoordinatorContext, group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): number {
  return coordinatorWriteError(ctx.write(group.groupId, [groupMetadataRecord(group, assignment)]));
}

export function currentAssignments(group: ClassicGroup): Map<string, Buffer> {
  return new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
}

export function rescheduleHeartbeat(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember, timeoutMs = member.sessionTimeoutMs): void {
  const memberId = member.memberId;
  ctx.timer.schedule(heartbeatKey(group.groupId, memberId), timeoutMs, () => expireHeartbeat(ctx, group, memberId));
}

/** A member told MEMBER_ID_REQUIRED must rejoin within its session timeout. */
export function schedulePendingMemberExpiry(ctx: CoordinatorContext, group: ClassicGroup, memberId: string, timeoutMs: number): void {
  ctx.timer.schedule(heartbeatKey(group.groupId, memberId), timeoutMs, () => expireHeartbeat(ctx, group, memberId));
}

function expireHeartbeat(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): void {
  if (group.is('Dead')) return;
  if (group.pendingJoinMembers.has(memberId)) {
    ctx.log.info(`Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`);
    group.remove(memberId);
    maybeCompleteJoinPhase(ctx, group);
    return;
  }
  const member = group.member(memberId);
  if (!member) return;
  // Members parked in a rebalance satisfy their heartbeats; new members time out even while parked.
  if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
  ctx.log.info(`Member ${memberId} in group ${group.groupId} has failed, removing it from the group.`);
  removeMemberAndUpdateGroup(ctx, group, member, `removing member ${memberId} on heartbeat expiration`);
}

/** Remove a member (session expiry or LeaveGroup) and let the group react. */
export function removeMember(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember): void {
  ctx.timer.cancel(heartbeatKey(group.groupId, member.memberId));
  // A parked JoinGroup learns it must rejoin from scratch.
  group.completeJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, ''));
  member.completeSync({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });
  group.remove(member.memberId);
}

export function removeMemberAndUpdateGroup(ctx: CoordinatorContext, group: ClassicGroup, member: ClassicMember, reason: string): void {
  removeMember(ctx, group, member);
  if (group.is('Stable') || group.is('CompletingRebalance')) maybePrepareRebalanceOrCompleteJoin(ctx, group, reason);
  else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) completeJoin(ctx, group);
}

export function maybePrepareRebalanceOrCompleteJoin(ctx: CoordinatorContext, group: ClassicGroup, reason: string): void {
  if (group.canRebalance()) prepareRebalance(ctx, group, reason);
  else maybeCompleteJoinPhase(ctx, group);
}

export function maybeCompleteJoinPhase(ctx: CoordinatorContext, group: ClassicGroup): void {
  // While the initial delay runs only its timer may end the join phase.
  if (group.is('PreparingRebalance') && group.hasAllMembersJoined() && group.previousState !== 'Empty') completeJoin(ctx, group);
}

export function prepareRebalance(ctx: CoordinatorContext, group: ClassicGroup, reason: string): void {
  if (group.is('CompletingRebalance')) resetAndPropagateAssignmentError(ctx, group, ErrorCode.REBALANCE_IN_PROGRESS);
  ctx.timer.cancel(syncKey(group.groupId));
  const initial = group.is('Empty');
  if (initial) {
    const delayMs = ctx.config.initialRebalanceDelayMs;
    const remainingMs = Math.max(group.rebalanceTimeoutMs - delayMs, 0);
    ctx.timer.schedule(joinKey(group.groupId), delayMs, () => tryCompleteInitialRebalance(ctx, group, delayMs, remainingMs));
  }
  group.transitionTo('PreparingRebalance', ctx.timer.now());
  ctx.log.info(
    `Preparing to rebalance group ${group.groupId} in state PreparingRebalance with old generation ${group.generationId} (reason: ${reason})`,
  );
  if (!initial) maybeCompleteJoinElseSchedule(ctx, group);
}

function maybeCompleteJoinElseSchedule(ctx: CoordinatorContext, group: ClassicGroup): void {
  if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) completeJoin(ctx, group);
  else ctx.timer.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs, () => completeJoin(ctx, group));
}

/** The initial delay ran out: extend it while new members keep arriving, up to the rebalance timeout. */
function tryCompleteInitialRebalance(ctx: CoordinatorContext, group: ClassicGroup, delayMs: number, remainingMs: number): void {
  if (group.newMemberAdded && remainingMs !== 0) {
    group.newMemberAdded = false;
    const nextDelay = Math.min(ctx.config.initialRebalanceDelayMs, remainingMs);
    const nextRemaining = Math.max(remainingMs - delayMs, 0);
    ctx.timer.schedule(joinKey(group.groupId), nextDelay, () => tryCompleteInitialRebalance(ctx, group, nextDelay, nextRemaining));
  } else {
    completeJoin(ctx, group);
  }
}

/** End the join phase: drop dynamic members that did not rejoin, start the next generation, answer every parked JoinGroup. */
export function completeJoin(ctx: CoordinatorContext, group: ClassicGroup): void {
  ctx.timer.cancel(joinKey(group.groupId));
  if (!group.is('PreparingRebalance')) return;
  const dropped = group.notYetRejoinedMembers().filter((m) => !m.isStatic);
  for (const m of dropped) {
    group.remove(m.memberId);
    ctx.timer.cancel(heartbeatKey(group.groupId, m.memberId));
  }
  if (dropped.length > 0) {
    ctx.log.info(`Group ${group.groupId} removed dynamic members who haven't joined: ${dropped.map((m) => m.memberId).join(', ')}`);
  }
  if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
    // Only static members that have not rejoined are left: wait for them (or their session expiry).
    ctx.log.error(`Group ${group.groupId} could not complete rebalance because no members rejoined`);
    ctx.timer.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs, () => completeJoin(ctx, group));
    return;
  }
  group.initNextGeneration(ctx.timer.now());
  if (group.is('Empty')) {
    ctx.log.info(`Group ${group.groupId} with generation ${group.generationId} is now empty`);
    const error = storeGroup(ctx, group, new Map());
    if (error !== ErrorCode.NONE) ctx.log.warn(`Failed to write empty metadata for group ${group.groupId}: error ${error}`);
    return;
  }
  ctx.log.info(`Stabilized group ${group.groupId} generation ${group.generationId} with ${group.size} members`);
  const members = group.joinMembers();
  for (const member of group.members.values()) {
    group.completeJoin(member, group.joinResult(member.memberId, () => members));
    rescheduleHeartbeat(ctx, group, member);
    member.isNew = false;
    group.pendingSyncMembers.add(member.memberId);
  }
  const generation = group.generationId;
  ctx.timer.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs, () => expirePendingSync(ctx, group, generation));
}

/** Members that got the join response but never synced within the rebalance timeout are removed. */
function expirePendingSync(ctx: CoordinatorContext, group: ClassicGroup, generationId: number): void {
  if (generationId !== group.generationId) return;
  if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0) return;
  const pending = [...group.pendingSyncMembers];
  for (const memberId of pending) {
    const member = group.member(memberId);
    if (member) removeMember(ctx, group, member);
    else group.pendingSyncMembers.delete(memberId);
  }
  prepareRebalance(ctx, group, `removing ${pending.join(', ')} on pending sync request expiration`);
}

export function removePendingSyncMember(ctx: CoordinatorContext, group: ClassicGroup, memberId: string): void {
  group.pendingSyncMembers.delete(memberId);
  const waiting = group.is('CompletingRebalance') || group.is('Stable');
  if (!waiting || group.pendingSyncMembers.size === 0) ctx.timer.cancel(syncKey(group.groupId));
}

export function resetAndPropagateAssignmentError(ctx: CoordinatorContext, group: ClassicGroup, errorCode: number): void {
  for (const m of group.members.values()) m.assignment = EMPTY_BYTES;
  propagateAssignment(ctx, group, errorCode);
}

export function setAndPropagateAssignment(ctx: CoordinatorContext, group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): void {
  for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY_BYTES;
  propagateAssignment(ctx, group, ErrorCode.NONE);
}

function propagateAssignment(ctx: CoordinatorContext, group: ClassicGroup, errorCode: number): void {
  for (const m of group.members.values()) {
    const answered = m.completeSync({
      errorCode,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: errorCode === ErrorCode.NONE ? m.assignment : EMPTY_BYTES,
    });
    // The session timer restarts once a member has its assignment.
    if (answered) rescheduleHeartbeat(ctx, group, m);
  }
}
