/**
 * Committed offsets held in memory, by group, topic and partition: the cache Kafka keeps in front of
 * __consumer_offsets. Every change here follows a record written to (or replayed from) that topic.
 */
/** What an OffsetCommit record's value holds. */
export interface OffsetValue {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Set only by OffsetCommit v2-4 with a retention time (value version 1). */
  expireTimestamp: number | null;
}

export interface CommittedOffset extends OffsetValue {
  /**
   * Where the offset's record sits in __consumer_offsets: when a transaction commits, its offset
   * replaces a committed one only if its record came later in the log (Kafka's rule, so that what
   * compaction keeps and what is served agree).
   */
  recordOffset: number;
}

export class OffsetStore {
  private readonly byGroup = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  put(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    let topics = this.byGroup.get(groupId);
    if (!topics) this.byGroup.set(groupId, (topics = new Map()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map()));
    partitions.set(partition, committed);
  }

  delete(groupId: string, topic: string, partition: number): boolean {
    const topics = this.byGroup.get(groupId);
    const partitions = topics?.get(topic);
    if (!topics || !partitions || !partitions.delete(partition)) return false;
    if (partitions.size === 0) topics.delete(topic);
    if (topics.size === 0) this.byGroup.delete(groupId);
    return true;
  }

  hasOffsets(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  /** Every committed offset of a group, topic by topic. */
  groupOffsets(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.byGroup.get(groupId) ?? new Map();
  }

  *entries(groupId: string): Generator<{ topic: string; partition: number; committed: CommittedOffset }> {
    for (const [topic, partitions] of this.groupOffsets(groupId)) {
      for (const [partition, committed] of partitions) yield { topic, partition, committed };
    }
  }

  deleteGroup(groupId: string): void {
    this.byGroup.delete(groupId);
  }

  groupIds(): IterableIterator<string> {
    return this.byGroup.keys();
  }
}
