import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BATCH_OVERHEAD,
  CompressionCodec,
  TimestampType,
  batchCrcValid,
  compressionOf,
  isControl,
  isTransactional,
  readBatchHeader,
  timestampTypeOf,
  validateBatches,
} from '../../src/engine/records/batch-header.js';
import {
  ControlRecordType,
  buildControlBatch,
  controlTypeOf,
  parseControlKey,
  parseEndTxnMarker,
} from '../../src/engine/records/control.js';
import { CorruptRecordError } from '../../src/engine/records/errors.js';
import {
  buildBatch,
  decodeBatch,
  decodeBatches,
  decodeRecords,
  type RecordInput,
} from '../../src/engine/records/record-batch.js';

const CODECS = [
  CompressionCodec.None,
  CompressionCodec.Gzip,
  CompressionCodec.Snappy,
  CompressionCodec.Lz4,
  CompressionCodec.Zstd,
];

const T0 = 1_700_000_000_000;

const sample: RecordInput[] = [
  { key: 'k1', value: 'v1', timestamp: T0 },
  { key: null, value: 'no key', timestamp: T0 + 5 },
  { key: 'tombstone', value: null, timestamp: T0 - 3 },
  { key: '', value: '', timestamp: T0 + 1 },
  {
    key: 'h',
    value: Buffer.alloc(100_000, 7),
    timestamp: T0 + 2,
    headers: [
      { key: 'a', value: 'x' },
      { key: 'a', value: 'dup key' },
      { key: 'null', value: null },
      { key: '', value: '' },
      { key: 'ünï©ødé', value: Buffer.from([0, 255]) },
    ],
  },
];

const asBuffer = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : Buffer.from(v);

function expectRecordsMatch(decoded: ReturnType<typeof decodeBatch>, inputs: RecordInput[], baseOffset: number): void {
  expect(decoded.records).toHaveLength(inputs.length);
  decoded.records.forEach((r, i) => {
    const input = inputs[i]!;
    expect(r.offset).toBe(baseOffset + (input.offsetDelta ?? i));
    expect(r.timestamp).toBe(input.timestamp);
    expect(r.key).toEqual(asBuffer(input.key));
    expect(r.value).toEqual(asBuffer(input.value));
    expect(r.headers).toEqual((input.headers ?? []).map((h) => ({ key: h.key, value: asBuffer(h.value) })));
  });
}

describe.each(CODECS)('buildBatch -> decodeBatch, codec %i', (codec) => {
  it('round trips keys, null keys, null values, empty values and headers', () => {
    const batch = buildBatch({ baseOffset: 1000, records: sample, compression: codec });
    expect(batchCrcValid(batch)).toBe(true);
    expect(validateBatches(batch)).toEqual({ kind: 'ok' });
    const decoded = decodeBatch(batch);
    expect(decoded.size).toBe(batch.length);
    const h = decoded.header;
    expect(h).toMatchObject({
      baseOffset: 1000,
      batchLength: batch.length - 12,
      partitionLeaderEpoch: -1,
      magic: 2,
      lastOffsetDelta: sample.length - 1,
      baseTimestamp: T0,
      maxTimestamp: T0 + 5,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordsCount: sample.length,
    });
    expect(compressionOf(h.attributes)).toBe(codec);
    expectRecordsMatch(decoded, sample, 1000);
  });

  it('round trips an empty batch', () => {
    const batch = buildBatch({ baseOffset: 42, records: [], compression: codec });
    const decoded = decodeBatch(batch);
    expect(decoded.records).toEqual([]);
    expect(decoded.header).toMatchObject({ recordsCount: 0, lastOffsetDelta: 0, baseTimestamp: -1, maxTimestamp: -1 });
  });

  it('round trips random batches (property)', () => {
    const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), { nil: null });
    const record = fc.record({
      key: bytes,
      value: bytes,
      // Negative deltas and full-int64-ish spreads exercise the varlong paths.
      timestamp: fc.integer({ min: -1, max: 2 ** 50 }),
      headers: fc.array(fc.record({ key: fc.string({ maxLength: 20 }), value: bytes }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 52 }),
        fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        (records, baseOffset, producerId) => {
          const batch = buildBatch({ baseOffset, records, compression: codec, producerId, producerEpoch: 3, baseSequence: 9 });
          const decoded = decodeBatch(batch);
          expectRecordsMatch(decoded, records, baseOffset);
          expect(decoded.header).toMatchObject({ producerId, producerEpoch: 3, baseSequence: 9 });
        },
      ),
      { numRuns: codec === CompressionCodec.None ? 300 : 80 },
    );
  });
});

describe('batch attributes and options', () => {
  it('sets transactional, producer fields, leader epoch and explicit offset deltas', () => {
    const batch = buildBatch({
      baseOffset: 10,
      records: [
        { value: 'a', offsetDelta: 0, timestamp: T0 },
        { value: 'b', offsetDelta: 7, timestamp: T0 },
      ],
      producerId: 2 ** 40,
      producerEpoch: 5,
      baseSequence: 100,
      transactional: true,
      partitionLeaderEpoch: 12,
    });
    const { header, records } = decodeBatch(batch);
    expect(isTransactional(header.attributes)).toBe(true);
    expect(isControl(header.attributes)).toBe(false);
    expect(header).toMatchObject({ producerId: 2 ** 40, producerEpoch: 5, baseSequence: 100, partitionLeaderEpoch: 12 });
    expect(header.lastOffsetDelta).toBe(7);
    expect(records.map((r) => r.offset)).toEqual([10, 17]);
  });

  it('reports maxTimestamp as every record timestamp under LogAppendTime', () => {
    const records = [
      { value: 'a', timestamp: T0 },
      { value: 'b', timestamp: T0 + 10 },
    ];
    const batch = buildBatch({ records, timestampType: TimestampType.LogAppendTime, logAppendTime: T0 + 999 });
    const decoded = decodeBatch(batch);
    expect(timestampTypeOf(decoded.header.attributes)).toBe(TimestampType.LogAppendTime);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([T0 + 999, T0 + 999]);
  });

  it('defaults timestamps to now', () => {
    const before = Date.now();
    const [r] = decodeBatch(buildBatch({ records: [{ value: 'x' }] })).records;
    expect(r!.timestamp).toBeGreaterThanOrEqual(before);
    expect(r!.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('hands out key/value views into the batch rather than copies', () => {
    const batch = buildBatch({ records: [{ key: 'k', value: 'v' }] });
    const [r] = decodeBatch(batch).records;
    expect(r!.value!.buffer).toBe(batch.buffer);
  });
});

describe('control batches', () => {
  it.each([
    [ControlRecordType.Commit, 'COMMIT'],
    [ControlRecordType.Abort, 'ABORT'],
  ] as const)('builds and recognises a %i (%s) marker', (type, _name) => {
    const batch = buildControlBatch({ baseOffset: 77, producerId: 9, producerEpoch: 2, type, coordinatorEpoch: 4, timestamp: T0 });
    const decoded = decodeBatch(batch);
    expect(isControl(decoded.header.attributes)).toBe(true);
    expect(isTransactional(decoded.header.attributes)).toBe(true);
    expect(controlTypeOf(decoded)).toBe(type);
    const [r] = decoded.records;
    expect(r!.offset).toBe(77);
    expect(parseControlKey(r!.key)).toEqual({ version: 0, type });
    expect(parseEndTxnMarker(r!.value)).toEqual({ version: 0, coordinatorEpoch: 4 });
  });

  it('decodes a Kafka-encoded COMMIT marker byte for byte', () => {
    // Key 0000 0001 (v0, COMMIT), value 0000 00000003 (v0, coordinatorEpoch 3).
    const key = Buffer.from('00000001', 'hex');
    const value = Buffer.from('000000000003', 'hex');
    const batch = buildBatch({ records: [{ key, value, timestamp: T0 }], isControl: true, transactional: true, producerId: 1, producerEpoch: 0 });
    const decoded = decodeBatch(batch);
    expect(controlTypeOf(decoded)).toBe(ControlRecordType.Commit);
    expect(parseEndTxnMarker(decoded.records[0]!.value).coordinatorEpoch).toBe(3);
  });

  it('returns null for data batches and rejects short keys', () => {
    expect(controlTypeOf(decodeBatch(buildBatch({ records: [{ value: 'x' }] })))).toBeNull();
    expect(() => parseControlKey(Buffer.from([0, 0, 1]))).toThrow(CorruptRecordError);
    expect(() => parseControlKey(null)).toThrow(CorruptRecordError);
    const bad = buildBatch({ records: [{ key: null, value: 'x' }], isControl: true });
    expect(() => controlTypeOf(decodeBatch(bad))).toThrow(CorruptRecordError);
  });
});

describe('decodeBatches', () => {
  const batches = CODECS.map((codec, i) =>
    buildBatch({ baseOffset: i * 10, records: [{ key: `k${i}`, value: `v${i}`, timestamp: T0 }], compression: codec }),
  );
  const all = Buffer.concat(batches);

  it('decodes every batch in order', () => {
    const decoded = decodeBatches(all);
    expect(decoded.map((b) => b.header.baseOffset)).toEqual([0, 10, 20, 30, 40]);
    expect(decodeRecords(all).map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('ignores a trailing partial batch wherever it is cut', () => {
    const lastStart = all.length - batches[4]!.length;
    for (let cut = lastStart; cut < all.length; cut++) {
      expect(decodeBatches(all.subarray(0, cut))).toHaveLength(4);
    }
    expect(decodeBatches(Buffer.alloc(0))).toEqual([]);
  });

  it('reports a batch whose length field is below the header size as corrupt, not partial', () => {
    const bad = Buffer.from(all);
    bad.writeInt32BE(10, batches[0]!.length + 8);
    expect(() => decodeBatches(bad)).toThrow(CorruptRecordError);
  });

  it('decodes a batch at a non-zero position', () => {
    const b = decodeBatch(all, batches[0]!.length + batches[1]!.length);
    expect(b.header.baseOffset).toBe(20);
    expect(readBatchHeader(all, batches[0]!.length).baseOffset).toBe(10);
    expect(BATCH_OVERHEAD).toBe(61);
  });
});
