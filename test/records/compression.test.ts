import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import * as zstdApi from 'zstd-napi';
import { describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/processes.js';
import { CompressionCodec } from '../../src/engine/records/batch-header.js';
import {
  compress,
  decompress,
  lz4Compress,
  snappyCompress,
  snappyDecompress,
} from '../../src/engine/records/compression.js';
import { CorruptRecordError } from '../../src/engine/records/errors.js';

const CODECS = [CompressionCodec.Gzip, CompressionCodec.Snappy, CompressionCodec.Lz4, CompressionCodec.Zstd];
const XERIAL_HEADER = '82534e41505059000000000100000001';

/** Deterministic, compressible, and with long-range repeats so dependent LZ4 blocks really refer back. */
function sampleText(size: number, seed = 1): Buffer {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  const words = ['kafka', 'record', 'batch', 'offset', 'partition', 'leader', 'epoch', 'zstd', 'lz4', 'topic'];
  const unit: string[] = [];
  for (let n = 0; n < 40_000; ) {
    const w = `${words[Math.floor(rand() * words.length)]}-${Math.floor(rand() * 1000)} `;
    unit.push(w);
    n += w.length;
  }
  const base = Buffer.from(unit.join(''));
  const out = Buffer.alloc(size);
  for (let pos = 0; pos < size; pos += base.length) base.copy(out, pos, 0, Math.min(base.length, size - pos));
  return out;
}

describe.each(CODECS)('codec %i round trip', (codec) => {
  it('round trips empty, tiny, block-spanning and random payloads', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('x'), sampleText(300_000), sampleText(70_000, 7)]) {
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100_000 }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('turns garbage and truncation into CorruptRecordError', () => {
    const good = compress(codec, sampleText(100_000));
    for (const bad of [Buffer.from('not compressed at all'), good.subarray(0, good.length >> 1), good.subarray(0, 3)]) {
      expect(() => decompress(codec, bad)).toThrow(CorruptRecordError);
    }
  });
});

describe('snappy xerial framing', () => {
  it('writes the snappy-java header and int32-length-prefixed 32 KiB chunks', () => {
    const data = sampleText(100_000);
    const framed = snappyCompress(data);
    expect(framed.subarray(0, 16).toString('hex')).toBe(XERIAL_HEADER);
    let pos = 16;
    let chunks = 0;
    while (pos < framed.length) {
      pos += 4 + framed.readInt32BE(pos);
      chunks++;
    }
    expect(pos).toBe(framed.length);
    expect(chunks).toBe(Math.ceil(100_000 / 32_768));
  });

  it('also reads bare snappy blocks and concatenated xerial streams', () => {
    const a = sampleText(50_000, 3);
    const b = sampleText(10_000, 4);
    expect(snappyDecompress(snappyCompress(a, { xerial: false })).equals(a)).toBe(true);
    const concatenated = Buffer.concat([snappyCompress(a), snappyCompress(b)]);
    expect(snappyDecompress(concatenated).equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('rejects a chunk length running past the end', () => {
    const framed = snappyCompress(sampleText(1000));
    framed.writeInt32BE(1 << 30, 16);
    expect(() => decompress(CompressionCodec.Snappy, framed)).toThrow(CorruptRecordError);
  });
});

describe('lz4 frames', () => {
  it('emits a standard frame with independent blocks, and reads content-checksummed frames', () => {
    const data = sampleText(200_000);
    const frame = lz4Compress(data);
    expect(frame.readUInt32LE(0)).toBe(0x184d2204);
    expect(frame[4]! & 0x20).toBe(0x20); // block independence, which Java's reader requires
    const checked = lz4Compress(data, { contentChecksum: true });
    expect(checked[4]! & 0x04).toBe(0x04);
    expect(decompress(CompressionCodec.Lz4, checked).equals(data)).toBe(true);
    checked[checked.length - 1]! ^= 0xff;
    expect(() => decompress(CompressionCodec.Lz4, checked)).toThrow(CorruptRecordError);
  });

  // Frames from the reference liblz4 (the library librdkafka links) in every flavour it can write.
  const lz4Cli = '/usr/bin/lz4';
  it.each([
    ['default'],
    ['-BD'],
    ['-BD -B4'],
    ['-BX'],
    ['--content-size'],
    ['--no-frame-crc'],
    ['-B4 -BX --content-size'],
  ])('decodes liblz4 frames written with %s', (flags) => {
    const data = sampleText(300_000, 11);
    const args = flags === 'default' ? [] : flags.split(' ');
    const res = spawnSync(requireTool(lz4Cli, 'lz4'), ['-q', '-c', ...args], { input: data, maxBuffer: 1 << 24 });
    expect(res.status).toBe(0);
    expect(decompress(CompressionCodec.Lz4, res.stdout).equals(data)).toBe(true);
  });

  it('writes frames liblz4 decodes', () => {
    const data = sampleText(300_000, 12);
    const res = spawnSync(requireTool(lz4Cli, 'lz4'), ['-q', '-d', '-c'], { input: lz4Compress(data), maxBuffer: 1 << 24 });
    expect(res.status).toBe(0);
    expect(res.stdout.equals(data)).toBe(true);
  });
});

describe('zstd frames', () => {
  it('decodes frames without a content size, as zstd-jni streams them', () => {
    for (const size of [0, 10, 200_000, 1_000_000]) {
      const data = sampleText(size, size + 1);
      const frame = zstdApi.compress(data, { contentSizeFlag: false, checksumFlag: true });
      expect(decompress(CompressionCodec.Zstd, frame).equals(data)).toBe(true);
      if (size > 0) {
        expect(() => decompress(CompressionCodec.Zstd, frame.subarray(0, frame.length - 5))).toThrow(CorruptRecordError);
      }
    }
  });

  it('decodes concatenated frames', () => {
    const a = sampleText(40_000, 5);
    const b = sampleText(50_000, 6);
    const frames = Buffer.concat([compress(CompressionCodec.Zstd, a), zstdApi.compress(b, { contentSizeFlag: false })]);
    expect(decompress(CompressionCodec.Zstd, frames).equals(Buffer.concat([a, b]))).toBe(true);
  });

  const zstdCli = '/usr/bin/zstd';
  it('decodes frames from the zstd CLI reading a pipe (no content size)', () => {
    const data = sampleText(500_000, 21);
    const res = spawnSync(requireTool(zstdCli, 'zstd'), ['-q', '-c'], { input: data, maxBuffer: 1 << 24 });
    expect(res.status).toBe(0);
    expect(decompress(CompressionCodec.Zstd, res.stdout).equals(data)).toBe(true);
  });
});

describe('decompression bomb guard', () => {
  it.each(CODECS)('codec %i refuses output over maxOutputLength', (codec) => {
    const data = Buffer.alloc(2_000_000);
    const packed = compress(codec, data);
    expect(decompress(codec, packed, { maxOutputLength: 2_000_000 }).length).toBe(2_000_000);
    expect(() => decompress(codec, packed, { maxOutputLength: 1_000_000 })).toThrow(CorruptRecordError);
  });
});
