/**
 * The quorum's timing knobs, by Kafka's `controller.quorum.*` names and defaults.
 */
export interface RaftConfig {
  /** controller.quorum.election.timeout.ms: how long a voter without a leader waits before standing. */
  electionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms: how long a follower waits for the leader before standing. */
  fetchTimeoutMs: number;
  /** controller.quorum.election.backoff.max.ms: the cap of the backoff after a lost election. */
  electionBackoffMaxMs: number;
  /** controller.quorum.request.timeout.ms: an unanswered request is given up after this. */
  requestTimeoutMs: number;
  /** controller.quorum.retry.backoff.ms: the pause before retrying a failed request. */
  retryBackoffMs: number;
  /** How long the leader holds a fetch that has nothing to return (Kafka's fetch max wait, 500 ms). */
  fetchMaxWaitMs: number;
  /** At most this many records per fetch response. */
  fetchMaxRecords: number;
  /** At most this many bytes per FetchSnapshot response. */
  fetchSnapshotMaxBytes: number;
}

export const DEFAULT_RAFT_CONFIG: RaftConfig = {
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  requestTimeoutMs: 2000,
  retryBackoffMs: 20,
  fetchMaxWaitMs: 500,
  fetchMaxRecords: 2000,
  fetchSnapshotMaxBytes: 1 << 20,
};

/** Kafka's check quorum: a leader not fetched from by a majority within this resigns. */
export function checkQuorumTimeoutMs(config: RaftConfig): number {
  return Math.floor(config.fetchTimeoutMs * 1.5);
}
