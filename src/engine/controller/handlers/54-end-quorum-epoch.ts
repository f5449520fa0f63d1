/**
 * EndQuorumEpoch (key 54), versions 0-1, on the CONTROLLER listener: a leader resigning (a
 * controlled shutdown) names its preferred successors so they stand at once instead of waiting
 * out the fetch timeout. v0 lists successor ids; v1 (KIP-853) candidates with directory ids.
 */
import { EndQuorumEpochRequest, EndQuorumEpochResponse } from '../../protocol/messages/54-end-quorum-epoch.js';
import type { EndQuorumEpochResponse as RaftResponse } from '../../raft/index.js';
import { defineHandler } from '../../broker/handler.js';
import { endEpochRequestFromWire, endEpochResponseToWire } from '../quorum/raft-wire-election.js';
import { askRaft } from './raft-request.js';

export default defineHandler({
  apiKey: 54,
  name: 'EndQuorumEpoch',
  minVersion: 0,
  maxVersion: 1,
  request: EndQuorumEpochRequest,
  response: EndQuorumEpochResponse,
  async handle(request, ctx) {
    const answer = await askRaft<RaftResponse>(endEpochRequestFromWire(request), ctx);
    return endEpochResponseToWire(answer) as never;
  },
});
