/**
 * The controller with snapshots on a real metadata log (a PartitionLog with small segments):
 * snapshots appear after metadata.log.max.record.bytes.between.snapshots, old snapshots and the
 * segments wholly below the oldest one kept go (metadata.max.retention.bytes), a restart loads the
 * latest snapshot plus the log after it and arrives at the same image; a corrupt latest snapshot
 * falls back to an older one or the full log, and when neither can rebuild the image, start fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METADATA_TOPIC, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { createLogger, silentLogger } from '../../src/engine/logger.js';

const snapLogger = process.env.KT_TEST_LOG_LEVEL ? createLogger('info') : silentLogger;
import { canonicalImage } from '../../src/engine/metadata/image-canonical.js';
import { MetadataSnapshots } from '../../src/engine/metadata/metadata-snapshots.js';
import { snapshotFileName } from '../../src/engine/metadata/snapshot-id.js';
import { DEFAULT_SNAPSHOT_SETTINGS, type SnapshotSettings } from '../../src/engine/metadata/snapshot-settings.js';
import { FileSnapshotStore } from '../../src/engine/metadata/snapshot-store.js';
import { waitFor } from '../helpers/kt.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

interface Node {
  log: PartitionLog;
  snapshots: MetadataSnapshots;
  controller: QuorumController;
  close(): Promise<void>;
}

async function open(dir: string, settings: Partial<SnapshotSettings>, now: () => number = Date.now): Promise<Node> {
  const log = PartitionLog.open(dir, { topic: METADATA_TOPIC, partition: 0, config: parseLogConfig({ 'segment.bytes': '2048', 'retention.ms': '-1', 'file.delete.delay.ms': '0' }), context: { logger: silentLogger } });
  log.updateHighWatermark(log.logEndOffset);
  const snapshots = new MetadataSnapshots(new FileSnapshotStore(dir), { ...DEFAULT_SNAPSHOT_SETTINGS, ...settings }, snapLogger, now);
  const controller = new QuorumController(new MetadataLog(log), 'snap-cluster', 1, silentLogger, snapshots);
  await controller.start();
  return {
    log,
    snapshots,
    controller,
    async close() {
      await controller.close();
      log.close();
    },
  };
}

/**
 * Topics created and deleted. Between rounds the event loop gets a turn, as it does between real
 * requests (which arrive as I/O): a snapshot is written in steps between them, never blocking them.
 */
async function churn(c: QuorumController, rounds: number): Promise<void> {
  await c.registerBroker({ nodeId: 1, rack: null, endpoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT' }] });
  for (let i = 0; i < rounds; i++) {
    await c.createTopics([{ name: `t-${i}`, numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: String(1000 + i) }] }], { numPartitions: 1, replicationFactor: 1 }, false);
    if (i % 3 === 0) await c.deleteTopics([{ name: `t-${i}` }]);
    if (i % 10 === 0) await c.allocateProducerIds(1, 0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const checkpoints = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.checkpoint')).sort();
const segments = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.endsWith('.log')).sort();

describe('controller snapshots on a real metadata log', () => {
  it('snapshots by bytes, cleans old snapshots and segments, and a restart loads the snapshot to the same image', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ctl-snap-'));
    dirs.push(dir);
    const node = await open(dir, { maxBytesBetweenSnapshots: 4096, retentionBytes: 1 });
    await churn(node.controller, 120);
    await node.snapshots.settled();
    await waitFor(() => node.log.logStartOffset > 0, 'the log start to move up to a snapshot');
    const latest = node.snapshots.store.latest()!;
    expect(checkpoints(dir)).toEqual([snapshotFileName(latest)]);
    // every segment left ends after the log start; the first ones went
    expect(segments(dir)[0]).not.toBe('00000000000000000000.log');
    expect(Number(segments(dir)[0]!.slice(0, 20))).toBeLessThanOrEqual(latest.endOffset);
    const before = canonicalImage(node.controller.image);
    await node.close();

    const again = await open(dir, { maxBytesBetweenSnapshots: 4096, retentionBytes: 1 });
    expect(canonicalImage(again.controller.image)).toEqual(before);
    // and it keeps working: new writes on top of the loaded snapshot
    await churn(again.controller, 5);
    const after = canonicalImage(again.controller.image);
    await again.close();
    const third = await open(dir, {});
    expect(canonicalImage(third.controller.image)).toEqual(after);
    await third.close();
  });

  it('snapshots by time: at the first commit after metadata.log.max.snapshot.interval.ms, not before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ctl-snap-'));
    dirs.push(dir);
    let clock = 1_000_000;
    const node = await open(dir, { maxIntervalMs: 60_000 }, () => clock);
    await churn(node.controller, 3);
    clock += 59_999;
    await churn(node.controller, 1);
    await node.snapshots.settled();
    expect(checkpoints(dir)).toEqual([]);
    clock += 1;
    const offsetBefore = node.controller.image.offset;
    await node.controller.allocateProducerIds(1, 0);
    await churn(node.controller, 1);
    await node.controller.close();
    // taken right after the first commit past the interval (a producer id block: one record)
    expect(checkpoints(dir)).toEqual([snapshotFileName({ endOffset: offsetBefore + 2, epoch: 0 })]);
    // up to date, a snapshot has nothing new to hold
    const latest = await node.controller.snapshotNow();
    expect(latest).toEqual({ endOffset: node.controller.image.offset + 1, epoch: 0 });
    clock += 3_600_000;
    expect(await node.controller.snapshotNow()).toBeUndefined();
    await node.close();
  });

  it('a corrupt latest snapshot falls back to an older one, then to the full log', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ctl-snap-'));
    dirs.push(dir);
    // retention off: every snapshot and the whole log stay
    const node = await open(dir, { maxBytesBetweenSnapshots: 4096, retentionBytes: -1, retentionMs: -1 });
    await churn(node.controller, 60);
    await node.snapshots.settled();
    await node.controller.snapshotNow();
    const before = canonicalImage(node.controller.image);
    const ids = node.snapshots.store.list();
    expect(ids.length).toBeGreaterThanOrEqual(3);
    await node.close();

    const damage = (name: string): void => {
      const file = path.join(dir, name);
      fs.chmodSync(file, 0o644);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 30]! ^= 0x5a;
      fs.writeFileSync(file, bytes);
    };
    damage(snapshotFileName(ids[ids.length - 1]!));
    const fallback = await open(dir, {});
    expect(canonicalImage(fallback.controller.image)).toEqual(before);
    expect(fs.existsSync(path.join(dir, `${snapshotFileName(ids[ids.length - 1]!)}.corrupt`))).toBe(true);
    await fallback.close();

    for (const name of checkpoints(dir)) damage(name);
    const fullLog = await open(dir, {});
    expect(canonicalImage(fullLog.controller.image)).toEqual(before);
    await fullLog.close();
  });

  it('a snapshot newer than the whole log (a follower that installed one, then crashed) restarts the log at its end', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ctl-snap-'));
    dirs.push(dir);
    const node = await open(dir, {});
    await churn(node.controller, 10);
    const id = (await node.controller.snapshotNow())!;
    const before = canonicalImage(node.controller.image);
    await node.close();
    for (const name of fs.readdirSync(dir)) if (!name.endsWith('.checkpoint')) fs.rmSync(path.join(dir, name));

    const again = await open(dir, {});
    expect(canonicalImage(again.controller.image)).toEqual(before);
    expect(again.log.logStartOffset).toBe(id.endOffset);
    expect(again.log.logEndOffset).toBe(id.endOffset);
    await churn(again.controller, 2);
    expect(again.controller.image.offset).toBeGreaterThan(id.endOffset);
    const after = canonicalImage(again.controller.image);
    await again.close();
    const third = await open(dir, {});
    expect(canonicalImage(third.controller.image)).toEqual(after);
    await third.close();
  });

  it('refuses to start when the log was cleaned and no valid snapshot reaches its start', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-ctl-snap-'));
    dirs.push(dir);
    const node = await open(dir, { maxBytesBetweenSnapshots: 4096, retentionBytes: 1 });
    await churn(node.controller, 120);
    await node.snapshots.settled();
    await waitFor(() => node.log.logStartOffset > 0, 'the log start to move up to a snapshot');
    await node.close();
    for (const name of checkpoints(dir)) fs.rmSync(path.join(dir, name));
    await expect(open(dir, {})).rejects.toThrow(/Cannot rebuild the metadata: the metadata log starts at offset \d+ and no valid snapshot/);
  });
});
