/**
 * FindCoordinator (key 10), versions 0-6.
 *
 * Answers which broker coordinates a group (key type 0) or a transactional id (key type 1): the
 * leader of the __consumer_offsets / __transaction_state partition the key hashes to, at its endpoint
 * on the listener the request came in on. The first lookup creates the topic through the controller.
 * Other key types (share groups) answer INVALID_REQUEST.
 *
 * v1 key type, throttle time and error message; v2 no wire change; v3 flexible; v4 batched lookup
 * (coordinatorKeys in, a coordinator per key out); v5 and v6 no wire change.
 */
import { errorMessage } from '../../protocol/error-table.js';
import { ErrorCode } from '../../protocol/errors.js';
import { FindCoordinatorRequest, FindCoordinatorResponse } from '../../protocol/messages/10-find-coordinator.js';
import { defineHandler, type RequestContext } from '../handler.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

interface Found {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

const unavailable = (errorCode: number): Found => ({ errorCode, errorMessage: errorMessage(errorCode), nodeId: -1, host: '', port: -1 });

async function lookup(key: string, keyType: number, ctx: RequestContext): Promise<Found> {
  if (keyType === KEY_TYPE_GROUP) {
    const found = await ctx.services.groupCoordinator.findGroupCoordinator(key, ctx.listenerName);
    return found.errorCode === ErrorCode.NONE ? { ...found, errorMessage: 'NONE' } : { ...found, errorMessage: found.errorMessage ?? errorMessage(found.errorCode) };
  }
  if (keyType === KEY_TYPE_TRANSACTION) {
    if (!key) return unavailable(ErrorCode.INVALID_REQUEST);
    const found = await ctx.services.transactionCoordinator.findCoordinator(key, ctx.listenerName);
    return found.errorCode === ErrorCode.NONE ? { ...found, errorMessage: 'NONE' } : { ...found, errorMessage: found.errorMessage ?? errorMessage(found.errorCode) };
  }
  return unavailable(ErrorCode.INVALID_REQUEST);
}

export default defineHandler({
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  request: FindCoordinatorRequest,
  response: FindCoordinatorResponse,
  async handle(request, ctx) {
    const keyType: number = ctx.apiVersion >= 1 ? request.keyType : KEY_TYPE_GROUP;
    if (ctx.apiVersion >= 4) {
      const keys = request.coordinatorKeys as string[];
      const coordinators = await Promise.all(keys.map(async (key) => ({ key, ...(await lookup(key, keyType, ctx)) })));
      return { throttleTimeMs: 0, coordinators };
    }
    return { throttleTimeMs: 0, ...(await lookup(request.key, keyType, ctx)) };
  },
  errorResponse(request, errorCode, ctx) {
    const failed = unavailable(errorCode);
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, coordinators: (request.coordinatorKeys as string[]).map((key) => ({ key, ...failed })) };
    return { throttleTimeMs: 0, ...failed };
  },
});
