/**
 * IncrementalAlterConfigs (key 44), versions 0-1: what kafka-configs.sh, librdkafka
 * (incremental_alter_configs) and the Java admin client use to change configs.
 *
 * Each entry SETs, DELETEs, APPENDs to or SUBTRACTs from one key of a topic or a broker resource
 * ("" for the cluster-wide default or this node's id); APPEND/SUBTRACT work on list configs and
 * start from the default when the key is unset. The whole resource is validated before anything
 * is committed, with Kafka's error codes and messages; changes reach the partition logs live
 * through the metadata image. BROKER_LOGGER is answered with a clear INVALID_REQUEST: kt has no
 * runtime log levels. validateOnly checks without committing.
 *
 * v1 flexible.
 */
import { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../../protocol/messages/44-incremental-alter-configs.js';
import type { Message } from '../../protocol/codec.js';
import { alterConfigResources } from '../configs/alter-requests.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  request: IncrementalAlterConfigsRequest,
  response: IncrementalAlterConfigsResponse,
  async handle(request, ctx) {
    return { throttleTimeMs: 0, responses: await alterConfigResources(request, true, ctx) };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r: Message) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })),
    };
  },
});
