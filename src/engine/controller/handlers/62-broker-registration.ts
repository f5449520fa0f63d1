/**
 * BrokerRegistration (key 62), versions 0-4 (flexible from v0), served by the active controller:
 * a broker registers its listeners, supported features, rack and incarnation id, and gets its broker
 * epoch (the offset of its RegisterBrokerRecord). The rules are cluster-control.ts's.
 *
 * v0: the registration.
 * v1: isMigratingZkBroker — kt has no ZooKeeper migration, so a broker saying it migrates is refused
 *     (BROKER_ID_NOT_REGISTERED), as Kafka's controller refuses it without migration enabled.
 * v2: the broker's log directory ids (KIP-858): accepted, not recorded (kt has no JBOD directory assignment).
 * v3: previousBrokerEpoch (KIP-966), used by Kafka for unclean-shutdown handling with eligible
 *     leader replicas, which kt does not have: ignored.
 * v4: no wire change (a feature's minSupportedVersion may be 0).
 *
 * `serveBrokerRegistration` is the handler's logic without the network, also used by the broker's
 * in-process controller channel (broker/lifecycle/controller-channel.ts).
 */
import type { BrokerRegistrationReply } from '../cluster-control.js';
import type { QuorumController } from '../quorum-controller.js';
import { defineHandler } from '../../broker/handler.js';
import type { MessageOf } from '../../protocol/message-types.js';
import { BrokerRegistrationRequest, BrokerRegistrationResponse } from '../../protocol/messages/62-broker-registration.js';
import { ErrorCode } from '../../protocol/errors.js';

export type BrokerRegistrationMessage = MessageOf<typeof BrokerRegistrationRequest>;

export async function serveBrokerRegistration(controller: QuorumController, request: BrokerRegistrationMessage): Promise<BrokerRegistrationReply> {
  if (request.isMigratingZkBroker) {
    return { errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, errorMessage: 'Controller does not support registering ZK brokers.', brokerEpoch: -1 };
  }
  return controller.registerBroker({
    brokerId: request.brokerId,
    clusterId: request.clusterId,
    incarnationId: request.incarnationId,
    listeners: request.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
    features: request.features.map((f) => ({ name: f.name, minSupportedVersion: f.minSupportedVersion, maxSupportedVersion: f.maxSupportedVersion })),
    rack: request.rack,
  });
}

export default defineHandler({
  apiKey: 62,
  name: 'BrokerRegistration',
  minVersion: 0,
  maxVersion: 4,
  request: BrokerRegistrationRequest,
  response: BrokerRegistrationResponse,
  async handle(request, ctx) {
    const reply = await serveBrokerRegistration(ctx.services.controller, request);
    return { throttleTimeMs: 0, errorCode: reply.errorCode, brokerEpoch: reply.brokerEpoch };
  },
});
