/**
 * Metadata snapshots for one node: when to write one, writing it, loading the latest at start, and
 * cleaning the metadata log and old snapshots behind it (Kafka's SnapshotGenerator, SnapshotEmitter
 * and KafkaMetadataLog.maybeClean together; the file format is snapshot-format.ts, the files
 * snapshot-store.ts).
 *
 * When: as Kafka's SnapshotGenerator, after every committed batch the bytes since the last snapshot
 * grow by the batch's size; at metadata.log.max.record.bytes.between.snapshots, or when
 * metadata.log.max.snapshot.interval.ms has passed since the last one, a snapshot is due. One is
 * written at a time.
 *
 * Writing: the image is turned into records synchronously, between two controller operations, so
 * the snapshot is exactly the image at its end offset (the image is mutable: it must be captured
 * before the next commit); encoding and file writes then go on asynchronously, off the request path.
 */
import type { MetadataLog } from '../controller/metadata-log.js';
import type { Logger } from '../logger.js';
import type { MetadataImage } from './image.js';
import { imageRecords } from './image-records.js';
import { encodeSnapshotBatches, validateSnapshot } from './snapshot-format.js';
import { snapshotName, type SnapshotId } from './snapshot-id.js';
import { loadLatestSnapshot, type LoadedSnapshot } from './snapshot-loader.js';
import { oldestSnapshotToKeep } from './snapshot-retention.js';
import type { SnapshotSettings } from './snapshot-settings.js';
import type { FileSnapshotStore, SnapshotFileWriter } from './snapshot-store.js';

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class MetadataSnapshots {
  private bytesSinceLastSnapshot = 0;
  private lastSnapshotTimeMs: number;
  private inFlight: Promise<SnapshotId | undefined> | undefined;
  /** lastContainedLogTimestamp of each snapshot, read from its header once (retention by time). */
  private readonly timestamps = new Map<string, number>();

  constructor(
    readonly store: FileSnapshotStore,
    readonly settings: SnapshotSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSnapshotTimeMs = now();
  }

  /** The snapshot to start from (see snapshot-loader.ts); resets the counters, as loading one does in Kafka. */
  load(log: MetadataLog): LoadedSnapshot | undefined {
    const loaded = loadLatestSnapshot(this.store, log, this.logger);
    if (loaded) {
      this.timestamps.set(snapshotName(loaded.id), loaded.header.lastContainedLogTimestamp);
      this.logger.info(`Loaded snapshot ${snapshotName(loaded.id)}: ${loaded.records.length} records, ${loaded.sizeInBytes} bytes`);
    }
    this.resetCounters();
    return loaded;
  }

  /** A batch of `bytes` was committed (or replayed at start); returns why a snapshot is due, if one is. */
  committed(bytes: number): string | undefined {
    this.bytesSinceLastSnapshot += bytes;
    if (this.inFlight) return undefined;
    const s = this.settings;
    if (this.bytesSinceLastSnapshot >= s.maxBytesBetweenSnapshots) return `we have replayed at least ${s.maxBytesBetweenSnapshots} bytes`;
    if (s.maxIntervalMs !== 0 && this.now() - this.lastSnapshotTimeMs >= s.maxIntervalMs) {
      return `we have waited at least ${Math.floor(s.maxIntervalMs / 60_000)} minute(s)`;
    }
    return undefined;
  }

  /**
   * Snapshot `image` as of its last applied offset. Must be called between two controller
   * operations: the image is read synchronously here; the returned promise settles once the file
   * is durable and the log cleaned (undefined when there was nothing new, or the write failed).
   */
  write(image: MetadataImage, log: MetadataLog, reason: string): Promise<SnapshotId | undefined> {
    if (this.inFlight) return this.inFlight;
    const id: SnapshotId = { endOffset: image.offset + 1, epoch: log.leaderEpoch };
    const latest = this.store.latest();
    if (id.endOffset <= 0 || (latest && latest.endOffset >= id.endOffset)) return Promise.resolve(undefined);
    const records = imageRecords(image);
    const timestamp = log.lastRecordTimestamp;
    this.resetCounters();
    this.logger.info(`Creating new KRaft snapshot file ${snapshotName(id)} because ${reason}.`);
    const done = this.writeFile(id, timestamp, records, log).finally(() => (this.inFlight = undefined));
    this.inFlight = done;
    return done;
  }

  /** Resolves when no snapshot is being written (shutdown waits for it before closing the log). */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private async writeFile(id: SnapshotId, timestamp: number, records: ReturnType<typeof imageRecords>, log: MetadataLog): Promise<SnapshotId | undefined> {
    const started = this.now();
    let writer: SnapshotFileWriter | undefined;
    try {
      writer = this.store.beginWrite(id);
      // 1 MiB batches (Kafka allows up to 8): the encoding yields to requests between them
      for (const batch of encodeSnapshotBatches(id, timestamp, records, 1024 * 1024)) {
        writer.append(batch);
        await yieldToEventLoop();
      }
      writer.freeze({ validate: false });
    } catch (e) {
      writer?.abort();
      this.logger.error(`KRaft snapshot file generation error for ${snapshotName(id)}`, e);
      return undefined;
    }
    this.timestamps.set(snapshotName(id), timestamp);
    this.logger.info(`Wrote snapshot ${snapshotName(id)}: ${records.length} records, ${writer.size} bytes in ${this.now() - started} ms`);
    try {
      this.clean(log);
    } catch (e) {
      // the snapshot stands; cleaning is retried after the next one
      this.logger.error(`Cleaning the metadata log after snapshot ${snapshotName(id)} failed`, e);
    }
    return id;
  }

  /**
   * Kafka's maybeClean: delete the snapshots retention no longer needs and move the metadata log
   * start up to the oldest one kept, deleting the segments wholly below it.
   */
  clean(log: MetadataLog): void {
    const keep = this.oldestToKeep(log.sizeInBytes, log.startOffset);
    if (!keep) return;
    const snapshots = this.store.list();
    const start = log.deleteBefore(keep.endOffset);
    for (const id of snapshots) {
      if (id.endOffset < keep.endOffset) {
        this.store.delete(id);
        this.timestamps.delete(snapshotName(id));
      }
    }
    this.logger.info(`Metadata log now starts at offset ${start}; oldest snapshot kept ${snapshotName(keep)}`);
  }

  /**
   * The snapshot the metadata log must continue from under the retention limits (see
   * snapshot-retention.ts), or undefined when nothing is to be cleaned. The quorum path hands this
   * to the Raft client, which moves the log start and deletes the older snapshots itself.
   */
  oldestToKeep(logSizeInBytes: number, logStartOffset: number): SnapshotId | undefined {
    const snapshots = this.store.list().map((id) => ({ id, sizeInBytes: this.store.size(id) ?? 0, lastContainedLogTimestamp: this.timestampOf(id) }));
    return oldestSnapshotToKeep(snapshots, logSizeInBytes, logStartOffset, this.settings, this.now());
  }

  /** The quorum path wrote (or loaded) snapshot `id` itself: count from here, remember its timestamp. */
  noteSnapshot(id: SnapshotId, lastContainedLogTimestamp: number): void {
    this.timestamps.set(snapshotName(id), lastContainedLogTimestamp);
    this.resetCounters();
  }

  private timestampOf(id: SnapshotId): number {
    const key = snapshotName(id);
    let ts = this.timestamps.get(key);
    if (ts === undefined) {
      try {
        ts = validateSnapshot(this.store.readAll(id)).lastContainedLogTimestamp;
      } catch {
        ts = -1;
      }
      this.timestamps.set(key, ts);
    }
    return ts;
  }

  private resetCounters(): void {
    this.bytesSinceLastSnapshot = 0;
    this.lastSnapshotTimeMs = this.now();
  }
}
