/**
 * A QuorumController on a real metadata log in a temp directory, with a fake clock and seeded
 * replica placement, and helpers that act as brokers: register (the BrokerRegistration path),
 * heartbeat, catch up. Nothing here sleeps; time moves only when a test advances the clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrokerHeartbeatReply, BrokerRegistrationReply } from '../../src/engine/controller/cluster-control.js';
import { METADATA_TOPIC, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { silentLogger } from '../../src/engine/logger.js';
import { SUPPORTED_FEATURES } from '../../src/engine/metadata/features.js';
import { randomUuid } from '../../src/engine/metadata/meta-properties.js';

export const CLUSTER_ID = 'lifecycle-test-cluster';
export const SESSION_TIMEOUT_MS = 9000;

/** mulberry32: a small seeded PRNG, so placements repeat run after run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TestBroker {
  id: number;
  incarnationId: string;
  epoch: number;
  rack: string | null;
}

export class ControllerFixture {
  now = 1_000_000;
  readonly brokers = new Map<number, TestBroker>();

  private constructor(
    readonly controller: QuorumController,
    private readonly log: PartitionLog,
    private readonly dir: string,
  ) {}

  static async open(seed = 1): Promise<ControllerFixture> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-lifecycle-'));
    const log = PartitionLog.open(dir, { topic: METADATA_TOPIC, partition: 0, config: parseLogConfig({ 'retention.ms': '-1' }), context: { logger: silentLogger } });
    log.updateHighWatermark(log.logEndOffset);
    let fixture: ControllerFixture | undefined;
    const controller = new QuorumController(new MetadataLog(log), CLUSTER_ID, 0, silentLogger, undefined, {
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      clock: () => fixture!.now,
      random: seeded(seed),
    });
    fixture = new ControllerFixture(controller, log, dir);
    await controller.start();
    return fixture;
  }

  get image() {
    return this.controller.image;
  }

  /** Offset of the last record applied: what a broker that has caught up reports. */
  get offset(): number {
    return this.controller.image.offset;
  }

  advance(ms: number): void {
    this.now += ms;
  }

  async register(id: number, options: { rack?: string | null; incarnationId?: string; features?: { name: string; minSupportedVersion: number; maxSupportedVersion: number }[]; clusterId?: string } = {}): Promise<BrokerRegistrationReply> {
    const incarnationId = options.incarnationId ?? randomUuid();
    const rack = options.rack ?? null;
    const reply = await this.controller.registerBroker({
      brokerId: id,
      clusterId: options.clusterId ?? CLUSTER_ID,
      incarnationId,
      listeners: [{ name: 'PLAINTEXT', host: 'localhost', port: 9000 + id, securityProtocol: 0 }],
      features: options.features ?? SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
      rack,
    });
    if (reply.errorCode === 0) this.brokers.set(id, { id, incarnationId, epoch: reply.brokerEpoch, rack });
    return reply;
  }

  heartbeat(id: number, options: { offset?: number; wantFence?: boolean; wantShutDown?: boolean; epoch?: number } = {}): Promise<BrokerHeartbeatReply> {
    const broker = this.brokers.get(id);
    return this.controller.processBrokerHeartbeat({
      brokerId: id,
      brokerEpoch: options.epoch ?? broker?.epoch ?? -1,
      currentMetadataOffset: options.offset ?? this.offset,
      wantFence: options.wantFence ?? false,
      wantShutDown: options.wantShutDown ?? false,
    });
  }

  /** Register brokers and heartbeat them caught up, so they are unfenced. */
  async registerUnfenced(ids: number[], racks: (string | null)[] = []): Promise<void> {
    for (const [i, id] of ids.entries()) {
      const r = await this.register(id, { rack: racks[i] ?? null });
      if (r.errorCode !== 0) throw new Error(`registration of ${id} failed: ${r.errorCode}`);
      const h = await this.heartbeat(id);
      if (h.isFenced) throw new Error(`broker ${id} still fenced`);
    }
  }

  async createTopic(name: string, partitions: number, replicationFactor: number) {
    const [result] = await this.controller.createTopics([{ name, numPartitions: partitions, replicationFactor, assignments: [], configs: [] }], { numPartitions: 1, replicationFactor: 1 }, false);
    return result;
  }

  partitions(topic: string) {
    return [...this.image.topic(topic)!.partitions.values()].sort((a, b) => a.partition - b.partition);
  }

  async close(): Promise<void> {
    await this.controller.close();
    this.log.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
