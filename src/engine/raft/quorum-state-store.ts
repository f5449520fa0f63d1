/**
 * The election state a voter must not forget across a crash: its epoch, whom it voted for in that
 * epoch, and the leader it knows. Raft's one-vote-per-epoch rule only holds if this is durable
 * BEFORE the vote (or the leadership) is announced, so the client writes it synchronously first.
 *
 * The on-disk shape is Kafka's `quorum-state` file: QuorumStateData as JSON plus `data_version`
 * (raft/QuorumStateData.json). Version 0 carries the static voter set; version 1 (KIP-853) the
 * voted replica's directory id instead.
 */
export interface ElectionState {
  epoch: number;
  /** -1 when no leader is known in this epoch. */
  leaderId: number;
  /** -1 when this node has not voted in this epoch. */
  votedId: number;
}

export interface QuorumStateStore {
  /** The last written state, or undefined on a node that never wrote one. */
  read(): ElectionState | undefined;
  /** Durably replace the state; returns only once it would survive a crash. */
  write(state: ElectionState): void;
}

export class MemoryQuorumStateStore implements QuorumStateStore {
  private state: ElectionState | undefined;
  writes = 0;

  read(): ElectionState | undefined {
    return this.state ? { ...this.state } : undefined;
  }

  write(state: ElectionState): void {
    this.state = { ...state };
    this.writes++;
  }
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Kafka's JSON for QuorumStateData, version 0 (static voters) or 1. */
export function quorumStateToJson(state: ElectionState, voters: number[] | null, version: 0 | 1 = 0): string {
  if (version === 0) {
    return JSON.stringify({
      clusterId: '',
      leaderId: state.leaderId,
      leaderEpoch: state.epoch,
      votedId: state.votedId,
      appliedOffset: 0,
      currentVoters: voters === null ? null : voters.map((voterId) => ({ voterId })),
      data_version: 0,
    });
  }
  return JSON.stringify({
    leaderId: state.leaderId,
    leaderEpoch: state.epoch,
    votedId: state.votedId,
    votedDirectoryId: ZERO_UUID,
    data_version: 1,
  });
}

/** Parse either version; a malformed file throws rather than silently forgetting a vote. */
export function quorumStateFromJson(text: string): ElectionState {
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== 'object' || raw === null) throw new Error('quorum-state is not a JSON object');
  const o = raw as Record<string, unknown>;
  const version = o['data_version'];
  if (version !== 0 && version !== 1) throw new Error(`quorum-state has unknown data_version ${String(version)}`);
  const int = (key: string, dflt: number): number => {
    const v = o[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new Error(`quorum-state field ${key} is not an integer`);
    return v;
  };
  return { epoch: int('leaderEpoch', -1), leaderId: int('leaderId', -1), votedId: int('votedId', -1) };
}
