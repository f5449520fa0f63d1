/**
 * One table from the Raft client's message kinds to KRaft's API keys, wire versions and the
 * adapters of raft-wire-election.ts / raft-wire-fetch.ts, so the channel (outbound) and the
 * controller handlers (inbound) agree on how each message travels.
 */
import type { Message } from '../../protocol/codec.js';
import type { RaftRequest, RaftResponse } from '../../raft/index.js';
import * as election from './raft-wire-election.js';
import * as fetch from './raft-wire-fetch.js';

export interface WireRequest {
  apiKey: number;
  version: number;
  body: Message;
}

export function requestToWire(r: RaftRequest): WireRequest {
  switch (r.kind) {
    case 'VoteRequest':
      return { apiKey: 52, version: election.VOTE_WIRE_VERSION, body: election.voteRequestToWire(r) };
    case 'BeginQuorumEpochRequest':
      return { apiKey: 53, version: election.ELECTION_WIRE_VERSION, body: election.beginEpochRequestToWire(r) };
    case 'EndQuorumEpochRequest':
      return { apiKey: 54, version: election.ELECTION_WIRE_VERSION, body: election.endEpochRequestToWire(r) };
    case 'FetchRequest':
      return { apiKey: 1, version: fetch.FETCH_WIRE_VERSION, body: fetch.fetchRequestToWire(r) };
    case 'FetchSnapshotRequest':
      return { apiKey: 59, version: fetch.FETCH_SNAPSHOT_WIRE_VERSION, body: fetch.fetchSnapshotRequestToWire(r) };
  }
}

/** The response to a request of `kind`, decoded from kt's message. */
export function responseFromWire(kind: RaftRequest['kind'], body: Message): RaftResponse {
  switch (kind) {
    case 'VoteRequest':
      return election.voteResponseFromWire(body);
    case 'BeginQuorumEpochRequest':
      return election.beginEpochResponseFromWire(body);
    case 'EndQuorumEpochRequest':
      return election.endEpochResponseFromWire(body);
    case 'FetchRequest':
      return fetch.fetchResponseFromWire(body);
    case 'FetchSnapshotRequest':
      return fetch.fetchSnapshotResponseFromWire(body);
  }
}

/** The node a request comes from, as its fields name it (Kafka's handlers read the same fields). */
export function requestSender(r: RaftRequest): number {
  switch (r.kind) {
    case 'VoteRequest':
      return r.candidateId;
    case 'BeginQuorumEpochRequest':
    case 'EndQuorumEpochRequest':
      return r.leaderId;
    case 'FetchRequest':
    case 'FetchSnapshotRequest':
      return r.replicaId;
  }
}
