/**
 * Java's default partitioning, so kt's producer spreads keys exactly as the Java client does and
 * a keyed record lands on the same partition whichever of the two wrote it:
 * - keyed records: toPositive(murmur2(key)) % partitionCount (all partitions, available or not);
 * - unkeyed records: a "sticky" partition that changes after batch.size bytes (KIP-480/794),
 *   so unkeyed traffic fills whole batches instead of many small ones.
 */

/** Kafka's Utils.murmur2: MurmurHash2, 32-bit, seed 0x9747b28c, little-endian 4-byte blocks. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = (data[i4]! & 0xff) | ((data[i4 + 1]! & 0xff) << 8) | ((data[i4 + 2]! & 0xff) << 16) | ((data[i4 + 3]! & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  // Java's switch falls through from 3 to 2 to 1; spelled out here because tsc forbids fallthrough.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest >= 3) h ^= (data[tail + 2]! & 0xff) << 16;
  if (rest >= 2) h ^= (data[tail + 1]! & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[tail]! & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: clears the sign bit (not Math.abs, which fails for MIN_VALUE). */
export const toPositive = (n: number): number => n & 0x7fffffff;

export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount;
}

interface StickyState {
  partition: number;
  bytes: number;
}

export class StickyPartitioner {
  private readonly sticky = new Map<string, StickyState>();

  constructor(
    private readonly batchSize: number,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Partition for an unkeyed record of `size` bytes. `available` lists the partitions with a
   * leader; when none has one, any partition may be chosen (the record waits for a leader).
   */
  partition(topic: string, partitionCount: number, available: readonly number[], size: number): number {
    let state = this.sticky.get(topic);
    if (!state || state.partition >= partitionCount) {
      state = { partition: this.choose(partitionCount, available, -1), bytes: 0 };
      this.sticky.set(topic, state);
    }
    const chosen = state.partition;
    state.bytes += size;
    if (state.bytes >= Math.max(1, this.batchSize)) {
      state.partition = this.choose(partitionCount, available, chosen);
      state.bytes = 0;
    }
    return chosen;
  }

  private choose(partitionCount: number, available: readonly number[], previous: number): number {
    const pool = available.length > 0 ? available : Array.from({ length: partitionCount }, (_, i) => i);
    if (pool.length === 1) return pool[0]!;
    for (;;) {
      const p = pool[Math.floor(this.random() * pool.length)]!;
      if (p !== previous) return p;
    }
  }
}
