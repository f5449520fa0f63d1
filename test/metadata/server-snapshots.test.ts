/**
 * Snapshots on a real server, with metadata.log.max.record.bytes.between.snapshots small (and the
 * metadata log's segments and retention small, so cleaning shows): topics are created and deleted
 * over the wire, a `.checkpoint` appears in __cluster_metadata-0, the first segments go, and a
 * restart loads the snapshot and arrives at the same image, serving the same topics. Once
 * in-process (the image itself compared), once as a `kt server-start` process (the topics and
 * their ids compared through Metadata, and `kt dump-log --cluster-metadata-decoder` reading the
 * snapshot).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { METADATA_TOPIC, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { silentLogger } from '../../src/engine/logger.js';
import { canonicalImage, type CanonicalImage } from '../../src/engine/metadata/image-canonical.js';
import { MetadataSnapshots } from '../../src/engine/metadata/metadata-snapshots.js';
import { DEFAULT_SNAPSHOT_SETTINGS } from '../../src/engine/metadata/snapshot-settings.js';
import { FileSnapshotStore } from '../../src/engine/metadata/snapshot-store.js';
import { spawnKt } from '../helpers/kt-process.js';
import { startKt, tempLogDir, waitFor } from '../helpers/kt.js';
import { createTopics } from '../helpers/topics.js';

const SMALL = {
  'metadata.log.max.record.bytes.between.snapshots': '4096',
  'metadata.log.segment.bytes': '4096',
  'metadata.max.retention.bytes': '1',
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const metadataDir = (logDir: string): string => path.join(logDir, '__cluster_metadata-0');
const checkpoints = (logDir: string): string[] => fs.readdirSync(metadataDir(logDir)).filter((n) => n.endsWith('.checkpoint')).sort();
const segments = (logDir: string): string[] => fs.readdirSync(metadataDir(logDir)).filter((n) => n.endsWith('.log')).sort();

/** Create `rounds` topics, deleting every third, over the wire. */
async function churn(conn: BrokerConnection, rounds: number, prefix: string): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await createTopics(conn, [{ name: `${prefix}-${i}`, partitions: 2, configs: { 'retention.ms': String(60_000 + i) } }]);
    if (i % 3 === 0) {
      const res = await conn.send(20, 6, { topics: [{ name: `${prefix}-${i}`, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: 10_000 });
      expect(res.responses[0].errorCode).toBe(0);
    }
  }
}

/** Every topic the broker serves, with its id and partition count, from a Metadata v12 request. */
async function servedTopics(conn: BrokerConnection): Promise<string[]> {
  const res = await conn.send(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return res.topics.map((t: { name: string; topicId: string; partitions: unknown[] }) => `${t.name} ${t.topicId} ${t.partitions.length}`).sort();
}

/** What a restart does not change by itself: topics with their ids, partitions and configs; features; broker configs. */
function topicsAndConfigs(image: CanonicalImage): unknown {
  return {
    features: image.features,
    brokerConfigs: image.brokerConfigs,
    topics: (image.topics as { name: string; topicId: string; partitions: unknown[]; configs: unknown }[]).map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.length, configs: t.configs })),
  };
}

/** The image a controller rebuilds from the metadata log directory (latest snapshot + the log after it). */
async function loadImageOffline(dir: string, clusterId: string): Promise<CanonicalImage> {
  const log = PartitionLog.open(dir, { topic: METADATA_TOPIC, partition: 0, config: parseLogConfig({ 'retention.ms': '-1' }), context: { logger: silentLogger } });
  try {
    log.updateHighWatermark(log.logEndOffset);
    const snapshots = new MetadataSnapshots(new FileSnapshotStore(dir), DEFAULT_SNAPSHOT_SETTINGS, silentLogger);
    const controller = new QuorumController(new MetadataLog(log), clusterId, 1, silentLogger, snapshots);
    await controller.start();
    await controller.close();
    return canonicalImage(controller.image);
  } finally {
    log.close();
  }
}

describe('metadata snapshots on a running server', () => {
  it('in process: a snapshot appears, old segments go, a restart loads it to the same image and serves the same topics', async () => {
    const dir = tempLogDir();
    dirs.push(dir);
    const kt = await startKt({ 'log.dirs': dir, ...SMALL });
    const conn = await kt.connect();
    await churn(conn, 75, 'churn');
    await waitFor(() => checkpoints(dir).length > 0 && !segments(dir).includes('00000000000000000000.log'), 'a snapshot and the first metadata segment deleted');
    const topicsBefore = await servedTopics(conn);
    expect(topicsBefore.length).toBe(50);
    await kt.stop();
    // the image as the server left it (a clean stop writes records too: controlled shutdown)
    const before = canonicalImage(kt.server.metadata());
    expect(checkpoints(dir).length).toBeGreaterThan(0);
    // exactly the image before the stop, offset and broker registration included, from snapshot + log
    expect(await loadImageOffline(metadataDir(dir), before.clusterId)).toEqual(before);

    const again = await startKt({ 'log.dirs': dir, ...SMALL });
    try {
      // the restarted server: the same topics, configs and features, but for what starting does by
      // itself (the broker registers again and leads its partitions again; a new producer id block)
      const restarted = canonicalImage(again.server.metadata());
      expect(topicsAndConfigs(restarted)).toEqual(topicsAndConfigs(before));
      expect(restarted.nextProducerId).toBeGreaterThanOrEqual(before.nextProducerId);
      expect(again.server.metadata().brokers.get(1)?.endpoints[0]?.port).toBe(again.port);
      expect(await servedTopics(await again.connect())).toEqual(topicsBefore);
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('as a process: snapshots survive a restart and a SIGKILL, and kt dump-log decodes them', async () => {
    const dir = tempLogDir();
    dirs.push(dir);
    const args = Object.entries(SMALL).flatMap(([k, v]) => ['--override', `${k}=${v}`]);
    const first = await spawnKt(dir, args);
    let topicsBefore: string[];
    try {
      const conn = await BrokerConnection.open('127.0.0.1', first.port, { clientId: 'snap-test' });
      await churn(conn, 45, 'proc');
      await waitFor(() => checkpoints(dir).length > 0 && !segments(dir).includes('00000000000000000000.log'), 'a snapshot and the first metadata segment deleted');
      topicsBefore = await servedTopics(conn);
      conn.close();
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(topicsBefore.length).toBe(30);

    const latest = checkpoints(dir).at(-1)!;
    const dump = execFileSync(process.execPath, ['bin/kt', 'dump-log', '--cluster-metadata-decoder', '--files', path.join(metadataDir(dir), latest)], { encoding: 'utf8' });
    const lines = dump.split('\n');
    expect(lines[1]).toBe(`Snapshot end offset: ${Number(latest.slice(0, 20))}, epoch: 0`);
    expect(dump).toMatch(/\| offset: 0 CreateTime: \d+ keySize: 4 valueSize: \d+ sequence: -1 headerKeys: \[\] SnapshotHeader \{"version":0,"lastContainedLogTimestamp":\d+\}/);
    expect(dump).toMatch(/SnapshotFooter \{"version":0\}\n/);
    expect(dump).toContain('payload: {"type":"FEATURE_LEVEL_RECORD","version":0,"data":{"name":"metadata.version","featureLevel":21}}');
    expect(dump).toMatch(/payload: \{"type":"TOPIC_RECORD","version":0,"data":\{"name":"proc-1","topicId":"[\w-]{22}"\}\}/);
    expect(dump).toMatch(/payload: \{"type":"REGISTER_BROKER_RECORD"/);

    const second = await spawnKt(dir, args);
    let topicsAtKill: string[];
    try {
      expect(second.output()).toMatch(/Loaded snapshot \d{20}-\d{10}/);
      const conn = await BrokerConnection.open('127.0.0.1', second.port, { clientId: 'snap-test' });
      // the broker registered again on the new port; the topics are the same ones, ids and all
      expect(await servedTopics(conn)).toEqual(topicsBefore);
      // more snapshots on top of a loaded one, then SIGKILL: every acknowledged topic must survive
      const snapshotsBefore = checkpoints(dir);
      await churn(conn, 30, 'kill');
      await waitFor(() => checkpoints(dir).some((n) => !snapshotsBefore.includes(n)), 'a snapshot newer than the loaded one');
      topicsAtKill = await servedTopics(conn);
      conn.close();
    } finally {
      await second.stop('SIGKILL');
    }
    expect(topicsAtKill.length).toBe(50);

    const third = await spawnKt(dir, args);
    try {
      const conn = await BrokerConnection.open('127.0.0.1', third.port, { clientId: 'snap-test' });
      expect(await servedTopics(conn)).toEqual(topicsAtKill);
      conn.close();
    } finally {
      await third.stop('SIGTERM');
    }
  }, 120_000);
});
