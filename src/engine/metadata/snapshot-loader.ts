/**
 * Choosing the snapshot a restart begins from (Kafka's KafkaMetadataLog recovery plus the
 * MetadataLoader's first snapshot), with a fallback Kafka does not have: the newest snapshot that
 * decodes is used; one that fails validation is set aside (`.checkpoint.corrupt`) and the next
 * older one tried, then the whole log. A snapshot may only be used when the log continues from it
 * (its end offset is not below the log start); when none is usable and the log does not start at
 * 0, the metadata cannot be rebuilt and starting fails with the reason.
 *
 * Snapshots wholly below the log start are stale and deleted, as Kafka's recovery does. A snapshot
 * ending past the log end (the log lost its tail after the snapshot was written) restarts the log
 * empty at the snapshot's end, as Kafka's truncateToLatestSnapshot does.
 */
import type { MetadataLog } from '../controller/metadata-log.js';
import type { Logger } from '../logger.js';
import { CorruptSnapshotError, decodeSnapshot, type SnapshotContents } from './snapshot-format.js';
import { snapshotName, type SnapshotId } from './snapshot-id.js';
import type { FileSnapshotStore } from './snapshot-store.js';

export interface LoadedSnapshot extends SnapshotContents {
  id: SnapshotId;
  sizeInBytes: number;
}

export function loadLatestSnapshot(store: FileSnapshotStore, log: MetadataLog, logger: Logger): LoadedSnapshot | undefined {
  const ids = store.list().reverse();
  let loaded: LoadedSnapshot | undefined;
  for (const id of ids) {
    if (id.endOffset < log.startOffset) break;
    try {
      const bytes = store.readAll(id);
      loaded = { id, sizeInBytes: bytes.length, ...decodeSnapshot(bytes) };
      break;
    } catch (e) {
      if (!(e instanceof CorruptSnapshotError)) throw e;
      store.quarantine(id, e.message);
    }
  }
  if (!loaded && log.startOffset > 0) {
    throw new Error(
      `Cannot rebuild the metadata: the metadata log starts at offset ${log.startOffset} and no valid snapshot reaches it ` +
        `(snapshots: ${ids.map(snapshotName).join(', ') || 'none'})`,
    );
  }
  for (const id of store.list()) {
    if (id.endOffset < log.startOffset) {
      logger.info(`Deleting snapshot ${snapshotName(id)}: it ends before the log start offset ${log.startOffset}`);
      store.delete(id);
    }
  }
  if (loaded && loaded.id.endOffset > log.endOffset) {
    logger.warn(`The latest snapshot ${snapshotName(loaded.id)} ends past the metadata log end ${log.endOffset}; restarting the log at ${loaded.id.endOffset}`);
    log.resetTo(loaded.id.endOffset);
  }
  return loaded;
}
