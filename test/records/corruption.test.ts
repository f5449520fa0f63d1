import { createRequire } from 'node:module';
import { crc32c } from '@node-rs/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompressionCodec } from '../../src/engine/records/batch-header.js';
import { CorruptRecordError, UnsupportedMagicError } from '../../src/engine/records/errors.js';
import { buildBatch, decodeBatch, decodeBatches } from '../../src/engine/records/record-batch.js';

const require = createRequire(import.meta.url);
const kjsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buf: Buffer) => number;

const CODECS = [
  CompressionCodec.None,
  CompressionCodec.Gzip,
  CompressionCodec.Snappy,
  CompressionCodec.Lz4,
  CompressionCodec.Zstd,
];
const CRC_SPAN_START = 21;

const makeBatch = (codec: CompressionCodec) =>
  buildBatch({
    baseOffset: 500,
    compression: codec,
    records: [
      { key: 'alpha', value: 'first value', timestamp: 1_700_000_000_000, headers: [{ key: 'h', value: 'v' }] },
      { key: null, value: 'second', timestamp: 1_700_000_000_009 },
      { key: 'gamma', value: null, timestamp: 1_700_000_000_001 },
    ],
  });

/** Decode and report the outcome; anything but the two typed errors fails the test. */
function outcome(buf: Buffer, verifyCrc = true): 'ok' | 'corrupt' | 'magic' {
  try {
    decodeBatch(buf, 0, { verifyCrc });
    return 'ok';
  } catch (err) {
    if (err instanceof CorruptRecordError) return 'corrupt';
    if (err instanceof UnsupportedMagicError) return 'magic';
    throw new Error(`decodeBatch threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
  }
}

const refreshCrc = (buf: Buffer) => buf.writeUInt32BE(crc32c(buf.subarray(CRC_SPAN_START)), 17);

describe('CRC-32C', () => {
  it('matches the standard check value', () => {
    expect(crc32c('123456789')).toBe(0xe3069283);
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(kjsCrc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('agrees with kafkajs pure-JS CRC-32C on random data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(crc32c(Buffer.from(bytes))).toBe(kjsCrc32C(Buffer.from(bytes)));
      }),
    );
  });

  it.each(CODECS)('detects a single flipped byte at every position of the CRC span (codec %i)', (codec) => {
    const batch = makeBatch(codec);
    for (let pos = CRC_SPAN_START; pos < batch.length; pos++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = Buffer.from(batch);
        bad[pos]! ^= mask;
        expect(() => decodeBatch(bad)).toThrow(/CRC mismatch/);
      }
    }
  });

  it('detects a flipped byte in the stored CRC itself', () => {
    for (let pos = 17; pos < 21; pos++) {
      const bad = Buffer.from(makeBatch(CompressionCodec.None));
      bad[pos]! ^= 0x10;
      expect(() => decodeBatch(bad)).toThrow(CorruptRecordError);
    }
  });

  it('is unaffected by fields outside the span (base offset, leader epoch)', () => {
    const batch = Buffer.from(makeBatch(CompressionCodec.None));
    batch.writeInt32BE(77, 12);
    batch.writeInt32BE(0, 0);
    batch.writeInt32BE(9, 4);
    const d = decodeBatch(batch);
    expect(d.header.partitionLeaderEpoch).toBe(77);
    expect(d.records[0]!.offset).toBe(9);
  });
});

describe('corrupt and truncated batches', () => {
  it.each(CODECS)('every truncation is a CorruptRecordError (codec %i)', (codec) => {
    const batch = makeBatch(codec);
    for (let len = 0; len < batch.length; len++) {
      expect(() => decodeBatch(batch.subarray(0, len))).toThrow(CorruptRecordError);
    }
    // ...while decodeBatches treats the same cuts as a trailing partial batch.
    for (let len = 0; len < batch.length; len++) {
      expect(decodeBatches(batch.subarray(0, len))).toEqual([]);
    }
  });

  it.each(CODECS)('random mutations give the data back or a typed error, never a crash (codec %i)', (codec) => {
    const batch = makeBatch(codec);
    const mutation = fc.record({
      edits: fc.array(fc.record({ pos: fc.nat({ max: batch.length - 1 }), byte: fc.nat({ max: 255 }) }), {
        minLength: 1,
        maxLength: 4,
      }),
      cut: fc.option(fc.nat({ max: batch.length }), { nil: undefined }),
      extra: fc.uint8Array({ maxLength: 8 }),
    });
    fc.assert(
      fc.property(mutation, ({ edits, cut, extra }) => {
        let bad = Buffer.from(batch);
        for (const { pos, byte } of edits) bad[pos] = byte;
        bad = Buffer.concat([bad.subarray(0, cut ?? bad.length), extra]);
        const result = outcome(bad);
        // Offset and leader epoch are outside the CRC; length, magic and the CRC span are not.
        let guardedChange = false;
        for (let p = 8; p < batch.length; p++) {
          if ((p < 12 || p > 15) && (p >= bad.length || bad[p] !== batch[p])) guardedChange = true;
        }
        expect(result === 'ok').toBe(!guardedChange);
        if (result === 'magic') expect(bad[16] === 0 || bad[16] === 1).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500) },
    );
  });

  it.each(CODECS)('garbage payloads behind a valid CRC are rejected cleanly (codec %i)', (codec) => {
    // With the CRC recomputed the record parser and decompressors see the garbage directly.
    const batch = makeBatch(codec);
    fc.assert(
      fc.property(
        fc.array(fc.record({ pos: fc.integer({ min: 57, max: batch.length - 1 }), byte: fc.nat({ max: 255 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.uint8Array({ maxLength: 64 }),
        (edits, tail) => {
          let bad = Buffer.from(batch);
          for (const { pos, byte } of edits) bad[pos] = byte;
          bad = Buffer.concat([bad, tail]);
          bad.writeInt32BE(bad.length - 12, 8);
          refreshCrc(bad);
          outcome(bad);
          outcome(bad, false);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1500) },
    );
  });

  it('rejects unknown codecs, negative counts and counts the payload cannot hold', () => {
    const withAttr = (attr: number) => {
      const b = Buffer.from(makeBatch(CompressionCodec.None));
      b.writeInt16BE(attr, 21);
      refreshCrc(b);
      return b;
    };
    expect(() => decodeBatch(withAttr(5))).toThrow(/compression codec 5/);
    expect(() => decodeBatch(withAttr(7))).toThrow(CorruptRecordError);
    for (const count of [-1, 4, 2 ** 31 - 1, 2]) {
      const b = Buffer.from(makeBatch(CompressionCodec.None));
      b.writeInt32BE(count, 57);
      refreshCrc(b);
      expect(() => decodeBatch(b)).toThrow(CorruptRecordError);
    }
  });

  it('rejects a batch with bytes after its last record', () => {
    const batch = makeBatch(CompressionCodec.None);
    const padded = Buffer.concat([batch, Buffer.from([0])]);
    padded.writeInt32BE(padded.length - 12, 8);
    refreshCrc(padded);
    expect(() => decodeBatch(padded)).toThrow(/left after/);
  });

  it('rejects invalid magic values other than 0/1 as corrupt', () => {
    const b = Buffer.from(makeBatch(CompressionCodec.None));
    for (const magic of [3, 127, -1]) {
      b.writeInt8(magic, 16);
      expect(() => decodeBatch(b)).toThrow(CorruptRecordError);
    }
  });
});

describe('legacy message sets', () => {
  /** A magic 0 or 1 message set entry: offset, size, crc, magic, attributes, [timestamp], key, value. */
  function legacyMessage(magic: 0 | 1): Buffer {
    const value = Buffer.from('legacy');
    const body = Buffer.alloc(4 + 1 + 1 + (magic === 1 ? 8 : 0) + 4 + 4 + value.length);
    let p = 4;
    body.writeInt8(magic, p++);
    body.writeInt8(0, p++);
    if (magic === 1) p += 8;
    body.writeInt32BE(-1, p);
    body.writeInt32BE(value.length, p + 4);
    value.copy(body, p + 8);
    const head = Buffer.alloc(12);
    head.writeInt32BE(body.length, 8);
    return Buffer.concat([head, body]);
  }

  it.each([0, 1] as const)('magic %i raises UnsupportedMagicError', (magic) => {
    const msg = legacyMessage(magic);
    expect(msg[16]).toBe(magic);
    const err = (() => {
      try {
        decodeBatch(msg);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UnsupportedMagicError);
    expect((err as UnsupportedMagicError).magic).toBe(magic);
    expect(() => decodeBatches(Buffer.concat([makeBatch(CompressionCodec.None), msg]))).toThrow(UnsupportedMagicError);
  });
});
