/**
 * Operations that change metadata, as served on the CONTROLLER listener: only the active
 * controller runs them; a standby answers NOT_CONTROLLER and the sender (controller-channel.ts)
 * tries the next leader. The broker's own handlers for CreateTopics, DeleteTopics,
 * CreatePartitions, AlterConfigs and IncrementalAlterConfigs are reused as they are behind this
 * check: on the controller listener their QuorumController calls run locally, never forwarded.
 */
import type { ApiHandler, RequestContext } from '../../broker/handler.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';

export function requireActiveController(ctx: RequestContext): void {
  if (!ctx.services.controller.isActive) throw new KafkaError(ErrorCode.NOT_CONTROLLER, 'This node is not the active controller');
}

export function activeOnly(handler: ApiHandler): ApiHandler {
  return {
    ...handler,
    handle(request, ctx) {
      requireActiveController(ctx);
      return handler.handle(request, ctx);
    },
  };
}
