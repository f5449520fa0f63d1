/**
 * Kafka's wire primitives: a bounds-checked Reader over one request's bytes, and a Writer that
 * assembles a response as a list of Buffers so large byte fields (record batches) are handed to the
 * socket by reference instead of being copied.
 *
 * int64 values are JavaScript numbers: offsets, timestamps and ids all fit in 2^53, and numbers keep
 * handler arithmetic simple and fast. `int64Big` exists for the rare caller that needs all 64 bits.
 * UUIDs are Kafka's own text form: URL-safe base64 without padding (what `Uuid.toString()` prints).
 */

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

const TWO_32 = 4294967296;
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) throw new ProtocolError(`need ${n} bytes at ${at}, have ${this.end - at}`);
    this.pos = at + n;
    return at;
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  int64(): number {
    const at = this.need(8);
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4);
  }
  int64Big(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  float64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  uuid(): string {
    const at = this.need(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new ProtocolError('truncated varint');
      const byte = this.buf[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new ProtocolError('unsigned varint longer than 5 bytes');
    }
  }
  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** A byte range of `length` as a view into the request buffer (no copy). */
  slice(length: number): Buffer {
    const at = this.need(length);
    return this.buf.subarray(at, at + length);
  }
  utf8(length: number): string {
    const at = this.need(length);
    return this.buf.toString('utf8', at, at + length);
  }
  skip(length: number): void {
    this.need(length);
  }
}

/**
 * Strings up to this length (topic names, group and member ids: most strings on the wire) are
 * measured and, when ASCII, copied in JS: a call into Node's UTF-8 encoder costs more than the copy.
 */
const SHORT_STRING = 64;

/** Buffer.byteLength(s, 'utf8'), without the native call for short ASCII strings. */
export function utf8ByteLength(s: string): number {
  if (s.length <= SHORT_STRING) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) <= 0x7f) i++;
    if (i === s.length) return i;
  }
  return Buffer.byteLength(s);
}

/** Byte fields at least this long become their own output chunk instead of being copied. */
const ZERO_COPY_THRESHOLD = 4096;

export class Writer {
  private buf: Buffer;
  private pos = 0;
  private segmentStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;

  constructor(initialSize = 512) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.chunkedBytes + this.pos - this.segmentStart;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const live = this.pos - this.segmentStart;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + n + 256));
    this.buf.copy(next, 0, this.segmentStart, this.pos);
    this.buf = next;
    this.segmentStart = 0;
    this.pos = live;
  }

  bool(v: boolean): void {
    this.int8(v ? 1 : 0);
  }
  int8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }
  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  uint16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }
  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }
  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(v - hi * TWO_32, this.pos + 4);
    this.pos += 8;
  }
  int64Big(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }
  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }
  uuid(v: string): void {
    const bytes = Buffer.from(v, 'base64url');
    if (bytes.length !== 16) throw new ProtocolError(`not a uuid: ${v}`);
    this.bytes(bytes);
  }
  uvarint(v: number): void {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Raw bytes; large ones are kept by reference, so the caller must not mutate them afterwards. */
  bytes(b: Uint8Array): void {
    if (b.length >= ZERO_COPY_THRESHOLD) {
      if (this.pos > this.segmentStart) {
        this.chunks.push(this.buf.subarray(this.segmentStart, this.pos));
        this.chunkedBytes += this.pos - this.segmentStart;
        this.segmentStart = this.pos;
      }
      this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
      this.chunkedBytes += b.length;
      return;
    }
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  utf8(s: string): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      this.ensure(n);
      const buf = this.buf;
      const at = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i] = c;
      }
      if (i === n) {
        this.pos += n;
        return;
      }
    }
    const len = Buffer.byteLength(s);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** The output as a list of chunks, in order; large byte fields are the caller's own Buffers. */
  chunksOut(): Buffer[] {
    const out = this.chunks.slice();
    if (this.pos > this.segmentStart) out.push(this.buf.subarray(this.segmentStart, this.pos));
    return out;
  }

  toBuffer(): Buffer {
    const out = this.chunksOut();
    return out.length === 1 ? out[0] : Buffer.concat(out, this.length);
  }
}
