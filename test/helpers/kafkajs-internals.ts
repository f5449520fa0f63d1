/**
 * kafkajs's protocol internals (CommonJS, loaded with createRequire) and the glue to run its bytes
 * through kt's codec and kt's bytes through its decoders. kafkajs is an independent implementation:
 * agreeing with it on every field is evidence our declarations match the wire, not just themselves.
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codecFor, type Message } from '../../src/engine/protocol/codec.js';
import {
  isFlexible,
  peekApiKeyAndVersion,
  readRequestHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeResponseHeader,
  type RequestHeaderData,
} from '../../src/engine/protocol/headers.js';
import { apiByKey } from '../../src/engine/protocol/messages/index.js';
import { Reader, Writer } from '../../src/engine/protocol/primitives.js';

const require = createRequire(import.meta.url);

export const KJS_REQUESTS_DIR = join(dirname(require.resolve('kafkajs/package.json')), 'src/protocol/requests');

/** What a kafkajs request.js factory returns. */
export interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  encode(): Promise<KjsEncoder>;
}
export interface KjsEncoder {
  buffer: Buffer;
  size(): number;
}
export interface KjsResponse {
  decode(raw: Buffer): Promise<Message>;
  parse(data: Message): Promise<Message>;
}

/** Every request type kafkajs implements, with the versions it has a directory for. */
export function kafkajsApis(): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const entry of readdirSync(KJS_REQUESTS_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const versions = readdirSync(join(KJS_REQUESTS_DIR, entry.name))
      .filter((d) => /^v\d+$/.test(d))
      .map((d) => Number(d.slice(1)))
      .sort((a, b) => a - b);
    out.set(entry.name, versions);
  }
  return out;
}

export function kjsRequest(api: string, version: number): (args: unknown) => KjsRequest {
  return require(join(KJS_REQUESTS_DIR, api, `v${version}`, 'request.js'));
}

/** deleteRecords's response module is a factory of the request's topics; every other one is plain. */
export function kjsResponse(api: string, version: number, requestArgs?: unknown): KjsResponse {
  const mod = require(join(KJS_REQUESTS_DIR, api, `v${version}`, 'response.js'));
  return typeof mod === 'function' ? mod(requestArgs) : mod;
}

const kjsFrame = require('kafkajs/src/protocol/request.js') as (opts: {
  correlationId: number;
  clientId: string;
  request: KjsRequest;
}) => Promise<KjsEncoder>;

export const KjsEncoderClass = require('kafkajs/src/protocol/encoder.js') as new () => KjsEncoder & {
  writeBytes(v: Buffer | string | null): KjsEncoder;
};
export const KjsLong = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): { toString(): string } };
export const KjsCompression = (require('kafkajs/src/protocol/message/compression/index.js') as {
  Types: { None: number; GZIP: number };
}).Types;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (opts: Record<string, unknown>) => Promise<KjsEncoder>;
};
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (r: unknown) => KjsEncoder;
const KjsMessageSet = require('kafkajs/src/protocol/messageSet/index.js') as (opts: {
  messageVersion: number;
  compression?: number;
  entries: unknown[];
}) => KjsEncoder;

export interface DecodedKjsRequest {
  header: RequestHeaderData;
  body: Message;
  frame: Buffer;
}

/**
 * Frame `request` exactly as kafkajs puts it on the socket, then read it back the way kt's broker
 * does: size prefix, header (v1, or v2 for flexible versions), body with the declared codec. Every
 * byte of the frame must be consumed.
 */
export async function decodeWithKt(request: KjsRequest, correlationId = 0x1234567, clientId = 'kafkajs-wire-test'): Promise<DecodedKjsRequest> {
  const frame = (await kjsFrame({ correlationId, clientId, request })).buffer;
  if (frame.readInt32BE(0) !== frame.length - 4) throw new Error(`size prefix ${frame.readInt32BE(0)} != ${frame.length - 4}`);
  const { apiKey, apiVersion } = peekApiKeyAndVersion(frame.subarray(4));
  const api = apiByKey(apiKey);
  if (!api) throw new Error(`kt declares no API ${apiKey}`);
  const r = new Reader(frame, 4);
  const header = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion, isFlexible(api.request, apiVersion)));
  const body = codecFor(api.request, apiVersion).read(r);
  if (r.remaining !== 0) throw new Error(`${api.name} v${apiVersion}: ${r.remaining} bytes left over`);
  return { header, body, frame };
}

/**
 * A kt response as the broker frames it (response header + body), minus the size prefix and the
 * correlation id: what kafkajs's Connection hands to a response's `decode`. For flexible versions
 * this still starts with the header's tagged-field section, which kafkajs's decoders read first.
 */
export function ktResponseBody(apiKey: number, version: number, value: Message, correlationId = 77): Buffer {
  const api = apiByKey(apiKey)!;
  const w = new Writer();
  writeResponseHeader(w, responseHeaderVersion(apiKey, isFlexible(api.response, version)), correlationId);
  codecFor(api.response, version).write(w, value);
  const buf = w.toBuffer();
  if (buf.readInt32BE(0) !== correlationId) throw new Error('response header does not start with the correlation id');
  return buf.subarray(4);
}

/** kafkajs's int64 fields come back as strings or Longs; compare them as decimal strings. */
export const str = (v: unknown): string => String(v);

/** kafkajs moves the broker's throttle time to clientSideThrottleTime from the version where it throttles itself. */
export const throttleOf = (d: Message): number => (d.clientSideThrottleTime !== undefined ? d.clientSideThrottleTime : d.throttleTime);

// ---------------------------------------------------------------------------------------------------
// Record data built by kafkajs's own encoders.

export interface KjsMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
  timestamp?: number;
}

export const T0 = 1_700_000_000_000;

/** A magic-2 batch from kafkajs's RecordBatch encoder (what a kafkajs producer sends). */
export async function kjsRecordBatch(opts: {
  firstOffset: number;
  messages: KjsMessage[];
  producerId?: number;
  producerEpoch?: number;
  firstSequence?: number;
  transactional?: boolean;
  partitionLeaderEpoch?: number;
}): Promise<Buffer> {
  const records = opts.messages.map((m, i) =>
    KjsRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: (m.timestamp ?? T0) - T0 }),
  );
  const timestamps = opts.messages.map((m) => m.timestamp ?? T0);
  const batch = await RecordBatch({
    firstOffset: KjsLong.fromValue(opts.firstOffset),
    firstTimestamp: T0,
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: records.length - 1,
    producerId: KjsLong.fromValue(opts.producerId ?? -1),
    producerEpoch: opts.producerEpoch ?? 0,
    firstSequence: opts.firstSequence ?? 0,
    transactional: opts.transactional ?? false,
    partitionLeaderEpoch: opts.partitionLeaderEpoch ?? 0,
    records,
  });
  return batch.buffer;
}

/**
 * A legacy (magic 0 or 1) message set from kafkajs's MessageSet encoder, numbered from `firstOffset`
 * as a broker would (kafkajs's producer writes -1; the offset is outside the message CRC).
 */
export function kjsMessageSet(messageVersion: 0 | 1, entries: KjsMessage[], firstOffset = -1): Buffer {
  const out = Buffer.from(KjsMessageSet({ messageVersion, compression: KjsCompression.None, entries }).buffer);
  if (firstOffset >= 0) {
    for (let pos = 0, i = 0; pos < out.length; pos += 12 + out.readInt32BE(pos + 8), i++) out.writeBigInt64BE(BigInt(firstOffset + i), pos);
  }
  return out;
}

export interface LegacyMessage {
  offset: number;
  magic: number;
  attributes: number;
  timestamp: number | null;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Walk an uncompressed legacy message set (kt has no decoder for magic 0/1: it refuses them). The
 * point is byte accounting: every entry's declared size must land exactly on the next entry, and
 * the last one exactly on the end of the `records` field kt sliced out.
 */
export function parseLegacyMessageSet(buf: Buffer): LegacyMessage[] {
  const out: LegacyMessage[] = [];
  let pos = 0;
  const bytes = (): Buffer | null => {
    const len = buf.readInt32BE(pos);
    pos += 4;
    if (len < 0) return null;
    pos += len;
    return buf.subarray(pos - len, pos);
  };
  while (pos < buf.length) {
    const offset = Number(buf.readBigInt64BE(pos));
    const size = buf.readInt32BE(pos + 8);
    const end = pos + 12 + size;
    pos += 12 + 4; // offset, size, crc
    const magic = buf.readInt8(pos);
    const attributes = buf.readInt8(pos + 1);
    pos += 2;
    let timestamp: number | null = null;
    if (magic === 1) {
      timestamp = Number(buf.readBigInt64BE(pos));
      pos += 8;
    }
    const key = bytes();
    const value = bytes();
    if (pos !== end) throw new Error(`legacy message declared ${size} bytes, fields took ${pos - end + size}`);
    out.push({ offset, magic, attributes, timestamp, key, value });
  }
  if (pos !== buf.length) throw new Error('legacy message set overran its field');
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Table runners shared by the kafkajs-*.test.ts files.

/**
 * Which test file owns which kafkajs request type: produce and fetch (the record carriers) in
 * kafkajs-records, the admin APIs in kafkajs-admin-*, everything else in kafkajs-requests and
 * kafkajs-responses. Each file checks its table covers its whole share, so together the files
 * cover every request type kafkajs has, in every version.
 */
export type KjsGroup = 'records' | 'admin' | 'client';
const RECORD_APIS = new Set(['produce', 'fetch']);
const ADMIN_APIS = new Set([
  'createTopics',
  'deleteTopics',
  'deleteRecords',
  'describeAcls',
  'createAcls',
  'deleteAcls',
  'describeConfigs',
  'alterConfigs',
  'createPartitions',
  'deleteGroups',
  'alterPartitionReassignments',
  'listPartitionReassignments',
]);
export const kjsGroupOf = (api: string): KjsGroup => (RECORD_APIS.has(api) ? 'records' : ADMIN_APIS.has(api) ? 'admin' : 'client');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Args = any;
export type Send = (args: Args) => Promise<Message>;

export interface RequestCase {
  /** kafkajs's directory name under src/protocol/requests. */
  api: string;
  key: number;
  args: (v: number) => Args;
  check: (body: Message, v: number) => void;
  /** Further argument sets for the same version (nulls, empty lists). */
  more?: (v: number, send: Send) => Promise<void>;
}

/** One test per (request type, kafkajs version) for `group`'s share of kafkajs's APIs. */
export function runRequestCases(title: string, cases: RequestCase[], group: KjsGroup): void {
  const apis = kafkajsApis();
  describe(title, () => {
    it('covers every version of every kafkajs request type this file owns', () => {
      const owned = [...apis.keys()].filter((api) => kjsGroupOf(api) === group).sort();
      expect(cases.map((c) => c.api).sort()).toEqual(owned);
    });
    for (const c of cases) {
      for (const v of apis.get(c.api) ?? []) {
        it(`${c.api} v${v}`, async () => {
          const correlationId = 0x7abc0000 + v;
          const send: Send = async (args) => {
            const request = kjsRequest(c.api, v)(args);
            expect([request.apiKey, request.apiVersion]).toEqual([c.key, v]);
            const { header, body } = await decodeWithKt(request, correlationId, 'kafkajs-wire');
            expect(header).toEqual({ requestApiKey: c.key, requestApiVersion: v, correlationId, clientId: 'kafkajs-wire' });
            return body;
          };
          c.check(await send(c.args(v)), v);
          await c.more?.(v, send);
        });
      }
    }
  });
}

export interface ResponseCase {
  api: string;
  key: number;
  /** kt's response value for version v (encoded by kt's codec). */
  body: (v: number) => Message;
  /** What kafkajs's decode made of it. */
  check: (decoded: Message, v: number, body: Message) => void;
  /** For response modules that are factories of the request (deleteRecords). */
  requestArgs?: Args;
}

/**
 * kafkajs's decoders never say whether they consumed the whole body, so record every Decoder that
 * reads (each method is wrapped once, in this test process only) and look up the top-level one.
 */
const decodersSeen = new Set<{ buffer: Buffer; offset: number }>();
{
  const proto = (require('kafkajs/src/protocol/decoder.js') as { prototype: Record<string, unknown> }).prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    const method = proto[name];
    if (name === 'constructor' || typeof method !== 'function') continue;
    proto[name] = function (this: { buffer: Buffer; offset: number }, ...args: unknown[]) {
      decodersSeen.add(this);
      return (method as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
}

/** Bytes of `raw` the top-level kafkajs Decoder left unread. */
function unreadByKafkajs(raw: Buffer): Buffer {
  const top = [...decodersSeen].find((d) => d.buffer === raw);
  if (!top) throw new Error('kafkajs never read the response');
  return raw.subarray(top.offset);
}

export function runResponseCases(title: string, cases: ResponseCase[], group: KjsGroup): void {
  const apis = kafkajsApis();
  describe(title, () => {
    it('covers every version of every kafkajs response this file owns', () => {
      const owned = [...apis.keys()].filter((api) => kjsGroupOf(api) === group).sort();
      expect(cases.map((c) => c.api).sort()).toEqual(owned);
    });
    for (const c of cases) {
      for (const v of apis.get(c.api) ?? []) {
        it(`${c.api} v${v}`, async () => {
          const body = c.body(v);
          const raw = ktResponseBody(c.key, v, body);
          decodersSeen.clear();
          const decoded = await kjsResponse(c.api, v, c.requestArgs).decode(raw);
          c.check(decoded, v, body);
          // Every byte kt wrote is one kafkajs expected, except the body's trailing tagged-field
          // count in flexible versions, which kafkajs's two flexible decoders do not read.
          const flexible = isFlexible(apiByKey(c.key)!.response, v);
          expect(unreadByKafkajs(raw)).toEqual(flexible ? Buffer.from([0]) : Buffer.alloc(0));
        });
      }
    }
  });
}
