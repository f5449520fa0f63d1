/**
 * Small admin and read-back helpers for the real-client tests: create topics with kt's own
 * BrokerConnection, read a partition back over the wire (Fetch) or straight from the stored log.
 */
import { expect } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { batchSizeAt, compressionOf, readBatchHeader, type BatchHeader, type CompressionCodec } from '../../src/engine/records/batch-header.js';
import { codecName } from '../../src/engine/records/compression.js';
import { decodeBatches, type DecodedBatch, type KafkaRecord } from '../../src/engine/records/record-batch.js';
import type { RunningKt } from './kt.js';

export interface TopicSpec {
  name: string;
  partitions?: number;
  configs?: Record<string, string>;
}

/** CreateTopics v7 through kt's client; throws unless every topic was created. */
export async function createTopics(conn: BrokerConnection, topics: TopicSpec[]): Promise<void> {
  const res = await conn.send(19, 7, {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.partitions ?? 1,
      replicationFactor: 1,
      assignments: [],
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const failed = res.topics.filter((t: { errorCode: number }) => t.errorCode !== 0);
  if (failed.length > 0) throw new Error(`CreateTopics failed: ${JSON.stringify(failed)}`);
}

export interface FetchedPartition {
  batches: DecodedBatch[];
  records: KafkaRecord[];
  highWatermark: number;
}

/** Fetch (v12) one partition from `from` (default 0) up to its high watermark, decoding every batch. */
export async function fetchAll(conn: BrokerConnection, topic: string, partition: number, from = 0): Promise<FetchedPartition> {
  const batches: DecodedBatch[] = [];
  let offset = from;
  let highWatermark = -1;
  for (;;) {
    const res = await conn.send(1, 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 16 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 * 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    const part = res.responses[0].partitions[0];
    if (part.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset}: error ${part.errorCode}`);
    highWatermark = part.highWatermark;
    const got = part.records ? decodeBatches(part.records) : [];
    for (const b of got) {
      batches.push(b);
      offset = b.header.baseOffset + b.header.lastOffsetDelta + 1;
    }
    if (offset >= highWatermark) break;
    if (got.length === 0) throw new Error(`fetch ${topic}-${partition}@${offset}: no progress below high watermark ${highWatermark}`);
  }
  return { batches, records: batches.flatMap((b) => b.records), highWatermark };
}

/** Headers of every batch stored in a partition's log, read from the log itself (not over the wire). */
export function storedBatchHeaders(kt: RunningKt, topic: string, partition: number): BatchHeader[] {
  const hosted = kt.server.replicaManager.get(topic, partition);
  if (!hosted) throw new Error(`${topic}-${partition} is not hosted`);
  const log = hosted.log;
  const headers: BatchHeader[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1024 * 1024);
    if (read.records.length === 0) break;
    for (let pos = 0; pos < read.records.length; ) {
      const size = batchSizeAt(read.records, pos);
      if (size < 0 || pos + size > read.records.length) break;
      headers.push(readBatchHeader(read.records, pos));
      pos += size;
    }
    offset = read.nextOffset;
  }
  return headers;
}

export interface CodecUse {
  batches: number;
  records: number;
  /** Records in the largest batch, and its size in bytes. */
  maxRecords: number;
  maxBytes: number;
}

/** How many batches and records of these stored batches use each compression codec. */
export function codecUse(headers: BatchHeader[]): Map<CompressionCodec, CodecUse> {
  const out = new Map<CompressionCodec, CodecUse>();
  for (const h of headers) {
    const codec = compressionOf(h.attributes);
    const use = out.get(codec) ?? { batches: 0, records: 0, maxRecords: 0, maxBytes: 0 };
    use.batches++;
    use.records += h.recordsCount;
    use.maxRecords = Math.max(use.maxRecords, h.recordsCount);
    use.maxBytes = Math.max(use.maxBytes, h.batchLength + 12);
    out.set(codec, use);
  }
  return out;
}

/**
 * Assert that a producer asked for `codec` really stored its records compressed with it. librdkafka
 * and kafka-python both send a batch uncompressed when compressing it made it no smaller
 * (rdkafka_msgset_writer.c: "compressed data is larger than the uncompressed size"; kafka-python's
 * DefaultRecordBatchBuilder._maybe_compress: "We did not get any benefit from compression"). That
 * happens to batches of a few records when a loaded machine makes the producer send before they
 * fill up, so uncompressed batches of at most 5 records are allowed; any bigger one fails, and most
 * records must be stored with the codec.
 */
export function expectStoredWith(headers: BatchHeader[], codec: CompressionCodec, what: string): void {
  const use = codecUse(headers);
  const total = headers.reduce((n, h) => n + h.recordsCount, 0);
  const summary = JSON.stringify(Object.fromEntries([...use].map(([c, u]) => [codecName(c), u])));
  expect(total, `${what}: records stored`).toBeGreaterThan(0);
  expect(use.get(codec)?.records ?? 0, `${what}: records stored with ${codecName(codec)}, by codec: ${summary}`).toBeGreaterThanOrEqual(total / 2);
  for (const [c, u] of use) {
    if (c === codec) continue;
    expect(c === 0 && u.maxRecords <= 5, `${what}: only small uncompressed fallback batches besides ${codecName(codec)}, by codec: ${summary}`).toBe(true);
  }
}

export const text = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));
