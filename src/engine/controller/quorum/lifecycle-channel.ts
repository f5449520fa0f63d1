/**
 * The broker lifecycle manager's channel to the active controller (broker/lifecycle/) over the
 * network: BrokerRegistration and BrokerHeartbeat go to whichever node leads the quorum, through
 * the same controller channel forwarded operations use. Each send gives up after one request
 * timeout so the lifecycle manager's own retry and backoff stay in charge.
 */
import type { ControllerChannel as LifecycleChannel } from '../../broker/lifecycle/controller-channel.js';
import type { RequestBodyFor, ResponseFor } from '../../protocol/api-types.js';
import type { Message } from '../../protocol/codec.js';
import type { ControllerChannel } from './controller-channel.js';

/** Versions kt's broker sends (v0 of each carries everything kt's lifecycle manager fills in). */
const VERSIONS: Record<number, number> = { 62: 0, 63: 0 };

export class NetworkLifecycleChannel implements LifecycleChannel {
  constructor(
    private readonly channel: ControllerChannel,
    private readonly deadlineMs: number,
  ) {}

  async send<K extends number>(apiKey: K, body: RequestBodyFor<K>): Promise<ResponseFor<K>> {
    const version = VERSIONS[apiKey as number];
    if (version === undefined) throw new Error(`API key ${apiKey} is not sent to the controller by the lifecycle manager`);
    return (await this.channel.send(apiKey, version, body as Message, this.deadlineMs)) as ResponseFor<K>;
  }
}
