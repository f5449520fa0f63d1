/**
 * The KRaft messages the Raft client exchanges, flattened to the one partition a Raft quorum
 * replicates (`__cluster_metadata-0`).
 *
 * Field names are those of kt's declarations in `src/engine/protocol/messages/` (52-vote.ts,
 * 53-begin-quorum-epoch.ts, 54-end-quorum-epoch.ts, 01-fetch.ts, 59-fetch-snapshot.ts), so the
 * network wiring is a thin adapter: wrap a body in `topics[0].partitions[0]`, copy the top-level
 * fields, and carry `correlationId` as the request header's correlation id. `preVote` is Kafka
 * 4.0's Vote v2 field (KIP-996); `replicaEpoch` on Vote is called `candidateEpoch` in v0-1.
 */
import type { RaftBatch } from './raft-log.js';

/** An (offset, epoch) pair: a snapshot id, a diverging epoch's end, a log's end. */
export interface OffsetAndEpoch {
  endOffset: number;
  epoch: number;
}

export interface VoteRequest {
  kind: 'VoteRequest';
  clusterId: string | null;
  voterId: number;
  candidateEpoch: number;
  candidateId: number;
  lastOffsetEpoch: number;
  lastOffset: number;
  /** KIP-996: ask whether the vote WOULD be granted, without anyone changing epoch or vote. */
  preVote: boolean;
}

export interface VoteResponse {
  kind: 'VoteResponse';
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  voteGranted: boolean;
}

export interface BeginQuorumEpochRequest {
  kind: 'BeginQuorumEpochRequest';
  clusterId: string | null;
  voterId: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface BeginQuorumEpochResponse {
  kind: 'BeginQuorumEpochResponse';
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface EndQuorumEpochRequest {
  kind: 'EndQuorumEpochRequest';
  clusterId: string | null;
  leaderId: number;
  leaderEpoch: number;
  /** Voters ordered by how caught up the resigning leader saw them: the first should stand first. */
  preferredSuccessors: number[];
}

export interface EndQuorumEpochResponse {
  kind: 'EndQuorumEpochResponse';
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
}

export interface FetchRequest {
  kind: 'FetchRequest';
  clusterId: string | null;
  /** replicaState.replicaId in v15+, replicaId before. */
  replicaId: number;
  maxWaitMs: number;
  currentLeaderEpoch: number;
  fetchOffset: number;
  lastFetchedEpoch: number;
  logStartOffset: number;
  /**
   * The high watermark the fetcher knows (Kafka 4.1's Fetch v18 field, KIP-1166): a leader that
   * knows a higher one answers at once instead of holding the fetch, so followers learn of a
   * commit without waiting out the fetch max wait. Versions without the field send
   * Number.MAX_SAFE_INTEGER ("unknown": hold as before).
   */
  highWatermark: number;
}

export interface FetchResponse {
  kind: 'FetchResponse';
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Set when the follower's log diverges from the leader's: truncate to this and fetch again. */
  divergingEpoch?: OffsetAndEpoch;
  currentLeader: { leaderId: number; leaderEpoch: number };
  /** Set when the fetch offset is below the leader's log start: fetch this snapshot instead. */
  snapshotId?: OffsetAndEpoch;
  /** Encoded into `records` by the wiring; whole batches starting at the fetch offset. */
  records: RaftBatch[];
}

export interface FetchSnapshotRequest {
  kind: 'FetchSnapshotRequest';
  clusterId: string | null;
  replicaId: number;
  maxBytes: number;
  currentLeaderEpoch: number;
  snapshotId: OffsetAndEpoch;
  position: number;
}

export interface FetchSnapshotResponse {
  kind: 'FetchSnapshotResponse';
  errorCode: number;
  snapshotId: OffsetAndEpoch;
  currentLeader: { leaderId: number; leaderEpoch: number };
  size: number;
  position: number;
  unalignedRecords: Uint8Array;
}

export type RaftRequest =
  | VoteRequest
  | BeginQuorumEpochRequest
  | EndQuorumEpochRequest
  | FetchRequest
  | FetchSnapshotRequest;

export type RaftResponse =
  | VoteResponse
  | BeginQuorumEpochResponse
  | EndQuorumEpochResponse
  | FetchResponse
  | FetchSnapshotResponse;

export type RaftMessage = RaftRequest | RaftResponse;

/** A message on the wire: a response echoes its request's correlation id. */
export interface RaftEnvelope {
  correlationId: number;
  message: RaftMessage;
}

export function isRequest(message: RaftMessage): message is RaftRequest {
  return message.kind.endsWith('Request');
}

/** Kafka's error codes the quorum uses (numbers as in `protocol/errors.ts`). */
export const RaftError = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  NOT_LEADER_OR_FOLLOWER: 6,
  INVALID_REQUEST: 42,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  INCONSISTENT_VOTER_SET: 94,
  SNAPSHOT_NOT_FOUND: 98,
  POSITION_OUT_OF_RANGE: 99,
  INCONSISTENT_CLUSTER_ID: 104,
} as const;
