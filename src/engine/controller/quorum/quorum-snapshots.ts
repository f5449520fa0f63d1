/**
 * Metadata snapshots on the KRaft quorum path (Kafka's SnapshotGenerator and the MetadataLoader's
 * snapshot handling, over the Raft client's snapshot store), on every node alike: the active
 * controller, standby controllers and broker observers each snapshot their own applied image.
 *
 * - When: the single-node path's trigger (MetadataSnapshots.committed: bytes of committed batches
 *   since the last snapshot, or the interval) counted over committed batches only.
 * - Which id: (offset after the last applied committed batch, that batch's epoch), so a snapshot
 *   always sits at a committed batch boundary the Raft log agrees on.
 * - Writing: the image is turned into records synchronously, inside onCommit, because the image is
 *   mutable and the next commit changes it; encoding and handing it to the Raft client
 *   (createSnapshot: the file, then cleaning under the retention limits) happen on the next turn of
 *   the event loop, off the Raft client's call stack, which createSnapshot re-enters.
 * - Loading: the Raft client hands over the latest snapshot at start, or one a follower downloaded
 *   because it fell behind the leader's log start; its records replace the image (applySnapshot).
 *
 * Files and log cleaning belong to the Raft client and the store: createSnapshot writes the file
 * (FileSnapshotStore.write) and moves the log start to the snapshot the retention policy keeps
 * (MetadataSnapshots.oldestToKeep, Kafka's maybeClean: never the latest one), deleting the older
 * snapshots; nothing here deletes files.
 */
import type { PartitionLog } from '../../log/partition-log.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import { imageRecords } from '../../metadata/image-records.js';
import type { MetadataSnapshots } from '../../metadata/metadata-snapshots.js';
import { CorruptSnapshotError, decodeSnapshot, encodeSnapshotBatches, validateSnapshot, type SnapshotContents } from '../../metadata/snapshot-format.js';
import { snapshotName, type SnapshotId } from '../../metadata/snapshot-id.js';
import type { RaftBatch } from '../../raft/index.js';

/** A record batch's fixed header (61 bytes) and a record's framing, roughly: the trigger counts log bytes. */
const BATCH_OVERHEAD = 61;
const RECORD_OVERHEAD = 8;

/** Bytes the batches take in the metadata log, near enough for "bytes between snapshots". */
export function committedBytes(batches: readonly RaftBatch[]): number {
  let bytes = 0;
  for (const b of batches) {
    bytes += BATCH_OVERHEAD;
    for (const r of b.records) bytes += r.byteLength + RECORD_OVERHEAD;
  }
  return bytes;
}

export interface SnapshotSink {
  /** Hand a complete snapshot to the Raft client (RaftManager.createSnapshot); false once it is closed. */
  createSnapshot(id: SnapshotId, bytes: Uint8Array): boolean;
}

export class QuorumSnapshots {
  private writing = false;
  private sink?: SnapshotSink;

  constructor(
    readonly snapshots: MetadataSnapshots,
    private readonly logger: Logger,
  ) {}

  bind(sink: SnapshotSink): void {
    this.sink = sink;
  }

  /**
   * Batches up to `id.endOffset` were committed and applied to `image`: write a snapshot of it if
   * one is due. `id.epoch` is the last batch's epoch.
   */
  committed(batches: readonly RaftBatch[], id: SnapshotId, image: MetadataImage): void {
    const reason = this.snapshots.committed(committedBytes(batches));
    if (!reason || this.writing || !this.sink) return;
    const latest = this.snapshots.store.latest();
    if (latest && latest.endOffset >= id.endOffset) return;
    // Captured now: the image moves on with the next commit.
    const records = imageRecords(image);
    // Raft batches carry no append time here; the commit is now, within a fetch of the append.
    const timestamp = Date.now();
    this.snapshots.noteSnapshot(id, timestamp);
    this.writing = true;
    this.logger.info(`Creating new KRaft snapshot file ${snapshotName(id)} because ${reason}.`);
    setImmediate(() => {
      const started = Date.now();
      const newer = this.snapshots.store.latest();
      if (newer && newer.endOffset >= id.endOffset) {
        // A snapshot fetched from the leader meanwhile replaced the log: this one is moot.
        this.writing = false;
        return;
      }
      try {
        const bytes = Buffer.concat([...encodeSnapshotBatches(id, timestamp, records, 1024 * 1024)]);
        if (!this.sink!.createSnapshot(id, bytes)) return;
        this.logger.info(`Wrote snapshot ${snapshotName(id)}: ${records.length} records, ${bytes.length} bytes in ${Date.now() - started} ms`);
      } catch (e) {
        // The log stays as it is; the next commit past the threshold tries again.
        this.logger.error(`KRaft snapshot file generation error for ${snapshotName(id)}`, e);
      } finally {
        this.writing = false;
      }
    });
  }

  /** Decode a snapshot the Raft client loaded (at start) or installed (downloaded from the leader). */
  loaded(id: SnapshotId, bytes: Uint8Array, how: 'start' | 'fetched'): SnapshotContents {
    const started = Date.now();
    const contents = decodeSnapshot(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.snapshots.noteSnapshot(id, contents.header.lastContainedLogTimestamp);
    const what = how === 'start' ? 'Loaded snapshot' : 'Installed snapshot fetched from the leader';
    this.logger.info(`${what} ${snapshotName(id)}: ${contents.records.length} records, ${bytes.byteLength} bytes, decoded in ${Date.now() - started} ms`);
    return contents;
  }
}

/**
 * Before the Raft client opens the log (it loads the latest snapshot and continues the log from
 * it), as the single-node loader does at start (snapshot-loader.ts):
 *  - the latest snapshot must decode: one that fails validation is set aside (.checkpoint.corrupt)
 *    and the next older one is the latest;
 *  - snapshots ending before the log start are stale and go, as in Kafka;
 *  - the log must start where the oldest snapshot ends, and the Raft log needs that snapshot's epoch
 *    as the epoch before its start. The partition log keeps no log-start checkpoint here, so after a
 *    restart it starts at its first segment, at or below the oldest snapshot kept: move it up to
 *    that snapshot (Kafka's log start offset stands at the oldest snapshot's end);
 *  - a log that does not start at 0 with no snapshot reaching it cannot rebuild the image: refuse.
 * Returns the epoch of the entry before the log start.
 */
export function alignLogStart(partition: PartitionLog, snapshots: MetadataSnapshots, logger: Logger): number {
  const store = snapshots.store;
  for (let latest = store.latest(); latest; latest = store.latest()) {
    try {
      validateSnapshot(store.readAll(latest));
      break;
    } catch (e) {
      if (!(e instanceof CorruptSnapshotError)) throw e;
      store.quarantine(latest, e.message);
    }
  }
  for (const id of store.list()) {
    if (id.endOffset >= partition.logStartOffset) break;
    logger.info(`Deleting snapshot ${snapshotName(id)}: it ends before the log start offset ${partition.logStartOffset}`);
    store.delete(id);
  }
  const earliest = store.earliest();
  if (!earliest) {
    if (partition.logStartOffset > 0) throw new Error(`Cannot rebuild the metadata: the metadata log starts at offset ${partition.logStartOffset} and no valid snapshot reaches it`);
    return 0;
  }
  // Past the log end the Raft client restarts the log at the latest snapshot instead.
  if (earliest.endOffset > partition.logEndOffset) return 0;
  if (earliest.endOffset > partition.logStartOffset) {
    partition.updateHighWatermark(partition.logEndOffset);
    partition.deleteRecordsBefore(earliest.endOffset);
  }
  return earliest.epoch;
}
