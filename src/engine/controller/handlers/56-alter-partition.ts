/**
 * AlterPartition (key 56), versions 0-3, on the CONTROLLER listener: a partition leader asks the
 * active controller to commit a new ISR (controller/replication-control.ts). NOT_CONTROLLER on a
 * standby. Top-level STALE_BROKER_EPOCH for a sender whose broker epoch is not its registration's;
 * per partition the errors of Kafka's ReplicationControlManager.alterPartition, or the committed
 * leader, leader epoch, ISR and partition epoch.
 *
 * v1 leader recovery state; v2 topics by id (UNKNOWN_TOPIC_ID, INELIGIBLE_REPLICA and
 * NEW_LEADER_ELECTED, which were UNKNOWN_TOPIC_OR_PARTITION, OPERATION_NOT_ATTEMPTED and
 * FENCED_LEADER_EPOCH before); v3 ISR members with their broker epochs (KIP-903).
 */
import type { Message } from '../../protocol/codec.js';
import { AlterPartitionRequest, AlterPartitionResponse } from '../../protocol/messages/56-alter-partition.js';
import { defineHandler } from '../../broker/handler.js';
import { requireActiveController } from './active-only.js';

export default defineHandler({
  apiKey: 56,
  name: 'AlterPartition',
  minVersion: 0,
  maxVersion: 3,
  request: AlterPartitionRequest,
  response: AlterPartitionResponse,
  async handle(request, ctx) {
    requireActiveController(ctx);
    const response = await ctx.services.controller.alterPartition(request as Message, ctx.apiVersion);
    return response as { throttleTimeMs: number; errorCode: number; topics: never[] };
  },
});
