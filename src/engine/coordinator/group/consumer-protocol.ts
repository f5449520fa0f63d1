/**
 * What the coordinator reads from the embedded consumer protocol. The declarations and their
 * encoders live in protocol/consumer-protocol.ts, shared with kt's group consumer and admin client.
 */
import { decodeSubscription } from '../../protocol/consumer-protocol.js';

/** The topics a consumer subscription names, or undefined if the bytes are not a subscription. */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  return decodeSubscription(metadata)?.topics;
}
