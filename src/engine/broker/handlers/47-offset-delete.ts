/**
 * OffsetDelete (key 47), version 0.
 *
 * Deletes a group's committed offsets for the given partitions. A partition of a topic a live member
 * of the group subscribes to gets GROUP_SUBSCRIBED_TO_TOPIC; a non-empty group that does not use the
 * consumer protocol gets NON_EMPTY_GROUP, an unknown group GROUP_ID_NOT_FOUND (both top-level).
 */
import type { Message } from '../../protocol/codec.js';
import { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/messages/47-offset-delete.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  async handle(request, ctx) {
    const topics = (request.topics as Message[]).map((t) => ({
      name: t.name as string,
      partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex as number })),
    }));
    const result = await ctx.services.groupCoordinator.deleteOffsets(request.groupId, topics);
    return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.topics };
  },
});
