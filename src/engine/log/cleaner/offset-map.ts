/**
 * The cleaner's key -> latest offset map (Kafka's SkimpyOffsetMap): open addressing over one
 * preallocated buffer of 24-byte slots (16-byte MD5 of the key, 8-byte offset), so its memory is
 * exactly what log.cleaner.dedupe.buffer.size allows. Two keys with the same MD5 are treated as one
 * (as in Kafka; the odds are negligible). Filled to at most `loadFactor` of its slots.
 */
import { createHash } from 'node:crypto';

const HASH_SIZE = 16;
const SLOT_SIZE = HASH_SIZE + 8;

export class OffsetMap {
  private readonly slots: number;
  private readonly buf: Buffer;
  private entries = 0;
  /** Largest offset put in the map, -1 when empty. */
  latestOffset = -1;
  readonly maxEntries: number;

  /** `memory` bytes at most; `expectedEntries` lets a small clean allocate a small map. */
  constructor(memory: number, loadFactor = 0.9, expectedEntries = Infinity) {
    const maxSlots = Math.max(1, Math.floor(memory / SLOT_SIZE));
    const wanted = Math.ceil(expectedEntries / loadFactor) + 1;
    this.slots = Math.max(2, Math.min(maxSlots, wanted));
    this.maxEntries = Math.max(1, Math.floor(this.slots * loadFactor));
    this.buf = Buffer.alloc(this.slots * SLOT_SIZE);
  }

  get size(): number {
    return this.entries;
  }

  get isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  get memoryBytes(): number {
    return this.buf.length;
  }

  private static hash(key: Buffer): Buffer {
    return createHash('md5').update(key).digest();
  }

  /** Slot holding `hash`, or the empty slot where it would go. */
  private find(hash: Buffer): number {
    let slot = hash.readUInt32BE(0) % this.slots;
    for (;;) {
      const at = slot * SLOT_SIZE;
      if (this.isEmpty(at) || hash.compare(this.buf, at, at + HASH_SIZE) === 0) return slot;
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }

  private isEmpty(at: number): boolean {
    // An all-zero offset field marks an empty slot; stored offsets are kept as offset + 1.
    return this.buf.readUInt32BE(at + HASH_SIZE) === 0 && this.buf.readUInt32BE(at + HASH_SIZE + 4) === 0;
  }

  /** Record `offset` as the latest for `key`. Throws when full (check isFull first). */
  put(key: Buffer, offset: number): void {
    const hash = OffsetMap.hash(key);
    const at = this.find(hash) * SLOT_SIZE;
    if (this.isEmpty(at)) {
      if (this.isFull) throw new Error('offset map is full');
      hash.copy(this.buf, at);
      this.entries++;
    }
    const stored = offset + 1;
    this.buf.writeUInt32BE(Math.floor(stored / 4294967296), at + HASH_SIZE);
    this.buf.writeUInt32BE(stored % 4294967296, at + HASH_SIZE + 4);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** Latest offset recorded for `key`, or -1. */
  get(key: Buffer): number {
    const at = this.find(OffsetMap.hash(key)) * SLOT_SIZE;
    if (this.isEmpty(at)) return -1;
    return this.buf.readUInt32BE(at + HASH_SIZE) * 4294967296 + this.buf.readUInt32BE(at + HASH_SIZE + 4) - 1;
  }
}
