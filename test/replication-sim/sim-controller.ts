/**
 * The active controller of the simulation (node 0; it never fails here — the Raft simulation covers
 * the quorum). Its decisions are kt's own pure functions over a small metadata image:
 *
 * - AlterPartition: planAlterPartition (replication-control.ts) — broker epoch, leader epoch,
 *   partition epoch and eligibility checks, then the PartitionChangeRecord;
 * - fencing a broker whose session expired (one per check, as planFenceOneStaleBroker) and
 *   unfencing a caught-up one: leaderAndIsrUpdates (partition-leadership.ts), so the ISR never
 *   empties and leaders are elected from the ISR only;
 * - registrations as ClusterControlManager: refused while the old incarnation's session is valid,
 *   a new registration starts fenced with the record's offset as its broker epoch.
 *
 * Committed records form the metadata log brokers fetch (in order) and replay.
 */
import { planAlterPartition } from '../../src/engine/controller/replication-control.js';
import { mergeChange } from '../../src/engine/controller/partition-change.js';
import { CLEAN_ELECTIONS, leaderAndIsrUpdates, partitionsWithBrokerInIsr, partitionsWithNoLeader } from '../../src/engine/controller/partition-leadership.js';
import type { MetadataRecord } from '../../src/engine/controller/metadata-serde.js';
import type { BrokerRegistration, MetadataImage, PartitionState, TopicImage } from '../../src/engine/metadata/image.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { SimWorld } from './sim-world.js';

export const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
export const TOPIC = 'sim';

export type MetaRecord =
  | { kind: 'partition'; state: PartitionState; leaderChanged: boolean }
  | { kind: 'broker'; id: number; epoch: number; fenced: boolean };

interface Session {
  epoch: number;
  incarnation: number;
  lastContactMs?: number;
}

export class SimController {
  readonly log: MetaRecord[] = [];
  readonly image: MetadataImage;
  private readonly topic: TopicImage;
  private readonly sessions = new Map<number, Session>();
  private readonly registrations = new Map<number, BrokerRegistration & { incarnation: number }>();

  constructor(
    private readonly world: SimWorld,
    readonly brokerIds: number[],
    replicas: number[],
    readonly sessionTimeoutMs: number,
  ) {
    const partition: PartitionState = { partition: 0, leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0, replicas, isr: [...replicas], addingReplicas: [], removingReplicas: [] };
    this.topic = { name: TOPIC, topicId: TOPIC_ID, partitions: new Map([[0, partition]]), configs: new Map() };
    // Only what the planners read: registrations and the one topic.
    this.image = {
      brokers: this.registrations,
      topicsById: new Map([[TOPIC_ID, this.topic]]),
      topicsByName: new Map([[TOPIC, this.topic]]),
      brokerConfigs: new Map(),
      topic: (name: string) => (name === TOPIC ? this.topic : undefined),
    } as unknown as MetadataImage;
    for (const id of brokerIds) {
      const epoch = this.log.length;
      this.registrations.set(id, { nodeId: id, endpoints: [], rack: null, fenced: false, brokerEpoch: epoch, incarnation: 0 });
      this.sessions.set(id, { epoch, incarnation: 0, lastContactMs: 0 });
      this.log.push({ kind: 'broker', id, epoch, fenced: false });
    }
    this.log.push({ kind: 'partition', state: clone(partition), leaderChanged: true });
  }

  get partition(): PartitionState {
    return this.topic.partitions.get(0)!;
  }

  isFenced(id: number): boolean {
    return this.registrations.get(id)?.fenced ?? true;
  }

  registration(id: number): { epoch: number; fenced: boolean } | undefined {
    const r = this.registrations.get(id);
    return r && { epoch: r.brokerEpoch ?? -1, fenced: r.fenced };
  }

  /** AlterPartition v3: the answer body (records committed at once). */
  alterPartition(request: Message): Message {
    const planned = planAlterPartition(this.image, request, 3, CLEAN_ELECTIONS);
    this.commit(planned.records, `AlterPartition from ${request.brokerId}`);
    return planned.reply;
  }

  /** Returns the broker epoch, or -1 when refused. */
  register(id: number, incarnation: number): number {
    const existing = this.registrations.get(id);
    const session = this.sessions.get(id);
    if (existing && existing.incarnation !== incarnation && session && this.validSession(session, existing.brokerEpoch ?? -1)) return -1;
    if (existing && existing.incarnation === incarnation) return existing.brokerEpoch ?? -1;
    const epoch = this.log.length;
    this.registrations.set(id, { nodeId: id, endpoints: [], rack: null, fenced: true, brokerEpoch: epoch, incarnation });
    this.sessions.set(id, { epoch, incarnation });
    this.log.push({ kind: 'broker', id, epoch, fenced: true });
    this.world.trace(`controller: broker ${id} registered with epoch ${epoch} (fenced)`);
    return epoch;
  }

  /** A heartbeat: ErrorCode; unfences a fenced broker that has caught up with the metadata log. */
  heartbeat(id: number, epoch: number, metadataOffset: number): number {
    const reg = this.registrations.get(id);
    const session = this.sessions.get(id);
    if (!reg || !session || reg.brokerEpoch !== epoch) return ErrorCode.STALE_BROKER_EPOCH;
    session.lastContactMs = this.world.now;
    if (reg.fenced && metadataOffset >= epoch) {
      reg.fenced = false;
      this.log.push({ kind: 'broker', id, epoch, fenced: false });
      this.commit(leaderAndIsrUpdates(this.image, partitionsWithNoLeader(this.image), { brokerToAdd: id }, CLEAN_ELECTIONS), `unfence ${id}`);
      this.world.trace(`controller: broker ${id} unfenced`);
    }
    return ErrorCode.NONE;
  }

  /** Fence one broker whose session expired, if any. */
  fenceOneStaleBroker(): void {
    for (const [id, s] of this.sessions) {
      const reg = this.registrations.get(id)!;
      if (s.lastContactMs === undefined || this.world.now - s.lastContactMs <= this.sessionTimeoutMs || reg.fenced) continue;
      s.lastContactMs = undefined;
      this.commit(leaderAndIsrUpdates(this.image, partitionsWithBrokerInIsr(this.image, id), { brokerToRemove: id }, CLEAN_ELECTIONS), `fence ${id}`);
      reg.fenced = true;
      this.log.push({ kind: 'broker', id, epoch: reg.brokerEpoch ?? -1, fenced: true });
      this.world.trace(`controller: broker ${id} fenced (session expired)`);
      return;
    }
  }

  private validSession(s: Session, epoch: number): boolean {
    return s.epoch === epoch && s.lastContactMs !== undefined && this.world.now - s.lastContactMs <= this.sessionTimeoutMs;
  }

  private commit(records: MetadataRecord[], why: string): void {
    for (const r of records) {
      const before = this.partition;
      const after = mergeChange(before, r.data);
      this.topic.partitions.set(0, after);
      this.log.push({ kind: 'partition', state: clone(after), leaderChanged: after.leaderEpoch !== before.leaderEpoch });
      this.world.trace(`controller (${why}): leader ${after.leader} epoch ${after.leaderEpoch} isr [${after.isr}] pe ${after.partitionEpoch}`);
      this.checkPartition(after);
    }
  }

  /** Invariant (d): the ISR never empties, and a leader is always in it. */
  private checkPartition(p: PartitionState): void {
    if (p.isr.length === 0) this.world.fail(`invariant (d): the ISR became empty`);
    if (p.leader >= 0 && !p.isr.includes(p.leader)) this.world.fail(`invariant (d): leader ${p.leader} is not in the ISR [${p.isr}]`);
  }
}

export function clone(p: PartitionState): PartitionState {
  return { ...p, replicas: [...p.replicas], isr: [...p.isr], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] };
}
