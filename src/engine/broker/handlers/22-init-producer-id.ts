/**
 * InitProducerId (key 22), versions 0-5.
 *
 * Without a transactional id: a fresh producer id at epoch 0 (an idempotent producer), from the
 * blocks the controller records in the metadata log. With one: the id's producer id with its epoch
 * bumped (fencing any older producer; an open transaction of the previous epoch is aborted first and
 * the request answered CONCURRENT_TRANSACTIONS until that is done), after transaction.timeout.ms is
 * checked against transaction.max.timeout.ms (INVALID_TRANSACTION_TIMEOUT). NOT_COORDINATOR /
 * COORDINATOR_LOAD_IN_PROGRESS when the id is not served here now.
 *
 * v1 no wire change; v2 flexible; v3 the producer's current id and epoch (KIP-360: the epoch is bumped
 * only if they still match, else PRODUCER_FENCED; an exhausted epoch gets a new producer id); v4
 * PRODUCER_FENCED (older versions get INVALID_PRODUCER_EPOCH instead); v5 TRANSACTION_ABORTABLE may
 * be returned (KIP-890).
 */
import { ErrorCode } from '../../protocol/errors.js';
import { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/messages/22-init-producer-id.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  request: InitProducerIdRequest,
  response: InitProducerIdResponse,
  async handle(request, ctx) {
    const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({
      throttleTimeMs: 0,
      // Clients before v4 do not know PRODUCER_FENCED.
      errorCode: ctx.apiVersion < 4 && errorCode === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode,
      producerId,
      producerEpoch,
    });
    const producerId: number = ctx.apiVersion >= 3 ? request.producerId : -1;
    const producerEpoch: number = ctx.apiVersion >= 3 ? request.producerEpoch : -1;
    // Both or neither (Kafka's check): one without the other is malformed.
    if ((producerId === -1) !== (producerEpoch === -1)) return answer(ErrorCode.INVALID_REQUEST);
    const result = await ctx.services.transactionCoordinator.initProducerId({
      transactionalId: request.transactionalId ?? null,
      transactionTimeoutMs: request.transactionTimeoutMs,
      expected: producerId === -1 ? undefined : { producerId, producerEpoch },
    });
    return answer(result.errorCode, result.producerId, result.producerEpoch);
  },
});
