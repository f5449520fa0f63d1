/**
 * OffsetFetch (key 9), versions 0-9.
 *
 * Returns a group's committed offsets (offset -1 where none is committed) with their metadata and
 * leader epoch. Offsets a transaction committed (TxnOffsetCommit) count once its COMMIT marker
 * landed; with requireStable, a partition an open transaction holds an offset for answers
 * UNSTABLE_OFFSET_COMMIT, which consumers retry. Group-level errors (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, INVALID_GROUP_ID) go to
 * every partition in v0-1, to the top-level error code in v2-7 and to each group in v8+.
 *
 * v1 offsets from __consumer_offsets; v2 null topics for all, top-level error code; v3 throttle time;
 * v4 no wire change; v5 committed leader epoch; v6 flexible; v7 requireStable; v8 several groups per
 * request; v9 member id and epoch of KIP-848 members (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID).
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetFetchRequest, OffsetFetchResponse } from '../../protocol/messages/09-offset-fetch.js';
import type { FetchedGroup } from '../../coordinator/group/offset-fetch.js';
import { defineHandler, type RequestContext } from '../handler.js';

type Topics = { name: string; partitionIndexes: number[] }[] | null;

function fetchGroup(ctx: RequestContext, requireStable: boolean, groupId: string, topics: Topics, memberId: string | null = null, memberEpoch = -1): FetchedGroup {
  return ctx.services.groupCoordinator.fetchOffsets({ groupId, topics, memberId, memberEpoch, requireStable });
}

/** v0-1 have no group-level error: it goes to every requested partition. */
function withPartitionErrors(topics: Topics, errorCode: number): FetchedGroup['topics'] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode })),
  }));
}

export default defineHandler({
  apiKey: 9,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  handle(request, ctx) {
    const requireStable = ctx.apiVersion >= 7 && request.requireStable === true;
    if (ctx.apiVersion >= 8) {
      const groups = (request.groups as Message[]).map((g) => {
        const result = fetchGroup(ctx, requireStable, g.groupId, g.topics, g.memberId, g.memberEpoch);
        return { groupId: g.groupId, errorCode: result.errorCode, topics: result.topics };
      });
      return { throttleTimeMs: 0, groups };
    }
    const topics: Topics = request.topics;
    const result = fetchGroup(ctx, requireStable, request.groupId, topics);
    if (ctx.apiVersion <= 1 && result.errorCode !== ErrorCode.NONE) {
      return { throttleTimeMs: 0, topics: withPartitionErrors(topics, result.errorCode) };
    }
    return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.topics };
  },
  errorResponse(request, errorCode, ctx) {
    if (ctx.apiVersion >= 8) {
      return { throttleTimeMs: 0, groups: (request.groups as Message[]).map((g) => ({ groupId: g.groupId, errorCode, topics: [] })) };
    }
    if (ctx.apiVersion <= 1) return { throttleTimeMs: 0, topics: withPartitionErrors(request.topics, errorCode) };
    return { throttleTimeMs: 0, errorCode, topics: [] };
  },
});
