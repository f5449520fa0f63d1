/**
 * The active controller's soft state about broker heartbeats, as Kafka's BrokerHeartbeatManager and
 * BrokerHeartbeatTracker keep it: when each registration (broker id and epoch) was last heard from,
 * the metadata offset each broker last reported, and where a broker in controlled shutdown may
 * finish it. None of this is written to the metadata log — heartbeats would flood it — so a newly
 * active controller starts over: it gives every unfenced registration a session beginning at its
 * activation (a broker that never heartbeats again is fenced one session timeout later), and it
 * learns offsets from the next heartbeats.
 *
 * Whether a broker is fenced or in controlled shutdown is not kept here: the metadata image holds
 * it (replayed from the log), so this state cannot disagree with what brokers and clients see.
 */

/** The states a heartbeat moves a broker between (Kafka's BrokerControlState). */
export type BrokerControlState = 'FENCED' | 'UNFENCED' | 'CONTROLLED_SHUTDOWN' | 'SHUTDOWN_NOW';

export interface HeartbeatRequestView {
  wantFence: boolean;
  wantShutDown: boolean;
  currentMetadataOffset: number;
}

interface BrokerSoftState {
  brokerEpoch: number;
  /** Last contact, in the clock's milliseconds; undefined until heard from (or activated). */
  lastContactMs?: number;
  /** The metadata offset the broker last reported; -1 before its first heartbeat here. */
  metadataOffset: number;
  /** The offset whose application by every active broker completes this broker's controlled shutdown; -1 when not shutting down. */
  controlledShutdownOffset: number;
}

export class BrokerHeartbeatManager {
  private readonly brokers = new Map<number, BrokerSoftState>();

  constructor(
    readonly sessionTimeoutMs: number,
    private readonly clock: () => number,
  ) {}

  /**
   * Start tracking a registration. A new broker epoch (a new registration) forgets the old one's
   * session and offsets; the same epoch keeps them.
   */
  register(brokerId: number, brokerEpoch: number): void {
    const known = this.brokers.get(brokerId);
    if (known && known.brokerEpoch === brokerEpoch) return;
    this.brokers.set(brokerId, { brokerEpoch, metadataOffset: -1, controlledShutdownOffset: -1 });
  }

  /** Become active: every unfenced registration gets a session starting now (Kafka's ClusterControlManager.activate). */
  activate(registrations: Iterable<{ nodeId: number; brokerEpoch?: number; fenced: boolean }>, exclude?: number): void {
    this.brokers.clear();
    const now = this.clock();
    for (const r of registrations) {
      this.register(r.nodeId, r.brokerEpoch ?? -1);
      if (!r.fenced && r.nodeId !== exclude) this.brokers.get(r.nodeId)!.lastContactMs = now;
    }
  }

  remove(brokerId: number): void {
    this.brokers.delete(brokerId);
  }

  /** True when this registration was heard from within the session timeout. */
  hasValidSession(brokerId: number, brokerEpoch: number): boolean {
    const b = this.brokers.get(brokerId);
    if (!b || b.brokerEpoch !== brokerEpoch || b.lastContactMs === undefined) return false;
    return !this.isExpired(b.lastContactMs);
  }

  /** Record a heartbeat: contact now, and the metadata offset the broker reported. */
  touch(brokerId: number, brokerEpoch: number, metadataOffset: number): void {
    this.register(brokerId, brokerEpoch);
    const b = this.brokers.get(brokerId)!;
    b.lastContactMs = this.clock();
    b.metadataOffset = metadataOffset;
  }

  /**
   * One broker whose session expired, its session forgotten (so it is fenced once), or undefined.
   * Only brokers with a session are candidates: a fenced broker has none to lose.
   */
  takeOneExpired(isFenced: (brokerId: number) => boolean): number | undefined {
    for (const [id, b] of this.brokers) {
      if (b.lastContactMs !== undefined && this.isExpired(b.lastContactMs) && !isFenced(id)) {
        b.lastContactMs = undefined;
        return id;
      }
    }
    return undefined;
  }

  private isExpired(lastContactMs: number): boolean {
    return lastContactMs + this.sessionTimeoutMs < this.clock();
  }

  shuttingDown(brokerId: number): boolean {
    return (this.brokers.get(brokerId)?.controlledShutdownOffset ?? -1) >= 0;
  }

  /** The broker entered controlled shutdown at `offset`; an earlier offset stands (Kafka keeps the first). */
  enterControlledShutdown(brokerId: number, offset: number): void {
    const b = this.brokers.get(brokerId);
    if (b && b.controlledShutdownOffset < 0) b.controlledShutdownOffset = offset;
  }

  /** A fenced broker leaves controlled shutdown: its next heartbeat asking to shut down is granted at once. */
  fenced(brokerId: number): void {
    const b = this.brokers.get(brokerId);
    if (b) b.controlledShutdownOffset = -1;
  }

  /** The lowest metadata offset reported by the active brokers (unfenced, not shutting down); Infinity when there are none. */
  lowestActiveOffset(isFenced: (brokerId: number) => boolean): number {
    let lowest = Infinity;
    for (const [id, b] of this.brokers) {
      if (!isFenced(id) && b.controlledShutdownOffset < 0) lowest = Math.min(lowest, b.metadataOffset);
    }
    return lowest;
  }

  /**
   * Kafka's calculateNextBrokerState: where a heartbeat takes the broker.
   * - FENCED: wantShutDown → SHUTDOWN_NOW; otherwise unfenced once it has caught up with its own
   *   registration record (currentMetadataOffset >= registerBrokerRecordOffset) and does not ask to stay fenced.
   * - UNFENCED: wantFence (+ wantShutDown → SHUTDOWN_NOW) → FENCED; wantShutDown → CONTROLLED_SHUTDOWN
   *   while it leads partitions, SHUTDOWN_NOW when it leads none.
   * - CONTROLLED_SHUTDOWN: SHUTDOWN_NOW once it leads nothing and every active broker has applied
   *   the records that moved its leadership away.
   */
  nextState(
    brokerId: number,
    current: BrokerControlState,
    request: HeartbeatRequestView,
    registerBrokerRecordOffset: number,
    hasLeaderships: () => boolean,
    isFenced: (brokerId: number) => boolean,
  ): BrokerControlState {
    switch (current) {
      case 'FENCED':
        if (request.wantShutDown) return 'SHUTDOWN_NOW';
        if (!request.wantFence && request.currentMetadataOffset >= registerBrokerRecordOffset) return 'UNFENCED';
        return 'FENCED';
      case 'UNFENCED':
        if (request.wantFence) return request.wantShutDown ? 'SHUTDOWN_NOW' : 'FENCED';
        if (request.wantShutDown) return hasLeaderships() ? 'CONTROLLED_SHUTDOWN' : 'SHUTDOWN_NOW';
        return 'UNFENCED';
      case 'CONTROLLED_SHUTDOWN': {
        if (hasLeaderships()) return 'CONTROLLED_SHUTDOWN';
        const offset = this.brokers.get(brokerId)?.controlledShutdownOffset ?? -1;
        return offset <= this.lowestActiveOffset(isFenced) ? 'SHUTDOWN_NOW' : 'CONTROLLED_SHUTDOWN';
      }
      default:
        return 'SHUTDOWN_NOW';
    }
  }
}
