import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError } from '../../src/engine/records/errors.js';
import {
  Cursor,
  sizeOfUVarint,
  sizeOfVarint,
  sizeOfVarlong,
  sizeOfVarlongBig,
  writeUVarint,
  writeVarint,
  writeVarlong,
  writeVarlongBig,
} from '../../src/engine/records/varint.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Independent reference: zigzag in bigint, then plain LEB128. */
function refEncode(value: bigint, bits: 32 | 64, zigzag = true): Buffer {
  let u = zigzag ? BigInt.asUintN(bits, (value << 1n) ^ (value >> BigInt(bits - 1))) : BigInt.asUintN(bits, value);
  const out: number[] = [];
  while (u >= 0x80n) {
    out.push(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  out.push(Number(u));
  return Buffer.from(out);
}

function encodeWith(size: number, write: (buf: Buffer, pos: number) => number): Buffer {
  // Surround with guard bytes to catch writes outside [pos, pos + size).
  const buf = Buffer.alloc(size + 4, 0xee);
  const end = write(buf, 2);
  expect(end - 2).toBe(size);
  expect(buf[0]).toBe(0xee);
  expect(buf[1]).toBe(0xee);
  expect(buf[end]).toBe(0xee);
  return buf.subarray(2, end);
}

const int32 = fc.oneof(
  fc.integer({ min: INT32_MIN, max: INT32_MAX }),
  fc.constantFrom(0, -1, 1, 63, -64, 64, -65, INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1),
);
const uint32 = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.constantFrom(0, 127, 128, 16383, 16384, 2 ** 28 - 1, 2 ** 28, 2 ** 32 - 1),
);
const safeInt = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: INT32_MIN, max: INT32_MAX }),
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2 ** 32,
    -(2 ** 32),
    2 ** 31,
    INT32_MIN - 1,
    1_700_000_000_000,
    -1_700_000_000_000,
  ),
);
const int64 = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, INT64_MIN + 1n, INT64_MAX - 1n, 0n, -1n, 2n ** 53n, -(2n ** 53n)),
);

describe('unsigned varint', () => {
  it('round trips and matches the reference encoding', () => {
    fc.assert(
      fc.property(uint32, (v) => {
        const bytes = encodeWith(sizeOfUVarint(v), (b, p) => writeUVarint(b, p, v));
        expect(bytes).toEqual(refEncode(BigInt(v), 32, false));
        const c = new Cursor(bytes);
        expect(c.uvarint()).toBe(v);
        expect(c.remaining).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects a sixth byte and truncation', () => {
    expect(() => new Cursor(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).uvarint()).toThrow(CorruptRecordError);
    expect(() => new Cursor(Buffer.from([0x80, 0x80])).uvarint()).toThrow(CorruptRecordError);
    expect(() => new Cursor(Buffer.alloc(0)).uvarint()).toThrow(CorruptRecordError);
  });
});

describe('zigzag varint', () => {
  it('has the Kafka encodings at the boundaries', () => {
    const enc = (v: number) => encodeWith(sizeOfVarint(v), (b, p) => writeVarint(b, p, v)).toString('hex');
    expect(enc(0)).toBe('00');
    expect(enc(-1)).toBe('01');
    expect(enc(1)).toBe('02');
    expect(enc(-64)).toBe('7f');
    expect(enc(64)).toBe('8001');
    expect(enc(INT32_MAX)).toBe('feffffff0f');
    expect(enc(INT32_MIN)).toBe('ffffffff0f');
  });

  it('round trips every int32', () => {
    fc.assert(
      fc.property(int32, (v) => {
        const bytes = encodeWith(sizeOfVarint(v), (b, p) => writeVarint(b, p, v));
        expect(bytes).toEqual(refEncode(BigInt(v), 32));
        const c = new Cursor(bytes);
        expect(c.varint()).toBe(v);
        expect(c.remaining).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back-to-back values from a shared buffer', () => {
    fc.assert(
      fc.property(fc.array(int32, { maxLength: 50 }), (vs) => {
        const buf = Buffer.alloc(vs.reduce((n, v) => n + sizeOfVarint(v), 0));
        let pos = 0;
        for (const v of vs) pos = writeVarint(buf, pos, v);
        const c = new Cursor(buf);
        expect(vs.map(() => c.varint())).toEqual(vs);
        expect(c.remaining).toBe(0);
      }),
    );
  });
});

describe('zigzag varlong', () => {
  it('has the Kafka encodings at the int64 boundaries', () => {
    const enc = (v: bigint) => encodeWith(sizeOfVarlongBig(v), (b, p) => writeVarlongBig(b, p, v)).toString('hex');
    expect(enc(INT64_MAX)).toBe('feffffffffffffffff01');
    expect(enc(INT64_MIN)).toBe('ffffffffffffffffff01');
    expect(enc(0n)).toBe('00');
    expect(enc(-1n)).toBe('01');
  });

  it('round trips the full int64 range through the bigint API', () => {
    fc.assert(
      fc.property(int64, (v) => {
        const bytes = encodeWith(sizeOfVarlongBig(v), (b, p) => writeVarlongBig(b, p, v));
        expect(bytes).toEqual(refEncode(v, 64));
        const c = new Cursor(bytes);
        expect(c.varlongBig()).toBe(v);
        expect(c.remaining).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it('round trips safe integers through the number API, byte-identical to the bigint API', () => {
    fc.assert(
      fc.property(safeInt, (v) => {
        const bytes = encodeWith(sizeOfVarlong(v), (b, p) => writeVarlong(b, p, v));
        expect(bytes).toEqual(refEncode(BigInt(v), 64));
        expect(new Cursor(bytes).varlong()).toBe(v);
        expect(new Cursor(bytes).varlongBig()).toBe(BigInt(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('number API rounds values beyond 2^53 to the nearest double', () => {
    fc.assert(
      fc.property(int64, (v) => {
        const bytes = encodeWith(sizeOfVarlongBig(v), (b, p) => writeVarlongBig(b, p, v));
        expect(new Cursor(bytes).varlong()).toBe(Number(v));
      }),
    );
    // -2^63 and 2^63-1 round to +-2^63 as doubles; the former is exact and re-encodes exactly.
    const min = Number(INT64_MIN);
    const bytes = encodeWith(sizeOfVarlong(min), (b, p) => writeVarlong(b, p, min));
    expect(bytes.toString('hex')).toBe('ffffffffffffffffff01');
  });

  it('rejects an eleventh byte and truncation', () => {
    const tooLong = Buffer.from([...Array(10).fill(0x80), 0x01]);
    expect(() => new Cursor(tooLong).varlong()).toThrow(CorruptRecordError);
    expect(() => new Cursor(tooLong).varlongBig()).toThrow(CorruptRecordError);
    expect(() => new Cursor(Buffer.from([0xff, 0xff])).varlong()).toThrow(CorruptRecordError);
  });

  it('never throws anything but CorruptRecordError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        for (const read of ['uvarint', 'varint', 'varlong', 'varlongBig'] as const) {
          try {
            new Cursor(Buffer.from(bytes))[read]();
          } catch (err) {
            expect(err).toBeInstanceOf(CorruptRecordError);
          }
        }
      }),
    );
  });
});

describe('Cursor fixed-width and byte reads', () => {
  it('bounds every read by end, not by the buffer', () => {
    const buf = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const c = new Cursor(buf, 2, 5);
    expect(c.int16()).toBe(0x0203);
    expect(() => c.int16()).toThrow(CorruptRecordError);
    expect(c.int8()).toBe(4);
    expect(() => c.int8()).toThrow(CorruptRecordError);
    expect(() => new Cursor(buf, 0, 3).int32()).toThrow(CorruptRecordError);
    expect(() => new Cursor(buf, 0, 3).bytes(4)).toThrow(CorruptRecordError);
    expect(() => new Cursor(buf, 0, 3).string(4)).toThrow(CorruptRecordError);
  });

  it('returns views for bytes and null for length -1', () => {
    const buf = Buffer.from([0x06, 0xaa, 0xbb, 0xcc, 0x01, 0x03]);
    const c = new Cursor(buf);
    const b = c.nullableBytes()!;
    expect(b.toString('hex')).toBe('aabbcc');
    expect(b.buffer).toBe(buf.buffer);
    expect(c.nullableBytes()).toBeNull();
    expect(() => c.nullableBytes()).toThrow(CorruptRecordError); // -2
  });
});
