/**
 * The transaction.version feature in the metadata log: a brand-new cluster finalizes it at 2 at
 * bootstrap (a FeatureLevelRecord beside metadata.version's, as Kafka 4.0 formats new clusters); a
 * restart replays it without writing it again; a metadata log written before kt knew the feature
 * keeps it at level 0 — Kafka leaves an upgraded cluster's features alone until an operator
 * finalizes them — so that cluster's producers keep the older transaction protocol.
 */
import { describe, expect, it } from 'vitest';
import { type AppendOnlyLog, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { metadataRecord } from '../../src/engine/controller/metadata-serde.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { silentLogger } from '../../src/engine/logger.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';

/** An in-memory partition log: enough for the metadata log. */
class MemoryLog implements AppendOnlyLog {
  private readonly batches: { base: number; bytes: Buffer }[] = [];
  logStartOffset = 0;
  logEndOffset = 0;

  append(records: Buffer): { baseOffset: number; lastOffset: number } {
    const bytes = Buffer.from(records);
    const base = this.logEndOffset;
    bytes.writeBigInt64BE(BigInt(base), 0); // the base offset; the CRC does not cover it
    this.logEndOffset = base + bytes.readInt32BE(23) + 1; // lastOffsetDelta + 1 records
    this.batches.push({ base, bytes });
    return { baseOffset: base, lastOffset: this.logEndOffset - 1 };
  }

  read(startOffset: number): { records: Buffer } {
    return { records: Buffer.concat(this.batches.filter((b) => b.base >= startOffset).map((b) => b.bytes)) };
  }

  flush(): void {}
}

async function started(log: MemoryLog): Promise<QuorumController> {
  const controller = new QuorumController(new MetadataLog(log), 'tv2-cluster', 1, silentLogger);
  await controller.start();
  return controller;
}

describe('transaction.version in the metadata log', () => {
  it('a new cluster finalizes transaction.version 2 beside metadata.version; a restart replays it', async () => {
    const log = new MemoryLog();
    const first = await started(log);
    expect(Object.fromEntries(first.image.features)).toEqual({ 'metadata.version': 21, 'transaction.version': 2 });
    const end = log.logEndOffset;
    const again = await started(log);
    expect(Object.fromEntries(again.image.features)).toEqual({ 'metadata.version': 21, 'transaction.version': 2 });
    expect(log.logEndOffset).toBe(end);
  });

  it('a cluster bootstrapped before transaction.version keeps it at level 0 (not finalized), as Kafka keeps an upgraded cluster', async () => {
    const log = new MemoryLog();
    await new MetadataLog(log).append([metadataRecord(RecordType.FeatureLevel, { name: 'metadata.version', featureLevel: 21 })]);
    const controller = await started(log);
    expect(Object.fromEntries(controller.image.features)).toEqual({ 'metadata.version': 21 });
  });
});
