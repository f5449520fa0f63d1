/**
 * The controller's metadata log, `__cluster_metadata-0`: metadata records framed by metadata-serde
 * and appended as record batches to an ordinary partition log. On one node a batch is committed as
 * soon as it is durably appended; the Raft quorum (a later issue) replaces only that step.
 *
 * With snapshots (src/engine/metadata/snapshot-*.ts) the log may start later than 0: replay then
 * begins at the latest snapshot's end offset, and `deleteBefore` drops the segments a snapshot made
 * unnecessary.
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
  /** Bytes of every segment (snapshot retention weighs the log with the snapshots). */
  readonly size?: number;
  /** Committed up to here: on one node, everything durably appended. */
  updateHighWatermark?(offset: number): number;
  /** Move the log start offset up to `offset` and delete the segments wholly below it. */
  deleteRecordsBefore?(offset: number): number;
  /** Drop everything and start empty at `offset` (a snapshot newer than the whole log). */
  truncateFullyAndStartAt?(offset: number): void;
}

export class MetadataLog {
  /** Append time of the last record appended or replayed: a snapshot's lastContainedLogTimestamp. */
  lastRecordTimestamp = -1;
  /** Bytes of the batch the last append wrote: what the snapshot generator counts. */
  lastBatchBytes = 0;
  /** Bytes of the batches the last replay read. */
  bytesReplayed = 0;

  constructor(
    private readonly log: AppendOnlyLog,
    readonly leaderEpoch = 0,
  ) {}

  get endOffset(): number {
    return this.log.logEndOffset;
  }

  get startOffset(): number {
    return this.log.logStartOffset;
  }

  get sizeInBytes(): number {
    return this.log.size ?? 0;
  }

  /** Append records atomically as one batch and make them durable; returns the first record's offset. */
  async append(records: MetadataRecord[]): Promise<number> {
    const timestamp = Date.now();
    const batch = buildBatch({
      records: records.map((r) => ({ key: null, value: encodeMetadataRecord(r), timestamp })),
      partitionLeaderEpoch: this.leaderEpoch,
    });
    const { baseOffset } = this.log.append(batch, { leaderEpoch: this.leaderEpoch });
    await this.log.flush();
    this.log.updateHighWatermark?.(this.log.logEndOffset);
    this.lastRecordTimestamp = timestamp;
    this.lastBatchBytes = batch.length;
    return baseOffset;
  }

  /** Every committed record from `fromOffset` (default: the start of the log) on, in order, with its offset. */
  *replay(fromOffset = 0): Generator<{ offset: number; record: MetadataRecord }> {
    let offset = Math.max(fromOffset, this.log.logStartOffset);
    this.bytesReplayed = 0;
    while (offset < this.log.logEndOffset) {
      const { records } = this.log.read(offset, 1024 * 1024, { minOneBatch: true });
      if (records.length === 0) break;
      for (const batch of decodeBatches(records)) {
        this.bytesReplayed += batch.size;
        // Control batches (leader changes, snapshots markers) carry no metadata records.
        if (!isControl(batch.header.attributes)) {
          for (const r of batch.records) {
            if (r.offset >= offset && r.value) yield { offset: r.offset, record: decodeMetadataRecord(r.value) };
          }
          this.lastRecordTimestamp = batch.header.maxTimestamp;
        }
        offset = batch.header.baseOffset + batch.header.lastOffsetDelta + 1;
      }
    }
  }

  /**
   * A snapshot covers everything below `offset`: move the log start up to it and delete the segments
   * that end at or before it. Returns the new log start offset.
   */
  deleteBefore(offset: number): number {
    if (!this.log.deleteRecordsBefore) return this.log.logStartOffset;
    return this.log.deleteRecordsBefore(Math.min(offset, this.log.logEndOffset));
  }

  /** The latest snapshot ends past the log (it lost its tail): restart the log empty at its end, as Kafka does. */
  resetTo(offset: number): void {
    this.log.truncateFullyAndStartAt?.(offset);
  }
}
