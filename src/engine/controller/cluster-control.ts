/**
 * Brokers in the cluster, on the active controller: Kafka's ClusterControlManager (registrations)
 * with the broker half of ReplicationControlManager (what a heartbeat, a fencing or a controlled
 * shutdown does to partitions). Like topic-control, nothing here writes: each decision returns the
 * metadata records that carry it out, and the controller appends and replays them.
 *
 * - BrokerRegistration: the cluster id must match; the finalized features must be within the
 *   ranges the broker supports (else UNSUPPORTED_VERSION); a broker id whose registration still has
 *   a live session may re-register only with the same incarnation id (the same process retrying),
 *   another incarnation gets DUPLICATE_BROKER_REGISTRATION until that session expires. The
 *   RegisterBrokerRecord registers the broker fenced; its offset in the metadata log is the broker
 *   epoch.
 * - BrokerHeartbeat: the broker epoch must be the registration's (else STALE_BROKER_EPOCH); the
 *   heartbeat moves the broker between FENCED, UNFENCED, CONTROLLED_SHUTDOWN and SHUTDOWN_NOW
 *   (broker-heartbeats.ts) and writes what each transition needs, as Kafka at metadata.version
 *   3.9 writes them: BrokerRegistrationChangeRecord (fenced 1 / -1, inControlledShutdown 1) plus
 *   the PartitionChangeRecords that move leadership (partition-leadership.ts).
 * - Sessions: a broker not heard from for broker.session.timeout.ms is fenced, one per check, so the
 *   effect of each fencing is visible before the next.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { BrokerRegistration, MetadataImage } from '../metadata/image.js';
import { RecordType, SECURITY_PROTOCOLS } from '../metadata/record-types.js';
import { BrokerHeartbeatManager, type BrokerControlState } from './broker-heartbeats.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';
import { CLEAN_ELECTIONS, hasLeaderships, leaderAndIsrUpdates, partitionsWithBrokerInIsr, partitionsWithNoLeader, type ElectionPolicy } from './partition-leadership.js';

/** BrokerRegistrationChangeRecord.fenced values (Kafka's BrokerRegistrationFencingChange). */
const FENCE = 1;
const UNFENCE = -1;
/** BrokerRegistrationChangeRecord.inControlledShutdown: entering controlled shutdown. */
const IN_CONTROLLED_SHUTDOWN = 1;

export const DEFAULT_BROKER_SESSION_TIMEOUT_MS = 9000;

export interface BrokerRegistrationRequest {
  brokerId: number;
  /** Checked against the cluster's id when given (a network request always gives it). */
  clusterId?: string;
  incarnationId: string;
  listeners: { name: string; host: string; port: number; securityProtocol: number }[];
  features: { name: string; minSupportedVersion: number; maxSupportedVersion: number }[];
  rack: string | null;
}

export interface BrokerRegistrationReply {
  errorCode: number;
  errorMessage: string | null;
  brokerEpoch: number;
}

export interface BrokerHeartbeatRequest {
  brokerId: number;
  brokerEpoch: number;
  currentMetadataOffset: number;
  wantFence: boolean;
  wantShutDown: boolean;
}

export interface BrokerHeartbeatReply {
  errorCode: number;
  errorMessage: string | null;
  isCaughtUp: boolean;
  isFenced: boolean;
  inControlledShutdown: boolean;
  shouldShutDown: boolean;
}

export interface ClusterControlOptions {
  /** broker.session.timeout.ms */
  sessionTimeoutMs?: number;
  /** Milliseconds; injectable so tests drive session expiry. */
  clock?: () => number;
}

export interface Planned<T> {
  records: MetadataRecord[];
  reply: T;
  /** Called with the offset of the batch's last record once it is committed. */
  committed?(lastOffset: number): void;
}

export class ClusterControl {
  readonly heartbeats: BrokerHeartbeatManager;
  private active = false;
  /** Whether leaderless partitions may elect outside the ISR (set by the QuorumController from the configs). */
  electionPolicy: ElectionPolicy = CLEAN_ELECTIONS;

  constructor(
    private readonly image: MetadataImage,
    options: ClusterControlOptions = {},
  ) {
    this.heartbeats = new BrokerHeartbeatManager(options.sessionTimeoutMs ?? DEFAULT_BROKER_SESSION_TIMEOUT_MS, options.clock ?? Date.now);
  }

  get isActive(): boolean {
    return this.active;
  }

  /**
   * This controller became the active one: sessions start now for every unfenced broker. `localBrokerId`
   * is the broker in this same process (combined mode), whose old registration belongs to a process
   * that is certainly gone — it gets no session, so the new process may register at once.
   */
  activate(localBrokerId?: number): void {
    this.heartbeats.activate(this.image.brokers.values(), localBrokerId);
    this.active = true;
  }

  deactivate(): void {
    this.active = false;
  }

  private isFenced = (id: number): boolean => this.image.brokers.get(id)?.fenced ?? true;

  planRegistration(req: BrokerRegistrationRequest, brokerEpoch: number): Planned<BrokerRegistrationReply> {
    const refuse = (errorCode: number, errorMessage: string): Planned<BrokerRegistrationReply> => ({ records: [], reply: { errorCode, errorMessage, brokerEpoch: -1 } });
    if (!this.active) return refuse(ErrorCode.NOT_CONTROLLER, 'This controller is not the active controller.');
    if (req.clusterId !== undefined && req.clusterId !== this.image.clusterId) {
      return refuse(ErrorCode.INCONSISTENT_CLUSTER_ID, `Expected cluster ID ${this.image.clusterId}, but got cluster ID ${req.clusterId}`);
    }
    const existing = this.image.brokers.get(req.brokerId);
    if (existing && existing.incarnationId !== req.incarnationId && this.heartbeats.hasValidSession(req.brokerId, existing.brokerEpoch ?? -1)) {
      return refuse(ErrorCode.DUPLICATE_BROKER_REGISTRATION, 'Another broker is registered with that broker id.');
    }
    for (const [name, level] of this.image.features) {
      const supported = req.features.find((f) => f.name === name);
      if (!supported) continue; // Kafka logs a feature the broker does not name and goes on.
      if (level < supported.minSupportedVersion || level > supported.maxSupportedVersion) {
        return refuse(
          ErrorCode.UNSUPPORTED_VERSION,
          `Unable to register because the broker does not support version ${level} of ${name}. It wants a version between ${supported.minSupportedVersion} and ${supported.maxSupportedVersion}, inclusive.`,
        );
      }
    }
    if (existing && existing.incarnationId === req.incarnationId && sameRegistration(existing, req)) {
      // The same process asking again (its answer was lost): the registration it already has stands.
      return { records: [], reply: { errorCode: ErrorCode.NONE, errorMessage: null, brokerEpoch: existing.brokerEpoch ?? -1 } };
    }
    const record = metadataRecord(RecordType.RegisterBroker, {
      brokerId: req.brokerId,
      incarnationId: req.incarnationId,
      brokerEpoch,
      endPoints: req.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port, securityProtocol: l.securityProtocol })),
      features: req.features.map((f) => ({ ...f })),
      rack: req.rack,
      fenced: true,
      inControlledShutdown: false,
      logDirs: [],
    });
    return {
      records: [record],
      reply: { errorCode: ErrorCode.NONE, errorMessage: null, brokerEpoch },
      committed: () => this.heartbeats.register(req.brokerId, brokerEpoch),
    };
  }

  private currentState(brokerId: number): BrokerControlState {
    if (this.heartbeats.shuttingDown(brokerId)) return 'CONTROLLED_SHUTDOWN';
    return this.isFenced(brokerId) ? 'FENCED' : 'UNFENCED';
  }

  planHeartbeat(req: BrokerHeartbeatRequest): Planned<BrokerHeartbeatReply> {
    const reply = (errorCode: number, errorMessage: string | null): BrokerHeartbeatReply => ({
      errorCode,
      errorMessage,
      isCaughtUp: false,
      isFenced: true,
      inControlledShutdown: false,
      shouldShutDown: false,
    });
    if (!this.active) return { records: [], reply: reply(ErrorCode.NOT_CONTROLLER, 'This controller is not the active controller.') };
    const registration = this.image.brokers.get(req.brokerId);
    if (!registration) return { records: [], reply: reply(ErrorCode.STALE_BROKER_EPOCH, `No broker registration found for broker id ${req.brokerId}`) };
    const registeredAt = registration.brokerEpoch ?? -1;
    if (registeredAt !== req.brokerEpoch) {
      return { records: [], reply: reply(ErrorCode.STALE_BROKER_EPOCH, `Expected broker epoch ${registeredAt}, but got broker epoch ${req.brokerEpoch}`) };
    }
    const current = this.currentState(req.brokerId);
    const next = this.heartbeats.nextState(req.brokerId, current, req, registeredAt, () => hasLeaderships(this.image, req.brokerId), this.isFenced);
    const records: MetadataRecord[] = [];
    if (next !== current) {
      if (next === 'UNFENCED') records.push(...this.unfenceRecords(req.brokerId, registeredAt));
      else if (next === 'CONTROLLED_SHUTDOWN') records.push(...this.controlledShutdownRecords(req.brokerId, registeredAt));
      else records.push(...this.fenceRecords(req.brokerId, registeredAt)); // FENCED and SHUTDOWN_NOW
    }
    this.heartbeats.touch(req.brokerId, req.brokerEpoch, req.currentMetadataOffset);
    if (next === 'FENCED' || next === 'SHUTDOWN_NOW') this.heartbeats.fenced(req.brokerId);
    return {
      records,
      reply: {
        ...reply(ErrorCode.NONE, null),
        isCaughtUp: req.currentMetadataOffset >= registeredAt,
        isFenced: next === 'FENCED' || next === 'SHUTDOWN_NOW',
        inControlledShutdown: next === 'CONTROLLED_SHUTDOWN',
        shouldShutDown: next === 'SHUTDOWN_NOW',
      },
      committed: (lastOffset) => {
        if (next === 'CONTROLLED_SHUTDOWN') this.heartbeats.enterControlledShutdown(req.brokerId, lastOffset);
      },
    };
  }

  /** Fence one broker whose session expired, if any (the controller calls this periodically). */
  planFenceOneStaleBroker(): Planned<number | undefined> {
    if (!this.active) return { records: [], reply: undefined };
    const stale = this.heartbeats.takeOneExpired(this.isFenced);
    if (stale === undefined) return { records: [], reply: undefined };
    this.heartbeats.fenced(stale);
    return { records: this.fenceRecords(stale, this.image.brokers.get(stale)?.brokerEpoch ?? -1), reply: stale };
  }

  /** Leadership and ISR away from the broker first, then the fencing itself (Kafka's handleBrokerFenced order). */
  private fenceRecords(brokerId: number, brokerEpoch: number): MetadataRecord[] {
    return [
      ...leaderAndIsrUpdates(this.image, partitionsWithBrokerInIsr(this.image, brokerId), { brokerToRemove: brokerId }, this.electionPolicy),
      metadataRecord(RecordType.BrokerRegistrationChange, { brokerId, brokerEpoch, fenced: FENCE, inControlledShutdown: 0, logDirs: [] }),
    ];
  }

  /** The unfencing, then leaders for partitions that had none and may take this broker (Kafka's handleBrokerUnfenced). */
  private unfenceRecords(brokerId: number, brokerEpoch: number): MetadataRecord[] {
    return [
      metadataRecord(RecordType.BrokerRegistrationChange, { brokerId, brokerEpoch, fenced: UNFENCE, inControlledShutdown: 0, logDirs: [] }),
      ...leaderAndIsrUpdates(this.image, partitionsWithNoLeader(this.image), { brokerToAdd: brokerId }, this.electionPolicy),
    ];
  }

  /** Controlled shutdown recorded, then the broker out of its ISRs and leaderships (Kafka's handleBrokerInControlledShutdown). */
  private controlledShutdownRecords(brokerId: number, brokerEpoch: number): MetadataRecord[] {
    const records: MetadataRecord[] = [];
    if (!this.image.brokers.get(brokerId)?.inControlledShutdown) {
      records.push(metadataRecord(RecordType.BrokerRegistrationChange, { brokerId, brokerEpoch, fenced: 0, inControlledShutdown: IN_CONTROLLED_SHUTDOWN, logDirs: [] }));
    }
    records.push(...leaderAndIsrUpdates(this.image, partitionsWithBrokerInIsr(this.image, brokerId), { brokerToRemove: brokerId }, this.electionPolicy));
    return records;
  }
}

/** The registration already records exactly these listeners, features and rack. */
function sameRegistration(existing: BrokerRegistration, req: BrokerRegistrationRequest): boolean {
  const listeners = (ls: { name: string; host: string; port: number; securityProtocol: string }[]) => JSON.stringify(ls.map((l) => [l.name, l.host, l.port, l.securityProtocol]));
  const features = (fs: { name: string; minSupportedVersion: number; maxSupportedVersion: number }[]) => JSON.stringify(fs.map((f) => [f.name, f.minSupportedVersion, f.maxSupportedVersion]));
  return (
    existing.rack === req.rack &&
    listeners(existing.endpoints) === listeners(req.listeners.map((l) => ({ ...l, securityProtocol: SECURITY_PROTOCOLS[l.securityProtocol] ?? 'PLAINTEXT' }))) &&
    features(existing.supportedFeatures ?? []) === features(req.features)
  );
}
