/**
 * ListPartitionReassignments (key 46), version 0.
 *
 * Answered by the active controller (controller/reassignment.ts) from its image: the partitions
 * asked for (every partition when topics is null) that have a reassignment in progress, with their
 * replicas, addingReplicas and removingReplicas. Unknown topics and partitions not being
 * reassigned are left out.
 */
import type { Message } from '../../protocol/codec.js';
import { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../../protocol/messages/46-list-partition-reassignments.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  request: ListPartitionReassignmentsRequest,
  response: ListPartitionReassignmentsResponse,
  async handle(request, ctx) {
    const response = await ctx.services.controller.listPartitionReassignments({ timeoutMs: request.timeoutMs, topics: request.topics });
    return {
      throttleTimeMs: 0,
      errorCode: response.errorCode as number,
      errorMessage: (response.errorMessage ?? null) as string | null,
      topics: (response.topics as Message[]).map((t) => ({
        name: t.name as string,
        partitions: (t.partitions as Message[]).map((p) => ({
          partitionIndex: p.partitionIndex as number,
          replicas: p.replicas as number[],
          addingReplicas: p.addingReplicas as number[],
          removingReplicas: p.removingReplicas as number[],
        })),
      })),
    };
  },
});
