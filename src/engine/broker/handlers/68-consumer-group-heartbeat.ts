/**
 * ConsumerGroupHeartbeat (key 68), version 0.
 *
 * The KIP-848 consumer group protocol (group.protocol=consumer in Kafka 4 Java consumers): a single
 * request to join (member epoch 0), leave (-1; -2 for a static member leaving temporarily) and
 * heartbeat with the subscription and the partitions the member owns. The coordinator bumps the group
 * epoch on subscription changes, computes the target assignment with a server-side assignor
 * (group.consumer.assignors: uniform, range) and answers each member with its next assignment and
 * epoch. Served only when group.coordinator.rebalance.protocols includes "consumer".
 *
 * v0 only (v1, the subscribed topic regex, is still unstable upstream).
 */
import type { Message } from '../../protocol/codec.js';
import { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../../protocol/messages/68-consumer-group-heartbeat.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 0,
  request: ConsumerGroupHeartbeatRequest,
  response: ConsumerGroupHeartbeatResponse,
  async handle(request, ctx) {
    const result = await ctx.services.groupCoordinator.consumerGroupHeartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      instanceId: request.instanceId,
      rackId: request.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames,
      serverAssignor: request.serverAssignor,
      topicPartitions: (request.topicPartitions as Message[] | null)?.map((t) => ({ topicId: t.topicId as string, partitions: t.partitions as number[] })) ?? null,
      clientId: ctx.header.clientId ?? '',
      clientHost: ctx.clientHost,
    });
    return { throttleTimeMs: 0, ...result };
  },
});
