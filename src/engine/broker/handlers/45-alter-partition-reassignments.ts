/**
 * AlterPartitionReassignments (key 45), version 0.
 *
 * Forwarded to the controller (controller/reassignment.ts): target replicas start a reassignment
 * (replicas = target then the ones being removed, addingReplicas, removingReplicas), which
 * completes once every target replica is in the ISR; null replicas cancel one in progress
 * (NO_REASSIGNMENT_IN_PROGRESS when there is none). Per partition: UNKNOWN_TOPIC_OR_PARTITION,
 * INVALID_REPLICA_ASSIGNMENT (empty, duplicate or unregistered brokers).
 */
import type { Message } from '../../protocol/codec.js';
import { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/messages/45-alter-partition-reassignments.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 45,
  name: 'AlterPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  request: AlterPartitionReassignmentsRequest,
  response: AlterPartitionReassignmentsResponse,
  async handle(request, ctx) {
    const response = await ctx.services.controller.alterPartitionReassignments({ timeoutMs: request.timeoutMs, topics: request.topics });
    return {
      throttleTimeMs: 0,
      errorCode: response.errorCode as number,
      errorMessage: (response.errorMessage ?? null) as string | null,
      responses: (response.responses as Message[]).map((t) => ({
        name: t.name as string,
        partitions: (t.partitions as Message[]).map((p) => ({ partitionIndex: p.partitionIndex as number, errorCode: p.errorCode as number, errorMessage: (p.errorMessage ?? null) as string | null })),
      })),
    };
  },
});
