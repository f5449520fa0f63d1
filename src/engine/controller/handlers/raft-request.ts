/**
 * What the KRaft handlers share: hand the decoded request to the Raft client and encode its
 * answer; a request that does not name `__cluster_metadata-0`, or reaches a node without a quorum,
 * is answered with an error and never reaches the client.
 */
import type { RequestContext } from '../../broker/handler.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { RaftRequest, RaftResponse } from '../../raft/index.js';
import { requestSender } from '../quorum/raft-wire.js';

export async function askRaft<R extends RaftResponse>(request: RaftRequest | undefined, ctx: RequestContext): Promise<R> {
  const raft = ctx.services.raft;
  if (!raft) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'this node runs no metadata quorum');
  if (!request) throw new KafkaError(ErrorCode.INVALID_REQUEST, 'the request does not name __cluster_metadata-0');
  return (await raft.handleRequest(requestSender(request), request)) as R;
}
