/**
 * OffsetCommit (key 8), versions 0-9.
 *
 * Stores a group's consumed positions in __consumer_offsets. Members of a classic group commit with
 * their generation and member id (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
 * REBALANCE_IN_PROGRESS while the group completes a rebalance); simple consumers and admins commit
 * with generation -1 and no member id while the group is empty. Per partition: unknown partitions
 * get UNKNOWN_TOPIC_OR_PARTITION and metadata over offset.metadata.max.bytes OFFSET_METADATA_TOO_LARGE.
 *
 * v1 generation id, member id, per-partition commit timestamp; v2 retention time (replaces the
 * timestamp); v3 throttle time; v4 no wire change; v5 drops the retention time; v6 committed leader
 * epoch; v7 group.instance.id; v8 flexible; v9 KIP-848 member epoch, GROUP_ID_NOT_FOUND for an unknown
 * group instead of ILLEGAL_GENERATION.
 */
import type { Message } from '../../protocol/codec.js';
import { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/messages/08-offset-commit.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 8,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,
  request: OffsetCommitRequest,
  response: OffsetCommitResponse,
  async handle(request, ctx) {
    // Answered once the commit is replicated to the ISR of the group's __consumer_offsets partition.
    const result = await ctx.services.groupCoordinator.commitOffsets({
      groupId: request.groupId,
      generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      retentionTimeMs: ctx.apiVersion >= 2 && ctx.apiVersion <= 4 ? request.retentionTimeMs : -1,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: p.committedLeaderEpoch,
          committedMetadata: p.committedMetadata,
        })),
      })),
      apiVersion: ctx.apiVersion,
    });
    return { throttleTimeMs: 0, topics: result.topics };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
      })),
    };
  },
});
