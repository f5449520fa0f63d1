/**
 * One member of a classic group: what it sent in its last JoinGroup (protocols with their metadata,
 * timeouts), what the leader assigned it, and the JoinGroup / SyncGroup responses parked for it while
 * the group rebalances.
 */
export const EMPTY_BYTES = Buffer.alloc(0);

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  members: JoinMember[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export const joinError = (errorCode: number, memberId = ''): JoinResult => ({
  errorCode,
  memberId,
  generationId: -1,
  protocolType: null,
  protocolName: null,
  leader: '',
  skipAssignment: false,
  members: [],
});

export const syncError = (errorCode: number): SyncResult => ({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES });

export class ClassicMember {
  assignment: Buffer = EMPTY_BYTES;
  /** Set while a JoinGroup from this member waits for the join phase to end. */
  awaitingJoin?: (result: JoinResult) => void;
  /** Set while a SyncGroup from this member waits for the leader's assignment. */
  awaitingSync?: (result: SyncResult) => void;
  /** Joined in the current rebalance and never got a response yet. */
  isNew = false;

  constructor(
    public memberId: string,
    readonly groupInstanceId: string | null,
    public clientId: string,
    public clientHost: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public protocols: Protocol[],
  ) {}

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== undefined;
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches(protocols: Protocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }

  metadataFor(protocol: string): Buffer {
    const found = this.protocols.find((p) => p.name === protocol);
    if (!found) throw new Error(`member ${this.memberId} does not support protocol ${protocol}`);
    return found.metadata;
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(', ')}`);
    return choice.name;
  }

  completeJoin(result: JoinResult): boolean {
    const respond = this.awaitingJoin;
    if (!respond) return false;
    this.awaitingJoin = undefined;
    respond(result);
    return true;
  }

  completeSync(result: SyncResult): boolean {
    const respond = this.awaitingSync;
    if (!respond) return false;
    this.awaitingSync = undefined;
    respond(result);
    return true;
  }
}
