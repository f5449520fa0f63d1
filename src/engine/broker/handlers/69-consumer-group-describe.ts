/**
 * ConsumerGroupDescribe (key 69), version 0.
 *
 * Describes KIP-848 consumer groups: state (Empty, Assigning, Reconciling, Stable), group and target
 * assignment epochs, the assignor, and per member its subscription, current assignment and target
 * assignment. Unknown groups and classic groups get GROUP_ID_NOT_FOUND.
 */
import { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from '../../protocol/messages/69-consumer-group-describe.js';
import { GROUP_OPERATIONS, OPERATIONS_NOT_REQUESTED } from '../acl-operations.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  request: ConsumerGroupDescribeRequest,
  response: ConsumerGroupDescribeResponse,
  handle(request, ctx) {
    const authorizedOperations = request.includeAuthorizedOperations ? GROUP_OPERATIONS : OPERATIONS_NOT_REQUESTED;
    const groups = ctx.services.groupCoordinator.consumerGroupDescribe(request.groupIds as string[]).map((g) => ({ ...g, authorizedOperations }));
    return { throttleTimeMs: 0, groups };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      groups: (request.groupIds as string[]).map((groupId) => ({ errorCode, groupId, groupState: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [] })),
    };
  },
});
