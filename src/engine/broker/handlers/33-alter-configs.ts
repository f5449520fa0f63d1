/**
 * AlterConfigs (key 33), versions 0-2. Deprecated by Kafka in favour of IncrementalAlterConfigs, and
 * still what kafkajs's admin.alterConfigs and older tools send.
 *
 * Replaces every dynamic config of each resource with the given set: keys left out are deleted.
 * Topic configs are validated as a whole (INVALID_CONFIG with Kafka's message for an unknown name
 * or a bad value, UNKNOWN_TOPIC_OR_PARTITION for a missing topic); broker resources ("" for the
 * cluster default or this node's id) take only keys that can change while running. BROKER_LOGGER
 * is refused as Kafka refuses it here. validateOnly checks without committing.
 *
 * v1 no wire change (throttling after the response); v2 flexible.
 */
import { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/messages/33-alter-configs.js';
import type { Message } from '../../protocol/codec.js';
import { alterConfigResources } from '../configs/alter-requests.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  request: AlterConfigsRequest,
  response: AlterConfigsResponse,
  async handle(request, ctx) {
    return { throttleTimeMs: 0, responses: await alterConfigResources(request, false, ctx) };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r: Message) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
    };
  },
});
