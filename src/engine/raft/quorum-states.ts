/**
 * The states a replica of the quorum is in, as Kafka's QuorumState names them, and what each
 * remembers. Every state has an epoch; transitions to a higher epoch, to a vote, or to a known
 * leader are persisted (quorum-state) before the client acts on them.
 *
 *   Unattached  - knows no leader in its epoch (it may have voted); waits for one or stands
 *   Prospective - KIP-996 pre-vote: asks whether it WOULD win, without bumping the epoch
 *   Candidate   - bumped the epoch, voted for itself, asks for votes
 *   Leader      - won; appends, serves fetches, advances the high watermark
 *   Follower    - knows the leader of its epoch and fetches from it
 *   Resigned    - a leader that stepped down (gracefully or by check quorum); tells the others
 *
 * Voters move Unattached -> Prospective -> Candidate -> Leader -> Resigned -> Prospective ...,
 * and to Follower/Unattached of a higher epoch whenever they learn one. Observers (non-voters)
 * are only ever Unattached or Follower.
 */
import type { LeaderProgress } from './leader-progress.js';
import type { OffsetAndEpoch } from './messages.js';

export interface UnattachedState {
  name: 'Unattached';
  epoch: number;
  votedId: number;
  electionDeadlineMs: number;
}

export interface ProspectiveState {
  name: 'Prospective';
  epoch: number;
  votedId: number;
  /** The leader this node followed in this epoch before losing it (-1 if none). */
  leaderId: number;
  electionDeadlineMs: number;
  granted: Set<number>;
  rejected: Set<number>;
  /** Elections lost so far, for the exponential backoff. */
  retries: number;
}

export interface CandidateState {
  name: 'Candidate';
  epoch: number;
  electionDeadlineMs: number;
  granted: Set<number>;
  rejected: Set<number>;
  retries: number;
  /** Set once the election is lost: stand again (as Prospective) at this time. */
  backoffUntilMs: number | null;
}

export interface LeaderState {
  name: 'Leader';
  epoch: number;
  progress: LeaderProgress;
}

/** A snapshot being downloaded from the leader by FetchSnapshot. */
export interface SnapshotDownload {
  id: OffsetAndEpoch;
  chunks: Uint8Array[];
  position: number;
}

export interface FollowerState {
  name: 'Follower';
  epoch: number;
  leaderId: number;
  votedId: number;
  /** Stand (voters) or look for the leader again (observers) if no fetch succeeds before this. */
  fetchDeadlineMs: number;
  /** KIP-996: a follower that has heard from its leader refuses pre-votes. */
  hasFetchedFromLeader: boolean;
  /** The next fetch may be sent at this time (after an empty answer or an error). */
  nextFetchMs: number;
  download: SnapshotDownload | null;
}

export interface ResignedState {
  name: 'Resigned';
  epoch: number;
  electionDeadlineMs: number;
  preferredSuccessors: number[];
  /** Voters that have not acknowledged EndQuorumEpoch yet. */
  unacknowledged: Set<number>;
}

export type QuorumStateName = EpochState['name'];

export type EpochState =
  | UnattachedState
  | ProspectiveState
  | CandidateState
  | LeaderState
  | FollowerState
  | ResignedState;

/**
 * The leader this state vouches for in responses, or -1. A resigned leader no longer claims to
 * lead, and a prospective voter has lost its leader: naming it would send other prospective
 * voters back to following a leader that may be gone, and no one would ever stand.
 */
export function knownLeaderId(state: EpochState, localId: number): number {
  switch (state.name) {
    case 'Leader':
      return localId;
    case 'Follower':
      return state.leaderId;
    default:
      return -1;
  }
}

export function majority(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}
