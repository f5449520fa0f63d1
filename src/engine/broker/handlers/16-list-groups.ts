/**
 * ListGroups (key 16), versions 0-5.
 *
 * The groups this broker coordinates, with their protocol type ("consumer", "connect", or "" for
 * groups that only store offsets). COORDINATOR_LOAD_IN_PROGRESS while a __consumer_offsets partition
 * is still being replayed (the list may be incomplete).
 *
 * v1 throttle time; v2 no wire change; v3 flexible; v4 state filter (case-insensitive) and each
 * group's state; v5 type filter ("classic", "consumer") and each group's type.
 */
import { ListGroupsRequest, ListGroupsResponse } from '../../protocol/messages/16-list-groups.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  request: ListGroupsRequest,
  response: ListGroupsResponse,
  handle(request, ctx) {
    const states = ctx.apiVersion >= 4 ? ((request.statesFilter as string[] | null) ?? []) : [];
    const types = ctx.apiVersion >= 5 ? ((request.typesFilter as string[] | null) ?? []) : [];
    const { errorCode, groups } = ctx.services.groupCoordinator.listGroups(states, types);
    return { throttleTimeMs: 0, errorCode, groups };
  },
});
