/**
 * Vote (52), BeginQuorumEpoch (53) and EndQuorumEpoch (54) between kt's decoded messages and the
 * Raft client's flattened ones: the quorum's one partition is `topics[0].partitions[0]` of
 * `__cluster_metadata`. kt sends BeginQuorumEpoch and EndQuorumEpoch v0 (the static voter set of
 * controller.quorum.voters needs none of v1's directory ids or endpoints) and Vote v2, Kafka 4.0's
 * version with PreVote (KIP-996): a voter whose log cannot win asks first, and a refused pre-vote
 * leaves everyone's epoch alone, so a node rejoining behind never unseats a healthy leader.
 */
import type { Message } from '../../protocol/codec.js';
import type {
  BeginQuorumEpochRequest,
  BeginQuorumEpochResponse,
  EndQuorumEpochRequest,
  EndQuorumEpochResponse,
  VoteRequest,
  VoteResponse,
} from '../../raft/index.js';
import { METADATA_TOPIC } from '../metadata-log.js';

export const ELECTION_WIRE_VERSION = 0;
export const VOTE_WIRE_VERSION = 2;

/** The quorum partition of a request or response, or undefined when it names another. */
export function quorumPartition(body: Message, topicField = 'topicName', indexField = 'partitionIndex'): Message | undefined {
  const topic = (body.topics as Message[] | undefined)?.find((t) => t[topicField] === METADATA_TOPIC);
  return (topic?.partitions as Message[] | undefined)?.find((p) => p[indexField] === 0);
}

const wrap = (partition: Message): Message[] => [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, ...partition }] }];

// ---- Vote ------------------------------------------------------------------------------------

export function voteRequestToWire(r: VoteRequest): Message {
  return { clusterId: r.clusterId, voterId: r.voterId, topics: wrap({ candidateEpoch: r.candidateEpoch, candidateId: r.candidateId, lastOffsetEpoch: r.lastOffsetEpoch, lastOffset: r.lastOffset, preVote: r.preVote }) };
}

export function voteRequestFromWire(body: Message, localId: number): VoteRequest | undefined {
  const p = quorumPartition(body);
  if (!p) return undefined;
  return { kind: 'VoteRequest', clusterId: body.clusterId ?? null, voterId: body.voterId ?? localId, candidateEpoch: p.candidateEpoch, candidateId: p.candidateId, lastOffsetEpoch: p.lastOffsetEpoch, lastOffset: p.lastOffset, preVote: p.preVote ?? false };
}

export function voteResponseToWire(r: VoteResponse): Message {
  return { errorCode: 0, topics: wrap({ errorCode: r.errorCode, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch, voteGranted: r.voteGranted }) };
}

export function voteResponseFromWire(body: Message): VoteResponse {
  const p = quorumPartition(body);
  if (!p) return { kind: 'VoteResponse', errorCode: body.errorCode || 42, leaderId: -1, leaderEpoch: -1, voteGranted: false };
  return { kind: 'VoteResponse', errorCode: body.errorCode || p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, voteGranted: p.voteGranted };
}

// ---- BeginQuorumEpoch ------------------------------------------------------------------------

export function beginEpochRequestToWire(r: BeginQuorumEpochRequest): Message {
  return { clusterId: r.clusterId, voterId: r.voterId, topics: wrap({ leaderId: r.leaderId, leaderEpoch: r.leaderEpoch }) };
}

export function beginEpochRequestFromWire(body: Message, localId: number): BeginQuorumEpochRequest | undefined {
  const p = quorumPartition(body);
  if (!p) return undefined;
  return { kind: 'BeginQuorumEpochRequest', clusterId: body.clusterId ?? null, voterId: body.voterId ?? localId, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
}

export function beginEpochResponseToWire(r: BeginQuorumEpochResponse): Message {
  return { errorCode: 0, topics: wrap({ errorCode: r.errorCode, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch }) };
}

export function beginEpochResponseFromWire(body: Message): BeginQuorumEpochResponse {
  const p = quorumPartition(body);
  return { kind: 'BeginQuorumEpochResponse', errorCode: body.errorCode || (p?.errorCode ?? 42), leaderId: p?.leaderId ?? -1, leaderEpoch: p?.leaderEpoch ?? -1 };
}

// ---- EndQuorumEpoch --------------------------------------------------------------------------

export function endEpochRequestToWire(r: EndQuorumEpochRequest): Message {
  return { clusterId: r.clusterId, topics: wrap({ leaderId: r.leaderId, leaderEpoch: r.leaderEpoch, preferredSuccessors: r.preferredSuccessors }) };
}

export function endEpochRequestFromWire(body: Message): EndQuorumEpochRequest | undefined {
  const p = quorumPartition(body);
  if (!p) return undefined;
  const successors: number[] = p.preferredSuccessors ?? (p.preferredCandidates as Message[] | undefined)?.map((c) => c.candidateId) ?? [];
  return { kind: 'EndQuorumEpochRequest', clusterId: body.clusterId ?? null, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, preferredSuccessors: successors };
}

export function endEpochResponseToWire(r: EndQuorumEpochResponse): Message {
  return { errorCode: 0, topics: wrap({ errorCode: r.errorCode, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch }) };
}

export function endEpochResponseFromWire(body: Message): EndQuorumEpochResponse {
  const p = quorumPartition(body);
  return { kind: 'EndQuorumEpochResponse', errorCode: body.errorCode || (p?.errorCode ?? 42), leaderId: p?.leaderId ?? -1, leaderEpoch: p?.leaderEpoch ?? -1 };
}
