/**
 * BrokerHeartbeat (key 63), versions 0-1 (flexible from v0), served by the active controller: a
 * registered broker reports that it is alive and the metadata offset it has applied, and says
 * whether it wants to stay fenced or to shut down; the answer says whether it has caught up, is
 * fenced, and may shut down now. The state machine is broker-heartbeats.ts's, the records it writes
 * cluster-control.ts's.
 *
 * v0: the heartbeat.
 * v1: offlineLogDirs (tagged, KIP-858): kt has one directory per broker in the controller's view, so
 *     they are not acted on.
 *
 * `serveBrokerHeartbeat` is the handler's logic without the network, also used by the broker's
 * in-process controller channel (broker/lifecycle/controller-channel.ts).
 */
import type { BrokerHeartbeatReply } from '../cluster-control.js';
import type { QuorumController } from '../quorum-controller.js';
import { defineHandler } from '../../broker/handler.js';
import type { MessageOf } from '../../protocol/message-types.js';
import { BrokerHeartbeatRequest, BrokerHeartbeatResponse } from '../../protocol/messages/63-broker-heartbeat.js';

export type BrokerHeartbeatMessage = MessageOf<typeof BrokerHeartbeatRequest>;

export function serveBrokerHeartbeat(controller: QuorumController, request: BrokerHeartbeatMessage): Promise<BrokerHeartbeatReply> {
  return controller.processBrokerHeartbeat({
    brokerId: request.brokerId,
    brokerEpoch: request.brokerEpoch,
    currentMetadataOffset: request.currentMetadataOffset,
    wantFence: request.wantFence,
    wantShutDown: request.wantShutDown,
  });
}

export default defineHandler({
  apiKey: 63,
  name: 'BrokerHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  request: BrokerHeartbeatRequest,
  response: BrokerHeartbeatResponse,
  async handle(request, ctx) {
    const reply = await serveBrokerHeartbeat(ctx.services.controller, request);
    return {
      throttleTimeMs: 0,
      errorCode: reply.errorCode,
      isCaughtUp: reply.isCaughtUp,
      isFenced: reply.isFenced,
      shouldShutDown: reply.shouldShutDown,
    };
  },
});
