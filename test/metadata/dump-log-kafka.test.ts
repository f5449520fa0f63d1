/**
 * `kt dump-log --cluster-metadata-decoder` against Apache Kafka's own DumpLogSegments
 * (org.apache.kafka.tools, kafka-dump-log.sh) on the same files: a metadata snapshot kt's
 * controller wrote and the metadata log segment it came from. Kafka reading kt's .checkpoint at
 * all shows the format is Kafka's; the outputs being identical shows the decoding is too.
 *
 * Kafka's tools come from test/java-tools (target/lib, filled by `mvn -q -f test/java-tools/pom.xml
 * process-classes`); without them this test reports itself skipped, saying so in its name.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METADATA_TOPIC, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataSnapshots } from '../../src/engine/metadata/metadata-snapshots.js';
import { snapshotFileName } from '../../src/engine/metadata/snapshot-id.js';
import { DEFAULT_SNAPSHOT_SETTINGS } from '../../src/engine/metadata/snapshot-settings.js';
import { FileSnapshotStore } from '../../src/engine/metadata/snapshot-store.js';
import { runOp, type Op } from './metadata-fixtures.js';

const LIB = path.resolve('test/java-tools/target/lib');
const kafkaTools = fs.existsSync(LIB) && fs.readdirSync(LIB).some((n) => /^kafka-tools-.*\.jar$/.test(n));

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const OPS: Op[] = [
  { kind: 'register', nodeId: 1, rack: 'r1', port: 9092 },
  { kind: 'create', name: 'orders', partitions: 3, configs: [['retention.ms', '3600000']] },
  { kind: 'create', name: 'payments', partitions: 2, configs: [['cleanup.policy', 'compact']] },
  { kind: 'delete', name: 'orders' },
  { kind: 'partitions', name: 'payments', count: 4 },
  { kind: 'brokerConfig', resource: '', key: 'log.retention.ms', value: '600000000' },
  { kind: 'brokerConfig', resource: '1', key: 'log.segment.bytes', value: '200000000' },
  { kind: 'producerIds', brokerId: 1 },
];

const dump = (cmd: string[], file: string): string => execFileSync(cmd[0]!, [...cmd.slice(1), '--cluster-metadata-decoder', '--files', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const KT = [process.execPath, 'bin/kt', 'dump-log'];
const KAFKA = ['java', '-cp', `${LIB}/*`, 'org.apache.kafka.tools.DumpLogSegments'];

describe('kt dump-log and Kafka DumpLogSegments', () => {
  it.skipIf(!kafkaTools)(
    `print a kt metadata snapshot and metadata log segment identically${kafkaTools ? '' : ' (skipped: Kafka tools not in test/java-tools/target/lib)'}`,
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-dump-kafka-'));
      dirs.push(dir);
      const log = PartitionLog.open(dir, { topic: METADATA_TOPIC, partition: 0, config: parseLogConfig({ 'retention.ms': '-1' }), context: { logger: silentLogger } });
      log.updateHighWatermark(log.logEndOffset);
      const controller = new QuorumController(new MetadataLog(log), 'dump-cluster', 1, silentLogger, new MetadataSnapshots(new FileSnapshotStore(dir), DEFAULT_SNAPSHOT_SETTINGS, silentLogger));
      await controller.start();
      for (const op of OPS) await runOp(controller, op);
      const id = (await controller.snapshotNow())!;
      await controller.close();
      log.close();

      for (const file of [path.join(dir, snapshotFileName(id)), path.join(dir, '00000000000000000000.log')]) {
        const ours = dump(KT, file);
        expect(ours).toMatch(/payload: \{"type":"TOPIC_RECORD"/);
        expect(ours).toBe(dump(KAFKA, file));
      }
    },
    60_000,
  );
});
