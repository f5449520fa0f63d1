/**
 * Vote (key 52), versions 0-2, on the CONTROLLER listener: a candidate asks this voter for its
 * vote in a new epoch. v1 adds the voter's and candidate's directory ids (KIP-853), which kt's
 * static quorum does not use; v2 PreVote (KIP-996, Kafka 4.0): would the vote be granted? —
 * answered without changing this voter's epoch or vote.
 */
import { VoteRequest, VoteResponse } from '../../protocol/messages/52-vote.js';
import type { VoteResponse as RaftVoteResponse } from '../../raft/index.js';
import { defineHandler } from '../../broker/handler.js';
import { voteRequestFromWire, voteResponseToWire } from '../quorum/raft-wire-election.js';
import { askRaft } from './raft-request.js';

export default defineHandler({
  apiKey: 52,
  name: 'Vote',
  minVersion: 0,
  maxVersion: 2,
  request: VoteRequest,
  response: VoteResponse,
  async handle(request, ctx) {
    const answer = await askRaft<RaftVoteResponse>(voteRequestFromWire(request, ctx.services.nodeId), ctx);
    return voteResponseToWire(answer) as never;
  },
});
