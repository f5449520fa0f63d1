/**
 * DescribeGroups (key 15), versions 0-5.
 *
 * Each group's state, protocol type, chosen protocol and members (member id, client id, host, and in
 * a Stable group each member's subscription metadata and assignment). A group kt does not know is
 * described as Dead with no members, as Kafka does. KIP-848 groups are described with protocol type
 * "consumer" and each member's assignment in the consumer protocol format.
 *
 * v1 throttle time; v2 no wire change; v3 authorized operations on request; v4 members'
 * group.instance.id; v5 flexible.
 */
import { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/messages/15-describe-groups.js';
import { GROUP_OPERATIONS, OPERATIONS_NOT_REQUESTED } from '../acl-operations.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  request: DescribeGroupsRequest,
  response: DescribeGroupsResponse,
  handle(request, ctx) {
    const authorizedOperations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
    const groups = ctx.services.groupCoordinator.describeGroups(request.groups as string[]).map((g) => ({ ...g, authorizedOperations }));
    return { throttleTimeMs: 0, groups };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      groups: (request.groups as string[]).map((groupId) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] })),
    };
  },
});
