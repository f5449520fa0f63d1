/**
 * Real librdkafka bytes: kcat produces to a tiny capture broker built on kt's own network loop
 * (SocketServer + RequestDispatcher with a custom handler table: ApiVersions, Metadata pointing at
 * itself, Produce that keeps each partition's records buffer), and kt's decoder must give back
 * exactly the lines, keys and headers kcat was fed, for every codec.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/processes.js';
import { RequestDispatcher } from '../../src/engine/broker/dispatcher.js';
import { defineHandler } from '../../src/engine/broker/handler.js';
import { HandlerRegistry } from '../../src/engine/broker/handlers/index.js';
import type { BrokerServices } from '../../src/engine/broker/services.js';
import { SocketServer } from '../../src/engine/broker/socket-server.js';
import { createLogger, silentLogger } from '../../src/engine/logger.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ProduceRequest, ProduceResponse } from '../../src/engine/protocol/messages/00-produce.js';
import { MetadataRequest, MetadataResponse } from '../../src/engine/protocol/messages/03-metadata.js';
import { ApiVersionsRequest, ApiVersionsResponse } from '../../src/engine/protocol/messages/18-api-versions.js';
import { CompressionCodec, compressionOf, validateBatches } from '../../src/engine/records/batch-header.js';
import { decodeBatches, type DecodedBatch } from '../../src/engine/records/record-batch.js';

const KCAT = '/usr/bin/kcat';
const TOPIC = 't';
const NODE_ID = 1;

const captured: Buffer[] = [];
let port = 0;

const handlers = [
  defineHandler({
    apiKey: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 3,
    request: ApiVersionsRequest,
    response: ApiVersionsResponse,
    // librdkafka infers broker features from API versions, including APIs a producer never calls:
    // magic 2 needs Fetch v4 (zstd Fetch v10) and gzip/snappy/lz4 need FindCoordinator v0.
    handle: (_req, ctx) => ({
      errorCode: 0,
      apiKeys: [
        ...ctx.apis.advertised(),
        { apiKey: 1, minVersion: 4, maxVersion: 12 },
        { apiKey: 10, minVersion: 0, maxVersion: 4 },
      ].sort((a, b) => a.apiKey - b.apiKey),
      throttleTimeMs: 0,
    }),
  }),
  defineHandler({
    apiKey: 3,
    name: 'Metadata',
    minVersion: 0,
    maxVersion: 9,
    request: MetadataRequest,
    response: MetadataResponse,
    handle: () => ({
      throttleTimeMs: 0,
      brokers: [{ nodeId: NODE_ID, host: '127.0.0.1', port, rack: null }],
      clusterId: 'records-capture',
      controllerId: NODE_ID,
      topics: [
        {
          errorCode: 0,
          name: TOPIC,
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: NODE_ID, leaderEpoch: 0, replicaNodes: [NODE_ID], isrNodes: [NODE_ID], offlineReplicas: [] },
          ],
        },
      ],
    }),
  }),
  defineHandler({
    apiKey: 0,
    name: 'Produce',
    // librdkafka < 2.10 only compresses with gzip/snappy/lz4 when Produce v0 is advertised
    // (its compr_req table checks Produce 0..0); from v3 up it would send everything uncompressed.
    minVersion: 0,
    maxVersion: 9,
    request: ProduceRequest,
    response: ProduceResponse,
    handle: (req) => ({
      throttleTimeMs: 0,
      responses: (req.topicData as Message[]).map((t) => ({
        name: t.name,
        partitionResponses: (t.partitionData as Message[]).map((p) => {
          // The records field may be a view of the connection's frame buffer: copy it out.
          if (p.records) captured.push(Buffer.from(p.records as Buffer));
          return { index: p.index, errorCode: 0, baseOffset: captured.length * 1000 };
        }),
      })),
    }),
  }),
];

let server: SocketServer | undefined;

beforeAll(async () => {
  const services = { nodeId: NODE_ID, log: silentLogger } as unknown as BrokerServices;
  const log = process.env.CAPTURE_LOG ? createLogger('debug') : silentLogger;
  const dispatcher = new RequestDispatcher(new HandlerRegistry(handlers), services, log);
  server = new SocketServer(dispatcher, { maxRequestBytes: 100 << 20, maxInflightBytes: 100 << 20, idleTimeoutMs: 60_000 }, log);
  const [bound] = await server.listen([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
  port = bound!.boundPort;
});

afterAll(async () => {
  await server?.close();
});

function kcatProduce(codec: string, input: string): Promise<void> {
  const args = ['-P', '-b', `127.0.0.1:${port}`, '-t', TOPIC, '-p', '0', '-z', codec, '-K', ':'];
  args.push('-H', 'hk=hv', '-H', 'empty=', '-X', 'message.timeout.ms=15000', '-X', 'linger.ms=20');
  if (process.env.CAPTURE_LOG) args.push('-d', 'protocol,broker,msg');
  return new Promise((resolve, reject) => {
    // Async on purpose: the capture broker runs on this event loop.
    const child = execFile(requireTool(KCAT, 'kcat'), args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`kcat -z ${codec} failed: ${err.message}\n${stderr}`));
      else {
        if (process.env.CAPTURE_LOG) process.stderr.write(stderr);
        resolve();
      }
    });
    child.stdin!.end(input);
  });
}

const CODECS: [string, CompressionCodec][] = [
  ['none', CompressionCodec.None],
  ['gzip', CompressionCodec.Gzip],
  ['snappy', CompressionCodec.Snappy],
  ['lz4', CompressionCodec.Lz4],
  ['zstd', CompressionCodec.Zstd],
];

describe.each(CODECS)('librdkafka batches compressed with %s', (name, codec) => {
  it('decode to exactly the lines, keys and headers kcat sent', async () => {
    captured.length = 0;
    const lines = Array.from({ length: 300 }, (_, i) => ({
      key: `key-${i}`,
      // Repetitive values so every codec really compresses; a few long ones to span blocks.
      value: `value ${i} via ${name} ${'abcdefgh'.repeat(i % 40)}${i % 100 === 7 ? 'Z'.repeat(70_000) : ''}`,
    }));
    const before = Date.now();
    await kcatProduce(name, lines.map((l) => `${l.key}:${l.value}`).join('\n') + '\n');

    expect(captured.length).toBeGreaterThan(0);
    const batches: DecodedBatch[] = [];
    for (const records of captured) {
      expect(validateBatches(records)).toEqual({ kind: 'ok' });
      batches.push(...decodeBatches(records));
    }
    if (process.env.CAPTURE_LOG) {
      const payloadHead = captured[0]!.subarray(61, 61 + 16).toString('hex');
      console.log(name, payloadHead, batches.map((b) => `codec=${compressionOf(b.header.attributes)} n=${b.records.length} size=${b.size}`));
    }
    for (const b of batches) {
      expect(b.header.magic).toBe(2);
      expect(compressionOf(b.header.attributes)).toBe(codec);
      expect(b.header.recordsCount).toBe(b.records.length);
      expect(b.header.lastOffsetDelta).toBe(b.records.length - 1);
      b.records.forEach((r, i) => expect(r.offset).toBe(b.header.baseOffset + i));
    }
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => ({ key: r.key?.toString(), value: r.value?.toString() }))).toEqual(lines);
    for (const r of records) {
      expect(r.headers.map((h) => ({ key: h.key, value: h.value?.toString() }))).toEqual([
        { key: 'hk', value: 'hv' },
        { key: 'empty', value: '' },
      ]);
      expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(r.timestamp).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });
});
