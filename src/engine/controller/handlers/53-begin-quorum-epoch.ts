/**
 * BeginQuorumEpoch (key 53), versions 0-1, on the CONTROLLER listener: a newly elected leader
 * tells the voters of its epoch so they follow it at once. v1 adds directory ids and the leader's
 * endpoints (KIP-853), which kt's static quorum does not use.
 */
import { BeginQuorumEpochRequest, BeginQuorumEpochResponse } from '../../protocol/messages/53-begin-quorum-epoch.js';
import type { BeginQuorumEpochResponse as RaftResponse } from '../../raft/index.js';
import { defineHandler } from '../../broker/handler.js';
import { beginEpochRequestFromWire, beginEpochResponseToWire } from '../quorum/raft-wire-election.js';
import { askRaft } from './raft-request.js';

export default defineHandler({
  apiKey: 53,
  name: 'BeginQuorumEpoch',
  minVersion: 0,
  maxVersion: 1,
  request: BeginQuorumEpochRequest,
  response: BeginQuorumEpochResponse,
  async handle(request, ctx) {
    const answer = await askRaft<RaftResponse>(beginEpochRequestFromWire(request, ctx.services.nodeId), ctx);
    return beginEpochResponseToWire(answer) as never;
  },
});
