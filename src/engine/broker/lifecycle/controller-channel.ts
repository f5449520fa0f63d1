/**
 * How a broker talks to the active controller: one request, one response (Kafka's
 * NodeToControllerChannelManager). The broker lifecycle manager sends BrokerRegistration (62) and
 * BrokerHeartbeat (63) through it; forwarding of admin requests can share it later.
 *
 * Two implementations:
 * - LocalControllerChannel (here): the controller is in this process and active — the single-node
 *   default and combined nodes whose controller leads. It calls the controller handlers' logic
 *   directly, so the in-process path and the network path run the same code.
 * - a network channel (the Raft wiring provides it): finds the active controller through
 *   controller.quorum.bootstrap.servers / voters on the controller listener, negotiates versions
 *   with ApiVersions, follows NOT_CONTROLLER to the new leader.
 *
 * `send` resolves with the controller's response, whatever its error code; it rejects only when no
 * controller answered (unreachable, timed out), and the caller retries after a backoff.
 */
import type { QuorumController } from '../../controller/quorum-controller.js';
import { serveBrokerRegistration } from '../../controller/handlers/62-broker-registration.js';
import { serveBrokerHeartbeat } from '../../controller/handlers/63-broker-heartbeat.js';
import type { RequestBodyFor, ResponseFor } from '../../protocol/api-types.js';
import type { Message } from '../../protocol/codec.js';

export interface ControllerChannel {
  send<K extends number>(apiKey: K, body: RequestBodyFor<K>): Promise<ResponseFor<K>>;
  /** Release connections; pending sends reject. */
  close?(): void;
}

/** The controller in this process, called directly. */
export class LocalControllerChannel implements ControllerChannel {
  constructor(private readonly controller: QuorumController) {}

  async send<K extends number>(apiKey: K, body: RequestBodyFor<K>): Promise<ResponseFor<K>> {
    const request = body as Message;
    switch (apiKey as number) {
      case 62: {
        const reply = await serveBrokerRegistration(this.controller, withRegistrationDefaults(request));
        return { throttleTimeMs: 0, errorCode: reply.errorCode, brokerEpoch: reply.brokerEpoch } as ResponseFor<K>;
      }
      case 63: {
        const reply = await serveBrokerHeartbeat(this.controller, { offlineLogDirs: [], ...request } as never);
        return { throttleTimeMs: 0, errorCode: reply.errorCode, isCaughtUp: reply.isCaughtUp, isFenced: reply.isFenced, shouldShutDown: reply.shouldShutDown } as ResponseFor<K>;
      }
      default:
        throw new Error(`API key ${apiKey} is not served by the in-process controller channel`);
    }
  }
}

/** The request as the codec would decode it: optional fields at their defaults. */
function withRegistrationDefaults(request: Message): never {
  return { isMigratingZkBroker: false, logDirs: [], previousBrokerEpoch: -1, rack: null, ...request } as never;
}
