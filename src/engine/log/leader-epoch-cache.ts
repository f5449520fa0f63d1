/**
 * Leader epoch -> first offset written in that epoch, as Kafka's LeaderEpochFileCache, persisted
 * as `leader-epoch-checkpoint` in the partition dir (see checkpoint-file.ts for the format).
 * Used for OffsetForLeaderEpoch and follower truncation; entries are strictly increasing in both
 * epoch and start offset.
 */
import { EpochEntry, LeaderEpochCheckpointFile } from './checkpoint-file.js';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export class LeaderEpochCache {
  private entries: EpochEntry[];

  /** `file` undefined keeps the cache in memory only. */
  constructor(
    private readonly file: LeaderEpochCheckpointFile | undefined,
    initial: EpochEntry[] = [],
  ) {
    this.entries = [];
    for (const e of initial) this.assignEntry(e);
  }

  static load(file: string): LeaderEpochCache {
    const f = new LeaderEpochCheckpointFile(file);
    return new LeaderEpochCache(f, f.read());
  }

  get epochEntries(): readonly EpochEntry[] {
    return this.entries;
  }

  latestEpoch(): number {
    return this.entries.length ? this.entries[this.entries.length - 1]!.epoch : UNDEFINED_EPOCH;
  }

  earliestEntry(): EpochEntry | undefined {
    return this.entries[0];
  }

  /** Record that `epoch` started at `startOffset` (no-op when it is already the latest epoch). */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`Invalid leader epoch entry ${epoch} ${startOffset}`);
    if (this.assignEntry({ epoch, startOffset })) this.flush();
  }

  private assignEntry(entry: EpochEntry): boolean {
    const last = this.entries[this.entries.length - 1];
    if (last && entry.epoch === last.epoch && entry.startOffset >= last.startOffset) return false;
    // Drop entries the new one contradicts (a higher-or-equal epoch, or a later start offset).
    this.entries = this.entries.filter((e) => e.epoch < entry.epoch && e.startOffset < entry.startOffset);
    this.entries.push({ ...entry });
    return true;
  }

  /** Epoch of the leader that wrote `offset` (the entry with the greatest start offset <= offset). */
  epochForOffset(offset: number): number {
    let epoch = UNDEFINED_EPOCH;
    for (const e of this.entries) {
      if (e.startOffset > offset) break;
      epoch = e.epoch;
    }
    return epoch;
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= requestedEpoch and the offset where the next epoch
   * starts (or the log end offset when it is the latest epoch), as Kafka's endOffsetFor.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (requestedEpoch === UNDEFINED_EPOCH) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === this.latestEpoch()) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.entries.find((e) => e.epoch > requestedEpoch);
    if (!higher) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    let floor: EpochEntry | undefined;
    for (const e of this.entries) if (e.epoch <= requestedEpoch) floor = e;
    return floor ? { epoch: floor.epoch, endOffset: higher.startOffset } : { epoch: requestedEpoch, endOffset: higher.startOffset };
  }

  /** Drop entries starting at or after `endOffset` (log truncated to endOffset). */
  truncateFromEnd(endOffset: number): void {
    const last = this.entries[this.entries.length - 1];
    if (endOffset < 0 || !last || last.startOffset < endOffset) return;
    this.entries = this.entries.filter((e) => e.startOffset < endOffset);
    this.flush();
  }

  /** The log start offset moved to `startOffset`: keep the epoch covering it, starting there. */
  truncateFromStart(startOffset: number): void {
    const first = this.entries[0];
    if (!first || first.startOffset >= startOffset) return;
    const removed = this.entries.filter((e) => e.startOffset <= startOffset);
    const kept = this.entries.filter((e) => e.startOffset > startOffset);
    const lastRemoved = removed[removed.length - 1]!;
    this.entries = [{ epoch: lastRemoved.epoch, startOffset }, ...kept];
    this.flush();
  }

  clear(): void {
    if (this.entries.length === 0) return;
    this.entries = [];
    this.flush();
  }

  private flush(): void {
    this.file?.write(this.entries);
  }
}
