/**
 * Protobuf-style variable-length integers as Kafka uses them: unsigned varints (flexible-version
 * lengths), zigzag varints (record lengths, deltas, key/value sizes) and zigzag varlongs (timestamp
 * deltas).
 *
 * Varlongs span the whole int64 range, which a JS number cannot hold. Rather than paying for a
 * bigint on every timestamp delta, the 64-bit value is carried as two uint32 words; the number API
 * is exact for |v| <= 2^53 (rounded beyond, like `readInt64`) and the bigint API is exact everywhere.
 *
 * Writers take (buf, pos, value) and return the position after the write; the caller sizes the
 * buffer with the matching sizeOf* function. Reading goes through `Cursor`, which bounds-checks
 * every byte so that truncated input surfaces as a CorruptRecordError, never a RangeError.
 */
import { CorruptRecordError } from './errors.js';

const TWO_POW_32 = 4294967296;

export function sizeOfUVarint(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

const zigzag32 = (value: number): number => ((value << 1) ^ (value >> 31)) >>> 0;

export const sizeOfVarint = (value: number): number => sizeOfUVarint(zigzag32(value));

export function writeUVarint(buf: Buffer, pos: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

export const writeVarint = (buf: Buffer, pos: number, value: number): number => writeUVarint(buf, pos, zigzag32(value));

// Zigzag of a 64-bit two's complement value given as words; results land in these to avoid a
// tuple allocation per call (single-threaded, never re-entered).
let zzHi = 0;
let zzLo = 0;

function zigzag64(hi: number, lo: number): void {
  const sign = hi >> 31;
  zzHi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  zzLo = ((lo << 1) ^ sign) >>> 0;
}

function splitNumber(value: number): void {
  const hi = Math.floor(value / TWO_POW_32);
  zigzag64(hi | 0, (value - hi * TWO_POW_32) >>> 0);
}

function splitBigint(value: bigint): void {
  const u = BigInt.asUintN(64, value);
  zigzag64(Number(u >> 32n) | 0, Number(u & 0xffffffffn));
}

function sizeOfZigzagWords(): number {
  if (zzHi === 0) return sizeOfUVarint(zzLo);
  return Math.ceil((64 - Math.clz32(zzHi)) / 7);
}

function writeZigzagWords(buf: Buffer, pos: number): number {
  let hi = zzHi;
  let lo = zzLo;
  while (hi !== 0 || lo >= 0x80) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

const isInt32 = (value: number): boolean => (value | 0) === value;

export function sizeOfVarlong(value: number): number {
  // For int32 inputs the 64-bit zigzag equals the 32-bit one, which fits a uint32.
  if (isInt32(value)) return sizeOfUVarint(zigzag32(value));
  splitNumber(value);
  return sizeOfZigzagWords();
}

export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  if (isInt32(value)) return writeUVarint(buf, pos, zigzag32(value));
  splitNumber(value);
  return writeZigzagWords(buf, pos);
}

export function sizeOfVarlongBig(value: bigint): number {
  splitBigint(value);
  return sizeOfZigzagWords();
}

export function writeVarlongBig(buf: Buffer, pos: number, value: bigint): number {
  splitBigint(value);
  return writeZigzagWords(buf, pos);
}

/** Forward-only reader over buf[pos, end) whose every read is bounds-checked. */
export class Cursor {
  // Raw varlong words from the last readVarlongWords call.
  private wordHi = 0;
  private wordLo = 0;

  constructor(
    readonly buf: Buffer,
    public pos = 0,
    readonly end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private truncated(what: string): CorruptRecordError {
    return new CorruptRecordError(`truncated ${what}`, this.pos);
  }

  uvarint(): number {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= end) throw this.truncated('varint');
      const b = buf[p++]!;
      // Bits past the 32nd are dropped, exactly as Kafka's ByteUtils.readUnsignedVarint does.
      result |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      if (shift === 28) throw new CorruptRecordError('varint longer than 5 bytes', this.pos);
    }
    this.pos = p;
    return result >>> 0;
  }

  varint(): number {
    const buf = this.buf;
    const p = this.pos;
    if (p < this.end) {
      const b = buf[p]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return (b >>> 1) ^ -(b & 1);
      }
    }
    const u = this.uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  private readVarlongWords(): void {
    const buf = this.buf;
    const end = this.end;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; ; i++) {
      if (p >= end) throw this.truncated('varlong');
      const b = buf[p++]!;
      const bits = b & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi = bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (b < 0x80) break;
      if (i === 9) throw new CorruptRecordError('varlong longer than 10 bytes', this.pos);
    }
    this.pos = p;
    // Undo the zigzag on the words.
    const sign = -(lo & 1);
    this.wordLo = (((lo >>> 1) | (hi << 31)) ^ sign) >>> 0;
    this.wordHi = ((hi >>> 1) ^ sign) | 0;
  }

  /** Exact for results within ±2^53; larger magnitudes are rounded to the nearest double. */
  varlong(): number {
    const p = this.pos;
    if (p < this.end) {
      const b = this.buf[p]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return (b >>> 1) ^ -(b & 1);
      }
    }
    this.readVarlongWords();
    return this.wordHi * TWO_POW_32 + this.wordLo;
  }

  varlongBig(): bigint {
    this.readVarlongWords();
    return BigInt.asIntN(64, (BigInt(this.wordHi >>> 0) << 32n) | BigInt(this.wordLo));
  }

  int8(): number {
    if (this.pos + 1 > this.end) throw this.truncated('int8');
    return this.buf.readInt8(this.pos++);
  }

  int16(): number {
    if (this.pos + 2 > this.end) throw this.truncated('int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    if (this.pos + 4 > this.end) throw this.truncated('int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A view (not a copy) of the next `length` bytes. */
  bytes(length: number): Buffer {
    if (length < 0 || this.pos + length > this.end) throw this.truncated(`${length}-byte field`);
    const start = this.pos;
    this.pos = start + length;
    return this.buf.subarray(start, this.pos);
  }

  /** Varint length prefix then bytes; length -1 is null, anything below is corrupt. */
  nullableBytes(): Buffer | null {
    const at = this.pos;
    const length = this.varint();
    if (length < 0) {
      if (length === -1) return null;
      throw new CorruptRecordError(`negative length ${length}`, at);
    }
    return this.bytes(length);
  }

  string(length: number): string {
    if (length < 0 || this.pos + length > this.end) throw this.truncated(`${length}-byte string`);
    const start = this.pos;
    this.pos = start + length;
    return this.buf.toString('utf8', start, this.pos);
  }
}
