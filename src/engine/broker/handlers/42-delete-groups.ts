/**
 * DeleteGroups (key 42), versions 0-2.
 *
 * Deletes groups and their committed offsets (tombstones in __consumer_offsets). Only empty groups
 * can go: a group with members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 *
 * v1 no wire change; v2 flexible.
 */
import { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/messages/42-delete-groups.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  request: DeleteGroupsRequest,
  response: DeleteGroupsResponse,
  async handle(request, ctx) {
    return { throttleTimeMs: 0, results: await ctx.services.groupCoordinator.deleteGroups(request.groupsNames as string[]) };
  },
  errorResponse(request, errorCode) {
    return { throttleTimeMs: 0, results: (request.groupsNames as string[]).map((groupId) => ({ groupId, errorCode })) };
  },
});
