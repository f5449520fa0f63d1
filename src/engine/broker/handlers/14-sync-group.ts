/**
 * SyncGroup (key 14), versions 0-5.
 *
 * After a join phase the leader sends the assignment it computed; the coordinator stores the new
 * generation in __consumer_offsets and hands every member its part. Followers park until then; in a
 * Stable group SyncGroup returns the member's current assignment at once.
 *
 * v1 throttle time; v2 no wire change; v3 group.instance.id; v4 flexible; v5 protocol type and name
 * in both directions, checked against the group's (INCONSISTENT_GROUP_PROTOCOL).
 */
import type { Message } from '../../protocol/codec.js';
import { SyncGroupRequest, SyncGroupResponse } from '../../protocol/messages/14-sync-group.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  request: SyncGroupRequest,
  response: SyncGroupResponse,
  async handle(request, ctx) {
    const result = await ctx.services.groupCoordinator.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: (request.assignments as Message[]).map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
    });
    return { throttleTimeMs: 0, ...result };
  },
});
