/**
 * Where snapshots live. The Raft layer treats a snapshot as opaque bytes named by its id (the
 * offset it ends before and the epoch of its last entry, Kafka's `<offset>-<epoch>.checkpoint`):
 * the state machine produces it, the leader serves it in chunks with FetchSnapshot, a follower
 * that fell behind the leader's log start installs it.
 */
import type { OffsetAndEpoch } from './messages.js';

export interface SnapshotStore {
  /** The newest snapshot, if any. */
  latest(): OffsetAndEpoch | undefined;
  /** The size in bytes of a stored snapshot, or undefined when it is not stored. */
  size(id: OffsetAndEpoch): number | undefined;
  /** Up to `maxBytes` bytes from `position`. */
  read(id: OffsetAndEpoch, position: number, maxBytes: number): Uint8Array;
  /** Store a complete snapshot durably. */
  write(id: OffsetAndEpoch, bytes: Uint8Array): void;
  /**
   * Delete every snapshot ending before `id` (the log no longer continues from them). The client
   * calls it only together with moving the log start up to `id`, so the store keeps what the log
   * needs; a store without it keeps everything.
   */
  deleteBefore?(id: OffsetAndEpoch): void;
}

export function snapshotKey(id: OffsetAndEpoch): string {
  return `${String(id.endOffset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}`;
}

export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, { id: OffsetAndEpoch; bytes: Uint8Array }>();
  private newest: OffsetAndEpoch | undefined;

  latest(): OffsetAndEpoch | undefined {
    return this.newest;
  }

  size(id: OffsetAndEpoch): number | undefined {
    return this.snapshots.get(snapshotKey(id))?.bytes.length;
  }

  read(id: OffsetAndEpoch, position: number, maxBytes: number): Uint8Array {
    const s = this.snapshots.get(snapshotKey(id));
    if (!s) throw new Error(`no snapshot ${snapshotKey(id)}`);
    return s.bytes.subarray(position, Math.min(s.bytes.length, position + maxBytes));
  }

  write(id: OffsetAndEpoch, bytes: Uint8Array): void {
    this.snapshots.set(snapshotKey(id), { id: { ...id }, bytes });
    if (!this.newest || id.endOffset > this.newest.endOffset) this.newest = { ...id };
  }
}
