/**
 * AllocateProducerIds (key 67), version 0, on the CONTROLLER listener: a broker's transaction
 * coordinator takes its next block of producer ids from the active controller, which records it in
 * the metadata log before answering (producer-ids.ts). NOT_CONTROLLER on a standby controller.
 */
import { AllocateProducerIdsRequest, AllocateProducerIdsResponse } from '../../protocol/messages/67-allocate-producer-ids.js';
import { defineHandler } from '../../broker/handler.js';
import { requireActiveController } from './active-only.js';

export default defineHandler({
  apiKey: 67,
  name: 'AllocateProducerIds',
  minVersion: 0,
  maxVersion: 0,
  request: AllocateProducerIdsRequest,
  response: AllocateProducerIdsResponse,
  async handle(request, ctx) {
    requireActiveController(ctx);
    const block = await ctx.services.controller.allocateProducerIds(request.brokerId, request.brokerEpoch);
    return { throttleTimeMs: 0, errorCode: block.errorCode, producerIdStart: block.producerIdStart, producerIdLen: block.producerIdLen };
  },
});
