/**
 * What kafka-metadata-quorum.sh prints (Kafka's MetadataQuorumCommand): `describe --status` as
 * labelled lines, `describe --replication` as a table of the leader, then the other voters
 * ("Follower"), then the observers. The figures are derived as Kafka derives them: MaxFollowerLag
 * is the leader's log end offset minus the smallest voter's; MaxFollowerLagTimeMs the difference of
 * their last caught-up times (0 when the leader is that voter, -1 when a time is unknown).
 */
import { ZERO_UUID } from '../../engine/protocol/primitives.js';
import type { MetadataQuorum, QuorumEndpoint, QuorumReplica } from '../../engine/client/admin-quorum.js';

/** A mistake or an answer the tool cannot print: one line on stderr, exit status 1. */
export class QuorumToolError extends Error {}

export const REPLICATION_HEADERS = ['NodeId', 'DirectoryId', 'LogEndOffset', 'Lag', 'LastFetchTimestamp', 'LastCaughtUpTimestamp', 'Status'] as const;

function leaderOf(quorum: MetadataQuorum): QuorumReplica {
  const leader = quorum.voters.find((v) => v.replicaId === quorum.leaderId);
  if (!leader) throw new QuorumToolError(`The metadata quorum has no leader among its voters (leader id ${quorum.leaderId}, epoch ${quorum.leaderEpoch}); try again once a leader is elected`);
  return leader;
}

/** `describe --status`: each label padded to 24 columns, as MetadataQuorumCommand prints it. */
export function statusLines(clusterId: string | null, quorum: MetadataQuorum): string[] {
  const leader = leaderOf(quorum);
  // Java's Stream.min: the first of the smallest, so the leader wins a tie when listed first.
  const laggiest = quorum.voters.reduce((min, v) => (v.logEndOffset < min.logEndOffset ? v : min));
  const maxFollowerLag = leader.logEndOffset - laggiest.logEndOffset;
  let maxFollowerLagTimeMs: number;
  if (laggiest === leader) maxFollowerLagTimeMs = 0;
  else if (leader.lastCaughtUpTimestamp !== null && laggiest.lastCaughtUpTimestamp !== null) maxFollowerLagTimeMs = leader.lastCaughtUpTimestamp - laggiest.lastCaughtUpTimestamp;
  else maxFollowerLagTimeMs = -1;
  const rows: [string, string | number][] = [
    ['ClusterId', String(clusterId)],
    ['LeaderId', quorum.leaderId],
    ['LeaderEpoch', quorum.leaderEpoch],
    ['HighWatermark', quorum.highWatermark],
    ['MaxFollowerLag', maxFollowerLag],
    ['MaxFollowerLagTimeMs', maxFollowerLagTimeMs],
    ['CurrentVoters', replicaList(quorum, quorum.voters)],
    ['CurrentObservers', replicaList(quorum, quorum.observers)],
  ];
  return rows.map(([label, value]) => `${`${label}:`.padEnd(24)}${value}`);
}

/** `[{"id": 1, "directoryId": "...", "endpoints": ["CONTROLLER://host:9093"]}, ...]` (a zero directory id and no endpoints are left out). */
export function replicaList(quorum: MetadataQuorum, replicas: readonly QuorumReplica[]): string {
  const one = (r: QuorumReplica): string => {
    let s = `{"id": ${r.replicaId}`;
    if (r.directoryId !== ZERO_UUID) s += `, "directoryId": "${r.directoryId}"`;
    const endpoints = quorum.nodes.get(r.replicaId) ?? [];
    if (endpoints.length > 0) s += `, "endpoints": [${endpoints.map((e) => `"${endpointString(e)}"`).join(', ')}]`;
    return `${s}}`;
  };
  return `[${replicas.map(one).join(', ')}]`;
}

/** RaftVoterEndpoint.toString: IPv6 hosts in brackets. */
export function endpointString(e: QuorumEndpoint): string {
  return `${e.listener}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
}

/** `describe --replication` rows; with humanReadable, timestamps as "N ms ago" relative to `nowMs`. */
export function replicationRows(quorum: MetadataQuorum, humanReadable: boolean, nowMs = Date.now()): string[][] {
  const leader = leaderOf(quorum);
  const time = (ts: number | null, what: string): string => {
    if (ts === null) return '-1';
    if (!humanReadable) return String(ts);
    if (!(ts > 0 && ts <= nowMs)) {
      throw new QuorumToolError(`Error while computing relative time, possible drift in system clock. Current timestamp is ${nowMs}, ${what} timestamp is ${ts}`);
    }
    return `${nowMs - ts} ms ago`;
  };
  const row = (r: QuorumReplica, status: string): string[] => [
    String(r.replicaId),
    r.directoryId,
    String(r.logEndOffset),
    String(leader.logEndOffset - r.logEndOffset),
    time(r.lastFetchTimestamp, 'last fetch'),
    time(r.lastCaughtUpTimestamp, 'last caught up'),
    status,
  ];
  return [
    row(leader, 'Leader'),
    ...quorum.voters.filter((v) => v.replicaId !== quorum.leaderId).map((v) => row(v, 'Follower')),
    ...quorum.observers.map((o) => row(o, 'Observer')),
  ];
}
