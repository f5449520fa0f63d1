/**
 * JoinGroup (key 11), versions 0-9.
 *
 * Joins a classic group and parks until the join phase ends: every member then gets the new
 * generation, the chosen protocol and the leader's id, and the leader also gets every member's
 * metadata to compute the assignment. See coordinator/group/join-group.ts for the protocol.
 *
 * v1 rebalance timeout (v0 uses the session timeout); v2 throttle time; v3 no wire change; v4 a new
 * dynamic member gets MEMBER_ID_REQUIRED and rejoins with the id it was given; v5 group.instance.id
 * (static membership); v6 flexible; v7 protocol type in the response, protocol name nullable;
 * v8 join reason; v9 skipAssignment for a returning static leader.
 */
import type { Message } from '../../protocol/codec.js';
import { JoinGroupRequest, JoinGroupResponse } from '../../protocol/messages/11-join-group.js';
import type { JoinResult } from '../../coordinator/group/classic-member.js';
import { defineHandler } from '../handler.js';

function response(result: JoinResult, version: number): Message {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    generationId: result.generationId,
    protocolType: result.protocolType,
    // Before v7 the protocol name is not nullable: Kafka sends "" when there is none.
    protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ''),
    leader: result.leader,
    skipAssignment: result.skipAssignment,
    memberId: result.memberId,
    members: result.members,
  };
}

export default defineHandler({
  apiKey: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  request: JoinGroupRequest,
  response: JoinGroupResponse,
  async handle(request, ctx) {
    const result = await ctx.services.groupCoordinator.joinGroup({
      groupId: request.groupId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.apiVersion === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: (request.protocols as Message[]).map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      reason: request.reason,
      apiVersion: ctx.apiVersion,
      clientId: ctx.header.clientId ?? '',
      clientHost: ctx.clientHost,
    });
    return response(result, ctx.apiVersion);
  },
  errorResponse(request, errorCode, ctx) {
    return response({ errorCode, memberId: request.memberId, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, members: [] }, ctx.apiVersion);
  },
});
