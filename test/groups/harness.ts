/**
 * A group coordinator on a manual clock with an in-memory __consumer_offsets, for unit tests of the
 * group state machine: no sockets, no sleeping, and every record the coordinator writes is kept.
 */
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { groupConfigFrom } from '../../src/engine/coordinator/group/config.js';
import { GroupCoordinator } from '../../src/engine/coordinator/group/group-coordinator.js';
import { type JoinResult, type SyncResult } from '../../src/engine/coordinator/group/classic-member.js';
import { encodeSubscription } from '../../src/engine/protocol/consumer-protocol.js';
import { OFFSETS_TOPIC } from '../../src/engine/coordinator/group/partitioner.js';
import type { TxnProducer } from '../../src/engine/coordinator/group/offsets-log.js';
import { type CoordinatorRecord, parseRecord, type ParsedRecord } from '../../src/engine/coordinator/group/records.js';
import { ManualTimer } from '../../src/engine/coordinator/group/timer.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import type { ReplicaManager } from '../../src/engine/broker/replica-manager.js';
import type { QuorumController } from '../../src/engine/controller/quorum-controller.js';

export const PARTITIONS = 3;

/** The n-th topic id imageWith() hands out (__consumer_offsets is 1), as a real base64url uuid. */
export function topicIdFor(n: number): string {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0x10000000 + n, 0);
  return b.toString('base64url');
}

export function imageWith(topics: Record<string, number>): MetadataImage {
  const image = new MetadataImage('cluster', 1);
  image.brokers.set(1, { nodeId: 1, endpoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }], rack: null, fenced: false });
  let id = 1;
  for (const [name, count] of Object.entries({ [OFFSETS_TOPIC]: PARTITIONS, ...topics })) {
    const partitions = new Map();
    for (let p = 0; p < count; p++) partitions.set(p, { partition: p, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1] });
    image.putTopic({ name, topicId: topicIdFor(id++), partitions, configs: new Map() });
  }
  return image;
}

/**
 * One offset of the in-memory log: a coordinator record, maybe in a producer's transaction, or a
 * transaction marker (a control record).
 */
export type LogEntry = CoordinatorRecord & { txn?: TxnProducer; marker?: 'commit' | 'abort' };

/** A COMMIT/ABORT control record: key version 0 and type (0 abort, 1 commit); value version 0 and coordinator epoch. */
export function markerRecord(commit: boolean, coordinatorEpoch = 0): CoordinatorRecord {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt32BE(coordinatorEpoch, 2);
  return { key, value };
}

/** An in-memory __consumer_offsets partition: one single-record batch per offset. */
export class MemoryLog {
  readonly records: LogEntry[] = [];
  readonly logStartOffset = 0;

  get highWatermark(): number {
    return this.records.length;
  }

  get logEndOffset(): number {
    return this.records.length;
  }

  read(offset: number, _maxBytes: number, opts: { maxOffset?: number } = {}) {
    const end = Math.min(this.records.length, opts.maxOffset ?? Infinity);
    const r = this.records[offset];
    const producer = r?.txn ? { producerId: r.txn.producerId, producerEpoch: r.txn.producerEpoch, transactional: true } : {};
    const records = offset < end ? buildBatch({ baseOffset: offset, records: [{ key: r.key, value: r.value }], ...producer, isControl: r.marker !== undefined }) : Buffer.alloc(0);
    const n = this.records.length;
    return { records, firstOffset: offset < end ? offset : -1, nextOffset: offset < end ? offset + 1 : offset, logStartOffset: 0, logEndOffset: n, highWatermark: n, lastStableOffset: n };
  }

  /** Whether the producer's last transactional entry here is not followed by its marker. */
  hasOngoingTransaction(producerId: number): boolean {
    for (let i = this.records.length - 1; i >= 0; i--) {
      const r = this.records[i];
      if (r.txn?.producerId === producerId) return r.marker === undefined;
    }
    return false;
  }

  /** Append a COMMIT/ABORT marker for the producer. */
  appendMarker(producerId: number, producerEpoch: number, commit: boolean): void {
    this.records.push({ ...markerRecord(commit), txn: { producerId, producerEpoch }, marker: commit ? 'commit' : 'abort' });
  }
}

export interface Harness {
  coordinator: GroupCoordinator;
  timer: ManualTimer;
  written: { partition: number; record: CoordinatorRecord }[];
  /** Make the next writes fail with this append error (undefined: succeed). */
  failWrites?: number;
  parsed(): ParsedRecord[];
  /** The __consumer_offsets partitions. */
  logs: Map<number, MemoryLog>;
  /** Write a COMMIT/ABORT marker to a partition and tell the coordinator, as the marker writer does. */
  endTxn(partition: number, producerId: number, commit: boolean, producerEpoch?: number): void;
}

export interface HarnessOptions {
  /** The __consumer_offsets partitions, shared between harnesses to simulate a restart. */
  logs?: Map<number, MemoryLog>;
  /** Leave startup() (loading the logs) to the test. */
  manualStartup?: boolean;
}

export async function harness(overrides: Record<string, string> = {}, topics: Record<string, number> = { t: 4, u: 2 }, options: HarnessOptions = {}): Promise<Harness> {
  const config = new BrokerConfig(new Map(Object.entries({ 'group.initial.rebalance.delay.ms': '100', ...overrides })));
  const timer = new ManualTimer();
  const image = imageWith(topics);
  const h: Harness = {
    coordinator: undefined as unknown as GroupCoordinator,
    timer,
    written: [],
    logs: new Map(),
    endTxn: () => {},
    parsed: () => h.written.map((w) => parseRecord(w.record.key, w.record.value)),
  };
  const logs = options.logs ?? new Map<number, MemoryLog>();
  const logOf = (p: number) => {
    if (!logs.has(p)) logs.set(p, new MemoryLog());
    return logs.get(p)!;
  };
  h.coordinator = new GroupCoordinator({
    config: groupConfigFrom(config),
    nodeId: 1,
    log: silentLogger,
    metadata: () => image,
    replicaManager: { get: (_topic: string, p: number) => ({ log: logOf(p) }) } as unknown as ReplicaManager,
    controller: {} as QuorumController,
    timer,
    writer: (partition, records, txn) => {
      if (h.failWrites !== undefined) return { errorCode: h.failWrites, baseOffset: -1 };
      const baseOffset = logOf(partition).records.length;
      for (const record of records) {
        h.written.push({ partition, record });
        logOf(partition).records.push(txn ? { ...record, txn } : record);
      }
      return { errorCode: ErrorCode.NONE, baseOffset };
    },
  });
  h.logs = logs;
  h.endTxn = (partition, producerId, commit, producerEpoch = 0) => {
    logOf(partition).appendMarker(producerId, producerEpoch, commit);
    h.coordinator.completeTransaction(partition, producerId, commit);
  };
  if (!options.manualStartup) await h.coordinator.startup();
  return h;
}

export const subscription = (...topics: string[]): Buffer => encodeSubscription(topics);

export interface JoinOptions {
  memberId?: string;
  groupInstanceId?: string | null;
  protocols?: { name: string; metadata: Buffer }[];
  protocolType?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  apiVersion?: number;
  clientId?: string;
}

/** Start a JoinGroup; the result is a promise that may stay pending until the join phase ends. */
export function join(h: Harness, groupId: string, o: JoinOptions = {}): Promise<JoinResult> {
  return Promise.resolve(
    h.coordinator.joinGroup({
      groupId,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 30_000,
      memberId: o.memberId ?? '',
      groupInstanceId: o.groupInstanceId ?? null,
      protocolType: o.protocolType ?? 'consumer',
      protocols: o.protocols ?? [{ name: 'range', metadata: subscription('t') }],
      reason: null,
      apiVersion: o.apiVersion ?? 5,
      clientId: o.clientId ?? 'client',
      clientHost: '/127.0.0.1',
    }),
  );
}

/** A JoinGroup v4+ new member: MEMBER_ID_REQUIRED, then the real join. */
export async function joinWithId(h: Harness, groupId: string, o: JoinOptions = {}): Promise<{ memberId: string; result: Promise<JoinResult> }> {
  const first = await join(h, groupId, { ...o, apiVersion: o.apiVersion ?? 5 });
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) throw new Error(`expected MEMBER_ID_REQUIRED, got ${first.errorCode}`);
  return { memberId: first.memberId, result: join(h, groupId, { ...o, memberId: first.memberId }) };
}

export function sync(
  h: Harness,
  groupId: string,
  memberId: string,
  generationId: number,
  assignments: Record<string, string> = {},
  groupInstanceId: string | null = null,
): Promise<SyncResult> {
  return Promise.resolve(
    h.coordinator.syncGroup({
      groupId,
      generationId,
      memberId,
      groupInstanceId,
      protocolType: null,
      protocolName: null,
      assignments: Object.entries(assignments).map(([id, a]) => ({ memberId: id, assignment: Buffer.from(a) })),
    }),
  );
}

export const heartbeat = (h: Harness, groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): number =>
  h.coordinator.heartbeat({ groupId, memberId, generationId, groupInstanceId });

/** Whether a promise has settled, without waiting for it. */
export async function settled<T>(p: Promise<T>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([p, Promise.resolve(marker)])) !== marker;
}
