import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/processes.js';
import { CorruptRecordError } from '../../src/engine/records/errors.js';
import { lz4DecompressFrames, xxh32 } from '../../src/engine/records/lz4.js';

const LZ4_CLI = '/usr/bin/lz4';

/** Data with short- and long-range repetition so matches, overlaps and long lengths all occur. */
const compressible = fc
  .tuple(fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 20 }), fc.nat({ max: 6000 }), fc.nat())
  .map(([pieces, count, seed]) => {
    const out: number[] = [];
    let s = seed;
    for (let i = 0; i < count; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const piece = pieces[s % pieces.length]!;
      // Sometimes a long run, to produce overlapping matches with offset < length.
      if ((s >>> 8) % 17 === 0) for (let r = 0; r < 300; r++) out.push(piece[0]!);
      else out.push(...piece);
    }
    return Buffer.from(out);
  });

describe('xxh32', () => {
  it('matches the reference check values', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});

describe('lz4 frame decoder', () => {
  it('agrees with lz4-napi (lz4_flex) on its frames, with and without content checksum', () => {
    fc.assert(
      fc.property(fc.oneof(compressible, fc.uint8Array({ maxLength: 70_000 }).map((a) => Buffer.from(a))), fc.boolean(), (data, contentChecksum) => {
        const frame = compressFrameSync(data, { contentChecksum });
        const ours = lz4DecompressFrames(frame);
        expect(ours.equals(data)).toBe(true);
        expect(ours.equals(decompressFrameSync(frame))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with liblz4 on linked, checksummed, sized frames (property)', () => {
    requireTool(LZ4_CLI, 'lz4');
    const flags = fc.subarray(['-BD', '-BX', '--content-size', '--no-frame-crc', '-B4', '-9'], { minLength: 0 });
    fc.assert(
      fc.property(compressible, flags, (data, args) => {
        const res = spawnSync(LZ4_CLI, ['-q', '-c', ...args], { input: data, maxBuffer: 1 << 26 });
        expect(res.status).toBe(0);
        expect(lz4DecompressFrames(res.stdout).equals(data)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('decodes concatenated and skippable frames', () => {
    const a = Buffer.from('first frame '.repeat(100));
    const b = Buffer.from('second frame '.repeat(100));
    const skippable = Buffer.alloc(8 + 5);
    skippable.writeUInt32LE(0x184d2a53, 0);
    skippable.writeUInt32LE(5, 4);
    const frames = Buffer.concat([compressFrameSync(a), skippable, compressFrameSync(b)]);
    expect(lz4DecompressFrames(frames).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('verifies header, block and content checksums', () => {
    const data = Buffer.from('checksummed '.repeat(1000));
    const withContent = compressFrameSync(data, { contentChecksum: true });
    const headerBroken = Buffer.from(withContent);
    headerBroken[6]! ^= 1; // the header checksum byte (no content size: FLG, BD, HC)
    expect(() => lz4DecompressFrames(headerBroken)).toThrow(/header checksum/);
    const contentBroken = Buffer.from(withContent);
    contentBroken[contentBroken.length - 1]! ^= 1;
    expect(() => lz4DecompressFrames(contentBroken)).toThrow(/content checksum/);
    const withBlock = compressFrameSync(data, { blockChecksums: true });
    const blockBroken = Buffer.from(withBlock);
    blockBroken[blockBroken.length - 5]! ^= 1; // last byte of the block's checksum
    expect(() => lz4DecompressFrames(blockBroken)).toThrow(/block checksum/);
  });

  it('refuses to inflate past maxOutputLength', () => {
    const frame = compressFrameSync(Buffer.alloc(1_000_000));
    expect(lz4DecompressFrames(frame, 1_000_000).length).toBe(1_000_000);
    expect(() => lz4DecompressFrames(frame, 999_999)).toThrow(CorruptRecordError);
  });

  it('turns every truncation and random damage into CorruptRecordError', () => {
    const data = Buffer.from('truncate me, please '.repeat(500));
    for (const frame of [compressFrameSync(data), compressFrameSync(data, { contentChecksum: true, blockChecksums: true })]) {
      for (let len = 0; len < frame.length; len++) {
        expect(() => lz4DecompressFrames(frame.subarray(0, len))).toThrow(CorruptRecordError);
      }
    }
    // Damage that keeps the header valid, so the block decoder sees garbage sequences.
    const frame = compressFrameSync(data);
    fc.assert(
      fc.property(fc.array(fc.record({ pos: fc.integer({ min: 7, max: frame.length - 1 }), byte: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 5 }), (edits) => {
        const bad = Buffer.from(frame);
        for (const { pos, byte } of edits) bad[pos] = byte;
        try {
          lz4DecompressFrames(bad);
        } catch (err) {
          expect(err).toBeInstanceOf(CorruptRecordError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects match offsets reaching before the output start', () => {
    // Block: token 0x10 (1 literal, match 4), literal 'a', offset 2 -> reaches one byte too far back.
    const frame = Buffer.from(compressFrameSync(Buffer.alloc(0)));
    const header = frame.subarray(0, 7);
    const block = Buffer.from([0x10, 0x61, 0x02, 0x00, 0x00]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length, 0);
    const bad = Buffer.concat([header, size, block, Buffer.alloc(4)]);
    expect(() => lz4DecompressFrames(bad)).toThrow(/before the output start/);
  });
});
