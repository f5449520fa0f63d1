/**
 * The controller's metadata log, `__cluster_metadata-0`: metadata records framed by metadata-serde
 * and appended as record batches to an ordinary partition log. On one node a batch is committed as
 * soon as it is durably appended; the Raft quorum (a later issue) replaces only that step.
 */
import { isControl } from '../records/batch-header.js';
import { buildBatch, decodeBatches } from '../records/record-batch.js';
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataRecord } from './metadata-serde.js';

export const METADATA_TOPIC = '__cluster_metadata';

/** The part of a partition log the metadata log needs. */
export interface AppendOnlyLog {
  append(records: Buffer, opts: { leaderEpoch: number }): { baseOffset: number; lastOffset: number };
  read(startOffset: number, maxBytes: number, opts?: { minOneBatch?: boolean }): { records: Buffer };
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  flush(): unknown;
}

export class MetadataLog {
  constructor(
    private readonly log: AppendOnlyLog,
    private readonly leaderEpoch = 0,
  ) {}

  get endOffset(): number {
    return this.log.logEndOffset;
  }

  /** Append records atomically as one batch and make them durable; returns the first record's offset. */
  async append(records: MetadataRecord[]): Promise<number> {
    const batch = buildBatch({
      records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp: Date.now() })),
      partitionLeaderEpoch: this.leaderEpoch,
    });
    const { baseOffset } = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    await this.log.flush();
    return baseOffset;
  }

  /** Every committed record from the start of the log, in order, with its offset. */
  *replay(): Generator<{ offset: number; record: MetadataRecord }> {
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const { records } = this.log.read(offset, 1024 * 1024, { minOneBatch: true });
      if (records.length === 0) break;
      for (const batch of decodeBatches(records)) {
        // Control batches (leader changes, snapshots markers) carry no metadata records.
        if (!isControl(batch.header.attributes)) {
          for (const r of batch.records) {
            if (r.offset >= offset && r.value) yield { offset: r.offset, record: decodeMetadataRecord(r.value) };
          }
        }
        offset = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
      }
    }
  }
}
