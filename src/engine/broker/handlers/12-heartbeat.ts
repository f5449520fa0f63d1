/**
 * Heartbeat (key 12), versions 0-4.
 *
 * Keeps a classic group member's session alive. NONE while the group is Stable (or completing a
 * rebalance), REBALANCE_IN_PROGRESS while it prepares one (the member should rejoin),
 * ILLEGAL_GENERATION for an old generation, UNKNOWN_MEMBER_ID for a member the group does not know,
 * FENCED_INSTANCE_ID for a static member id that was replaced.
 *
 * v1 throttle time; v2 no wire change; v3 group.instance.id; v4 flexible.
 */
import { HeartbeatRequest, HeartbeatResponse } from '../../protocol/messages/12-heartbeat.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  handle(request, ctx) {
    const errorCode = ctx.services.groupCoordinator.heartbeat({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
    });
    return { throttleTimeMs: 0, errorCode };
  },
});
