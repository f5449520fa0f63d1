/**
 * Fetch (key 1), versions 12-17, on the CONTROLLER listener: followers and observers replicate
 * `__cluster_metadata-0` from the quorum's leader (Kafka's KRaft fetch). Versions from 12, the
 * first with the Raft fields: ClusterId, LastFetchedEpoch (the leader answers DivergingEpoch when
 * the follower's log went another way), CurrentLeader, SnapshotId (fetch a snapshot instead: the
 * offset is below the log start). v13 names the topic by id (Kafka's fixed metadata topic id),
 * v15 carries ReplicaState instead of ReplicaId, v16 node endpoints (empty: kt's voters are
 * static), v17 the replica's directory id (unused). The leader may hold a fetch with nothing new
 * for up to maxWaitMs.
 */
import { FetchRequest, FetchResponse } from '../../protocol/messages/01-fetch.js';
import type { FetchResponse as RaftFetchResponse } from '../../raft/index.js';
import { defineHandler } from '../../broker/handler.js';
import { fetchRequestFromWire, fetchResponseToWire } from '../quorum/raft-wire-fetch.js';
import { askRaft } from './raft-request.js';

export default defineHandler({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 12,
  maxVersion: 17,
  request: FetchRequest,
  response: FetchResponse,
  async handle(request, ctx) {
    const answer = await askRaft<RaftFetchResponse>(fetchRequestFromWire(request, ctx.apiVersion), ctx);
    return fetchResponseToWire(answer, ctx.apiVersion) as never;
  },
});
