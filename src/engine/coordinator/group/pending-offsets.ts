/**
 * Transactional offset commits waiting for their transaction to end, after Kafka's
 * OffsetMetadataManager (pendingTransactionalOffsets and openTransactions). TxnOffsetCommit writes
 * its records to __consumer_offsets at once, but the group's committed offsets change only when a
 * COMMIT marker for the producer lands on that partition; an ABORT marker drops them. Until then
 * OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for the partition, offset expiry
 * keeps the partition's committed offset and the group, and a tombstone for the partition (OffsetDelete,
 * DeleteGroups) drops every producer's pending offset for it, as Kafka's replay of the tombstone does.
 */
import type { CommittedOffset, OffsetStore } from './offset-store.js';

const tpKey = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

export class PendingOffsets {
  /** producer id -> group -> topic/partition -> the offset the transaction would commit. */
  private readonly byProducer = new Map<number, Map<string, Map<string, { topic: string; partition: number; committed: CommittedOffset }>>>();
  /** group -> topic/partition -> producers with a pending offset for it: what OffsetFetch asks. */
  private readonly open = new Map<string, Map<string, Set<number>>>();

  put(producerId: number, groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    let groups = this.byProducer.get(producerId);
    if (!groups) this.byProducer.set(producerId, (groups = new Map()));
    let offsets = groups.get(groupId);
    if (!offsets) groups.set(groupId, (offsets = new Map()));
    const key = tpKey(topic, partition);
    offsets.set(key, { topic, partition, committed });
    let partitions = this.open.get(groupId);
    if (!partitions) this.open.set(groupId, (partitions = new Map()));
    let producers = partitions.get(key);
    if (!producers) partitions.set(key, (producers = new Set()));
    producers.add(producerId);
  }

  /** Whether an open transaction holds an offset for the partition. */
  has(groupId: string, topic: string, partition: number): boolean {
    return this.open.get(groupId)?.has(tpKey(topic, partition)) ?? false;
  }

  /** Whether any open transaction holds offsets of the group. */
  hasGroup(groupId: string): boolean {
    return this.open.has(groupId);
  }

  /** The partitions of a group with pending offsets. */
  *partitions(groupId: string): Generator<{ topic: string; partition: number }> {
    for (const key of this.open.get(groupId)?.keys() ?? []) {
      const cut = key.indexOf('\u0000');
      yield { topic: key.slice(cut + 1), partition: Number(key.slice(0, cut)) };
    }
  }

  /** The offset `producerId` would commit for the partition (for tests and tools). */
  get(producerId: number, groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.byProducer.get(producerId)?.get(groupId)?.get(tpKey(topic, partition))?.committed;
  }

  /** A tombstone for the partition was written: no transaction may bring its offset back. */
  remove(groupId: string, topic: string, partition: number): void {
    const key = tpKey(topic, partition);
    const partitions = this.open.get(groupId);
    const producers = partitions?.get(key);
    if (!partitions || !producers) return;
    for (const producerId of producers) {
      const groups = this.byProducer.get(producerId);
      const offsets = groups?.get(groupId);
      offsets?.delete(key);
      if (offsets?.size === 0) groups!.delete(groupId);
      if (groups?.size === 0) this.byProducer.delete(producerId);
    }
    partitions.delete(key);
    if (partitions.size === 0) this.open.delete(groupId);
  }

  /** Forget a group's pending offsets (its tombstones are written, or its partition is unloaded). */
  removeGroup(groupId: string): void {
    for (const { topic, partition } of [...this.partitions(groupId)]) this.remove(groupId, topic, partition);
  }

  /**
   * The producer's transaction ended on the __consumer_offsets partition holding the groups
   * `inPartition` accepts: on commit its offsets there become committed offsets — each only if its
   * record is later in the log than the committed one's — and on abort they are dropped. Offsets of
   * groups on other partitions wait for those partitions' markers. Returns how many were committed.
   */
  complete(producerId: number, commit: boolean, offsets: OffsetStore, inPartition: (groupId: string) => boolean): number {
    const groups = this.byProducer.get(producerId);
    if (!groups) return 0;
    let committed = 0;
    for (const [groupId, pending] of [...groups]) {
      if (!inPartition(groupId)) continue;
      groups.delete(groupId);
      const partitions = this.open.get(groupId);
      for (const [key, p] of pending) {
        const producers = partitions?.get(key);
        producers?.delete(producerId);
        if (producers?.size === 0) partitions!.delete(key);
        if (!commit) continue;
        const existing = offsets.get(groupId, p.topic, p.partition);
        if (existing === undefined || p.committed.recordOffset > existing.recordOffset) {
          offsets.put(groupId, p.topic, p.partition, p.committed);
          committed++;
        }
      }
      if (partitions?.size === 0) this.open.delete(groupId);
    }
    if (groups.size === 0) this.byProducer.delete(producerId);
    return committed;
  }

  /** Groups with pending offsets, any producer. */
  groupIds(): IterableIterator<string> {
    return this.open.keys();
  }

  /** Producers with pending offsets in the group. */
  producersOf(groupId: string): Set<number> {
    const out = new Set<number>();
    for (const producers of this.open.get(groupId)?.values() ?? []) for (const p of producers) out.add(p);
    return out;
  }
}
