/**
 * LeaveGroup (key 13), versions 0-5.
 *
 * Removes members from a classic group, which then rebalances. v0-2 name one member and answer with
 * its error at the top level; v3+ carry a batch of members, each by member id or, for static members,
 * by group.instance.id alone (administrative removal), and answer per member.
 *
 * v1 throttle time; v2 no wire change; v3 batched members with group.instance.id; v4 flexible;
 * v5 a reason per member.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/messages/13-leave-group.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  request: LeaveGroupRequest,
  response: LeaveGroupResponse,
  async handle(request, ctx) {
    const leaving =
      ctx.apiVersion >= 3
        ? (request.members as Message[]).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
        : [{ memberId: request.memberId as string, groupInstanceId: null, reason: null }];
    const result = await ctx.services.groupCoordinator.leaveGroup(request.groupId, leaving);
    if (ctx.apiVersion >= 3) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError };
  },
});
