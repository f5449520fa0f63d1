/**
 * FetchSnapshot (key 59), versions 0-1, on the CONTROLLER listener: a follower whose fetch offset
 * fell below the leader's log start downloads the leader's snapshot in chunks (position, size).
 * v1 adds the replica's directory id and the leader's endpoints (KIP-853), unused here.
 */
import { FetchSnapshotRequest, FetchSnapshotResponse } from '../../protocol/messages/59-fetch-snapshot.js';
import type { FetchSnapshotResponse as RaftResponse } from '../../raft/index.js';
import { defineHandler } from '../../broker/handler.js';
import { fetchSnapshotRequestFromWire, fetchSnapshotResponseToWire } from '../quorum/raft-wire-fetch.js';
import { askRaft } from './raft-request.js';

export default defineHandler({
  apiKey: 59,
  name: 'FetchSnapshot',
  minVersion: 0,
  maxVersion: 1,
  request: FetchSnapshotRequest,
  response: FetchSnapshotResponse,
  async handle(request, ctx) {
    const answer = await askRaft<RaftResponse>(fetchSnapshotRequestFromWire(request), ctx);
    return fetchSnapshotResponseToWire(answer) as never;
  },
});
