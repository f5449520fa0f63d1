/**
 * Snapshot ids and file names, as Kafka's Snapshots class names them in the `__cluster_metadata-0`
 * directory:
 *
 *   <endOffset, 20 digits>-<epoch, 10 digits>.checkpoint            a complete, immutable snapshot
 *   <endOffset, 20 digits>-<epoch, 10 digits>-<random>.checkpoint.part   being written (or fetched)
 *   <endOffset, 20 digits>-<epoch, 10 digits>.checkpoint.deleted    about to be removed
 *
 * endOffset is exclusive: the snapshot holds the state after every record below it, and replay
 * continues from endOffset. epoch is the leader epoch of the last record it contains
 * (OffsetAndEpoch; structurally the same as the Raft layer's OffsetAndEpoch).
 */
export interface SnapshotId {
  endOffset: number;
  epoch: number;
}

export const SNAPSHOT_SUFFIX = '.checkpoint';
export const PARTIAL_SUFFIX = '.checkpoint.part';
export const DELETED_SUFFIX = '.checkpoint.deleted';
/** kt's own: a snapshot that failed validation at load, kept for inspection and never read again. */
export const CORRUPT_SUFFIX = '.checkpoint.corrupt';

export function snapshotName(id: SnapshotId): string {
  return `${String(id.endOffset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}`;
}

export const snapshotFileName = (id: SnapshotId): string => snapshotName(id) + SNAPSHOT_SUFFIX;

export interface SnapshotPath {
  id: SnapshotId;
  kind: 'complete' | 'partial' | 'deleted' | 'corrupt';
}

const NAME = /^(\d{20})-(\d{10})(?:-[^.]*)?(\.checkpoint(?:\.part|\.deleted|\.corrupt)?)$/;

/** The id and state of a file name in the metadata log directory, or undefined for other files. */
export function parseSnapshotPath(fileName: string): SnapshotPath | undefined {
  const m = NAME.exec(fileName);
  if (!m) return undefined;
  const id = { endOffset: Number(m[1]), epoch: Number(m[2]) };
  const kind = m[3] === SNAPSHOT_SUFFIX ? 'complete' : m[3] === PARTIAL_SUFFIX ? 'partial' : m[3] === DELETED_SUFFIX ? 'deleted' : 'corrupt';
  // a random part only appears in names of partial files
  if (kind === 'complete' && fileName.length !== snapshotName(id).length + SNAPSHOT_SUFFIX.length) return undefined;
  return { id, kind };
}

export const compareSnapshotIds = (a: SnapshotId, b: SnapshotId): number => a.endOffset - b.endOffset || a.epoch - b.epoch;
export const sameSnapshotId = (a: SnapshotId, b: SnapshotId): boolean => a.endOffset === b.endOffset && a.epoch === b.epoch;
