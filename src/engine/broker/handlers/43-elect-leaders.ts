/**
 * ElectLeaders (key 43), versions 0-2.
 *
 * Forwarded to the controller (local, or the active one over the controller channel), which
 * commits a PartitionChangeRecord per partition it elects for (controller/replication-control.ts).
 * PREFERRED (0): the first replica leads if it is in the ISR and active (ELECTION_NOT_NEEDED when it
 * already leads, PREFERRED_LEADER_NOT_AVAILABLE when it cannot). UNCLEAN (1): a leaderless partition
 * gets a leader from its ISR, else any live replica (ELIGIBLE_LEADERS_NOT_AVAILABLE when none).
 * topicPartitions null = every partition, the ones needing no election left out of the answer.
 *
 * v1 election type and a top-level error code (v0 is always PREFERRED); v2 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/messages/43-elect-leaders.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  request: ElectLeadersRequest,
  response: ElectLeadersResponse,
  async handle(request, ctx) {
    const body = { electionType: ctx.apiVersion >= 1 ? request.electionType : 0, topicPartitions: request.topicPartitions, timeoutMs: request.timeoutMs };
    const response = await ctx.services.controller.electLeaders(body);
    return {
      throttleTimeMs: 0,
      errorCode: response.errorCode as number,
      replicaElectionResults: (response.replicaElectionResults as Message[]).map((t) => ({
        topic: t.topic as string,
        partitionResult: (t.partitionResult as Message[]).map((p) => ({ partitionId: p.partitionId as number, errorCode: p.errorCode as number, errorMessage: (p.errorMessage ?? null) as string | null })),
      })),
    };
  },
  errorResponse(request, errorCode) {
    return {
      errorCode,
      replicaElectionResults: ((request.topicPartitions ?? []) as Message[]).map((t) => ({
        topic: t.topic,
        partitionResult: (t.partitions as number[]).map((partitionId) => ({ partitionId, errorCode, errorMessage: null })),
      })),
    };
  },
});
