/**
 * Loading a metadata snapshot of 100,000 records (what a restarting controller, or a follower that
 * fell behind the log start, does before serving), against replaying the same records from the
 * metadata log, measured in the same run (best of three each). Also the time to write the snapshot.
 * test/metadata/snapshot-load-time.test.ts prints the same figures. Meant to be registered in run.ts
 * as `snapshot` (`npm run bench -- snapshot`): benchSnapshot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METADATA_TOPIC, MetadataLog } from '../engine/controller/metadata-log.js';
import { metadataRecord, type MetadataRecord } from '../engine/controller/metadata-serde.js';
import { parseLogConfig } from '../engine/log/log-config.js';
import { PartitionLog } from '../engine/log/partition-log.js';
import { silentLogger } from '../engine/logger.js';
import { BOOTSTRAP_FEATURE_LEVELS } from '../engine/metadata/features.js';
import { MetadataImage } from '../engine/metadata/image.js';
import { imageRecords } from '../engine/metadata/image-records.js';
import { ConfigResourceType, RecordType } from '../engine/metadata/record-types.js';
import { applyMetadataRecord, emptyChange } from '../engine/metadata/replay.js';
import { encodeSnapshotBatches } from '../engine/metadata/snapshot-format.js';
import { applySnapshot } from '../engine/metadata/snapshot-apply.js';
import { loadLatestSnapshot, type LoadedSnapshot } from '../engine/metadata/snapshot-loader.js';
import { FileSnapshotStore } from '../engine/metadata/snapshot-store.js';

/** About `count` metadata records: a broker, then topics of 3 partitions with one config each (5 records a topic). */
export function syntheticRecords(count: number): MetadataRecord[] {
  const records: MetadataRecord[] = BOOTSTRAP_FEATURE_LEVELS.map((f) => metadataRecord(RecordType.FeatureLevel, { name: f.name, featureLevel: f.featureLevel }));
  records.push(
    metadataRecord(RecordType.RegisterBroker, {
      brokerId: 1, incarnationId: 'AAAAAAAAAAAAAAAAAAAAAQ', brokerEpoch: 1, endPoints: [{ name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 0 }],
      features: [], rack: null, fenced: false, inControlledShutdown: false, logDirs: [],
    }),
  );
  for (let t = 0; records.length < count; t++) {
    const topicId = Buffer.from(`${t}`.padStart(16, '0')).toString('base64url');
    records.push(metadataRecord(RecordType.Topic, { name: `topic-${t}`, topicId }));
    for (let p = 0; p < 3; p++) {
      records.push(metadataRecord(RecordType.Partition, { partitionId: p, topicId, replicas: [1], isr: [1], removingReplicas: [], addingReplicas: [], leader: 1, leaderEpoch: 0, partitionEpoch: 0 }));
    }
    records.push(metadataRecord(RecordType.Config, { resourceType: ConfigResourceType.Topic, resourceName: `topic-${t}`, name: 'retention.ms', value: '86400000' }));
  }
  return records.slice(0, count);
}

export function imageOf(records: MetadataRecord[]): MetadataImage {
  const image = new MetadataImage('bench-cluster', 1);
  const change = emptyChange();
  records.forEach((r, i) => applyMetadataRecord(image, r.type, r.data, i, change));
  return image;
}

const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

export interface SnapshotLoadFigures {
  records: number;
  snapshotBytes: number;
  writeMs: number;
  loadMs: number;
  logReplayMs: number;
}

/** Write a snapshot of `count` records to a temp dir, then time loading it against replaying a log of the same records. */
export async function measureSnapshotLoad(count: number): Promise<SnapshotLoadFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-snapshot-'));
  try {
    const records = syntheticRecords(count);
    const image = imageOf(records);
    const id = { endOffset: records.length, epoch: 0 };
    const store = new FileSnapshotStore(dir);
    let t = process.hrtime.bigint();
    const writer = store.beginWrite(id);
    for (const batch of encodeSnapshotBatches(id, Date.now(), imageRecords(image))) writer.append(batch);
    writer.freeze({ validate: false });
    const writeMs = ms(t);

    // the same records as a metadata log (1000 a batch), for the yardstick
    const log = PartitionLog.open(path.join(dir, 'log'), { topic: METADATA_TOPIC, partition: 0, config: parseLogConfig({ 'retention.ms': '-1' }), context: { logger: silentLogger } });
    const metadataLog = new MetadataLog(log);
    for (let i = 0; i < records.length; i += 1000) await metadataLog.append(records.slice(i, i + 1000));
    log.updateHighWatermark(log.logEndOffset);

    // best of three runs each, alternating, so JIT warm-up and a busy machine weigh on both alike
    let loadMs = Infinity;
    let logReplayMs = Infinity;
    let loaded!: LoadedSnapshot;
    let fromSnapshot!: MetadataImage;
    let fromLog!: MetadataImage;
    for (let run = 0; run < 3; run++) {
      t = process.hrtime.bigint();
      // the log ends where the snapshot does, so loading it reads the snapshot and nothing else
      loaded = loadLatestSnapshot(new FileSnapshotStore(dir), metadataLog, silentLogger)!;
      fromSnapshot = new MetadataImage('bench-cluster', 1);
      applySnapshot(fromSnapshot, loaded.id, loaded.records);
      loadMs = Math.min(loadMs, ms(t));

      t = process.hrtime.bigint();
      fromLog = new MetadataImage('bench-cluster', 1);
      const change = emptyChange();
      for (const { offset, record } of metadataLog.replay()) applyMetadataRecord(fromLog, record.type, record.data, offset, change);
      logReplayMs = Math.min(logReplayMs, ms(t));
    }
    log.close();
    if (fromSnapshot.topicsByName.size !== image.topicsByName.size || fromLog.topicsByName.size !== image.topicsByName.size) throw new Error('snapshot bench: images differ');
    return { records: loaded.records.length, snapshotBytes: store.size(id)!, writeMs, loadMs, logReplayMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSnapshot(): Promise<string[]> {
  const f = await measureSnapshotLoad(100_000);
  return [
    `metadata snapshot: ${f.records} records, ${(f.snapshotBytes / 1024 / 1024).toFixed(1)} MiB`,
    `  write snapshot            ${f.writeMs.toFixed(0).padStart(6)} ms`,
    `  load snapshot into image  ${f.loadMs.toFixed(0).padStart(6)} ms`,
    `  replay the same log       ${f.logReplayMs.toFixed(0).padStart(6)} ms  (yardstick; ratio ${(f.loadMs / f.logReplayMs).toFixed(2)})`,
  ];
}
