/**
 * Record-batch payload codecs, byte-compatible with what the Java client and librdkafka produce
 * and accept.
 *
 *  - gzip: plain RFC 1952 members (concatenated members accepted, as GZIPInputStream does).
 *  - snappy: written with the xerial snappy-java stream framing the Java client uses; read either
 *    that framing or a bare snappy block (older librdkafka and some clients send bare blocks, and
 *    Kafka's own reader accepts both).
 *  - lz4: the standard LZ4 frame format (what Kafka has used since magic 1), written with
 *    independent blocks; frames with or without content size, content checksum, block checksums
 *    or linked blocks all decode (lz4.ts).
 *  - zstd: standard frames; frames that do not declare a content size (zstd-jni's streaming
 *    output) are decoded with the streaming API.
 *
 * Every decode failure is rethrown as CorruptRecordError so the broker answers CORRUPT_MESSAGE
 * instead of leaking a native library's error type.
 */
import zlib from 'node:zlib';
import snappy from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import zstd from 'zstd-napi/binding.js';
import { CompressionCodec } from './batch-header.js';
import { CorruptRecordError } from './errors.js';
import { lz4DecompressFrames } from './lz4.js';

export interface DecompressOptions {
  /** Refuse payloads that inflate beyond this many bytes (decompression-bomb guard). */
  maxOutputLength?: number;
}

export function compress(codec: CompressionCodec, data: Buffer, level?: number): Buffer {
  switch (codec) {
    case CompressionCodec.None:
      return data;
    case CompressionCodec.Gzip:
      return gzipCompress(data, level);
    case CompressionCodec.Snappy:
      return snappyCompress(data);
    case CompressionCodec.Lz4:
      return lz4Compress(data);
    case CompressionCodec.Zstd:
      return zstdCompress(data, level);
    default:
      throw new RangeError(`unknown compression codec ${codec as number}`);
  }
}

export function decompress(codec: CompressionCodec, data: Buffer, opts: DecompressOptions = {}): Buffer {
  let out: Buffer;
  try {
    switch (codec) {
      case CompressionCodec.None:
        out = data;
        break;
      case CompressionCodec.Gzip:
        out = gzipDecompress(data, opts.maxOutputLength);
        break;
      case CompressionCodec.Snappy:
        out = snappyDecompress(data, opts.maxOutputLength);
        break;
      case CompressionCodec.Lz4:
        out = lz4Decompress(data, opts.maxOutputLength);
        break;
      case CompressionCodec.Zstd:
        out = zstdDecompress(data, opts.maxOutputLength);
        break;
      default:
        throw new CorruptRecordError(`unknown compression codec ${codec as number}`);
    }
  } catch (err) {
    if (err instanceof CorruptRecordError) throw err;
    throw new CorruptRecordError(`${codecName(codec)} decompression failed: ${(err as Error)?.message ?? err}`, undefined, {
      cause: err,
    });
  }
  if (opts.maxOutputLength !== undefined && out.length > opts.maxOutputLength) {
    throw new CorruptRecordError(`${codecName(codec)} payload inflates past ${opts.maxOutputLength} bytes`);
  }
  return out;
}

export function codecName(codec: CompressionCodec): string {
  return ['none', 'gzip', 'snappy', 'lz4', 'zstd'][codec] ?? `codec ${codec as number}`;
}

// ---- gzip ----

export const gzipCompress = (data: Buffer, level?: number): Buffer =>
  zlib.gzipSync(data, level === undefined ? undefined : { level });

export const gzipDecompress = (data: Buffer, maxOutputLength?: number): Buffer =>
  zlib.gunzipSync(data, maxOutputLength === undefined ? undefined : { maxOutputLength });

// ---- snappy (xerial framing) ----

/** 0x82 'SNAPPY' 0x00, then int32 version 1 and int32 min-compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** snappy-java's default block size; any chunk size decodes, this only bounds reader buffers. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

const snappyBlock = (data: Buffer): Buffer => snappy.compressSync(data);

/** The uncompressed length a raw snappy block declares in its uvarint preamble. */
function snappyDeclaredLength(data: Buffer): number {
  let n = 0;
  for (let i = 0, shift = 0; i < 5 && i < data.length; i++, shift += 7) {
    n += (data[i]! & 0x7f) * 2 ** shift;
    if (data[i]! < 0x80) return n;
  }
  throw new CorruptRecordError('bad snappy block length preamble');
}

function snappyUnblock(data: Buffer, budget: number): Buffer {
  // Checked before the native call, which would allocate whatever the preamble claims.
  if (snappyDeclaredLength(data) > budget) throw new CorruptRecordError(`snappy payload inflates past the limit`);
  // copyOutputData: a V8-owned result is ~10x cheaper than the default external buffer at 100 KB.
  return snappy.uncompressSync(data, { asBuffer: true, copyOutputData: true }) as Buffer;
}

const hasXerialMagic = (data: Buffer, pos: number): boolean =>
  data.length - pos >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0;

export function snappyCompress(data: Buffer, opts: { xerial?: boolean } = {}): Buffer {
  if (opts.xerial === false) return snappyBlock(data);
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  parts.push(header);
  for (let off = 0; off < data.length; off += XERIAL_BLOCK_SIZE) {
    const block = snappyBlock(data.subarray(off, Math.min(off + XERIAL_BLOCK_SIZE, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

export function snappyDecompress(data: Buffer, maxOutputLength = Infinity): Buffer {
  if (!hasXerialMagic(data, 0)) return snappyUnblock(data, maxOutputLength);
  const chunks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    // snappy-java's reader tolerates concatenated streams, each with its own header.
    if (hasXerialMagic(data, pos)) {
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - pos < 4) throw new CorruptRecordError('truncated xerial snappy chunk length', pos);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) throw new CorruptRecordError(`bad xerial snappy chunk length ${len}`, pos - 4);
    const chunk = snappyUnblock(data.subarray(pos, pos + len), maxOutputLength - total);
    chunks.push(chunk);
    total += chunk.length;
    pos += len;
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

// ---- lz4 ----

/**
 * lz4_flex writes FLG=0x60 (version 1, independent blocks, no checksums) and picks the max block
 * size from the input length (64 KiB up to 4 MiB). Java's KafkaLZ4BlockInputStream and librdkafka
 * (LZ4F) accept any legal block size and require independent blocks only on the Java side.
 */
export const lz4Compress = (data: Buffer, opts: { contentChecksum?: boolean } = {}): Buffer =>
  compressFrameSync(data, { contentChecksum: opts.contentChecksum ?? false, blockChecksums: false });

/** Decoded in TypeScript (see lz4.ts for why not with lz4-napi). */
export const lz4Decompress = (data: Buffer, maxOutputLength?: number): Buffer => lz4DecompressFrames(data, maxOutputLength);

// ---- zstd ----

/** Kafka's default zstd level (compression.zstd.level). */
const ZSTD_DEFAULT_LEVEL = 3;
const ZSTD_STREAM_OUT = zstd.dStreamOutSize();
let dctx: zstd.DCtx | undefined;

export function zstdCompress(data: Buffer, level = ZSTD_DEFAULT_LEVEL): Buffer {
  const out = Buffer.allocUnsafe(zstd.compressBound(data.length));
  const n = zstd.compress(out, data, level);
  return out.subarray(0, n);
}

export function zstdDecompress(data: Buffer, maxOutputLength = Infinity): Buffer {
  dctx ??= new zstd.DCtx();
  const known = zstd.getFrameContentSize(data);
  // A declared size is only trusted when it is the sole frame; otherwise stream.
  if (known !== null && known <= maxOutputLength && zstd.findFrameCompressedSize(data) === data.length) {
    const out = Buffer.allocUnsafe(known);
    const n = dctx.decompress(out, data);
    if (n !== known) throw new CorruptRecordError(`zstd frame declared ${known} bytes but held ${n}`);
    return out;
  }
  // zstd-napi's own fallback returns silently truncated output for a cut-off frame; this loop
  // remembers whether the last frame was finished.
  dctx.reset(zstd.ResetDirective.sessionOnly);
  const chunks: Buffer[] = [];
  let total = 0;
  let input = data;
  let pending = 1;
  while (input.length > 0) {
    const chunk = Buffer.allocUnsafe(Math.max(ZSTD_STREAM_OUT, input.length * 2));
    const [hint, produced, consumed] = dctx.decompressStream(chunk, input);
    if (produced > 0) {
      chunks.push(chunk.subarray(0, produced));
      total += produced;
      if (total > maxOutputLength) throw new CorruptRecordError(`zstd payload inflates past ${maxOutputLength} bytes`);
    }
    pending = hint;
    input = input.subarray(consumed);
    // The output was not full yet the decoder stopped without consuming: the input is wedged.
    if (consumed === 0 && produced === 0) break;
  }
  // A frame that is complete but whose output did not fit the last chunk needs more flushing.
  while (pending !== 0) {
    const chunk = Buffer.allocUnsafe(ZSTD_STREAM_OUT);
    const [hint, produced] = dctx.decompressStream(chunk, Buffer.alloc(0));
    if (produced === 0) throw new CorruptRecordError('truncated zstd frame');
    chunks.push(chunk.subarray(0, produced));
    total += produced;
    if (total > maxOutputLength) throw new CorruptRecordError(`zstd payload inflates past ${maxOutputLength} bytes`);
    pending = hint;
  }
  // Records are views into the result, so a mostly-empty stream chunk would be pinned with them.
  const only = chunks.length === 1 ? chunks[0]! : undefined;
  return only && only.length * 2 >= only.buffer.byteLength ? only : Buffer.concat(chunks, total);
}
