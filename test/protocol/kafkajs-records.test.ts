/**
 * Produce and fetch, the two APIs that carry record data, against kafkajs in both directions.
 *
 * Requests: kafkajs's producer encoders (every version) build the request with real records;
 * kt decodes the frame and then the records themselves: magic-2 batches (v3+, gzip in odd
 * versions, transactional or idempotent) with kt's batch decoder, legacy magic 0/1 message sets
 * (v0-v2) by walking their byte layout. kafkajs's fetch encoders are checked field by field.
 * Responses: kt encodes produce/fetch responses; fetch partitions carry record data built by
 * kafkajs's own encoders (record batches from v4, legacy message sets before, which is what a
 * broker down-converts to) and kafkajs's decoders must hand back every message.
 * The method is that of kafkajs-requests.test.ts and kafkajs-responses.test.ts.
 */
import { expect } from 'vitest';
import type { Message } from '../../src/engine/protocol/codec.js';
import { batchCrcValid } from '../../src/engine/records/batch-header.js';
import { decodeBatch } from '../../src/engine/records/record-batch.js';
import {
  KjsCompression,
  T0,
  kjsMessageSet,
  kjsRecordBatch,
  parseLegacyMessageSet,
  runRequestCases,
  runResponseCases,
  str,
  throttleOf,
  type KjsMessage,
  type RequestCase,
  type ResponseCase,
} from '../helpers/kafkajs-internals.js';

const B = (s: string): Buffer => Buffer.from(s, 'utf8');
const PID = 4_000_000_123; // above 2^32: both int64 halves matter
const BIG_OFFSET = 2 ** 40 + 17;
const TXN = 'txn-ä-1'; // multi-byte UTF-8: string lengths are bytes, not characters
const THROTTLE = 25;
const asBuf = (x: string | Buffer | null): Buffer | null => (x === null ? null : Buffer.from(x));

// ---------------------------------------------------------------------------------------------------
// kafkajs -> kt

const MESSAGES: Record<string, KjsMessage[]> = {
  'orders/0': [
    { key: 'k1', value: 'v1', headers: { trace: 'abc', multi: ['x', 'y'] }, timestamp: T0 + 5 },
    { key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: T0 },
    { key: 'tomb', value: null, timestamp: T0 + 9 },
  ],
  'orders/3': [{ key: 'k4', value: 'x'.repeat(300), headers: { bin: Buffer.from([0, 200]) }, timestamp: T0 + 1 }],
  'audit/1': [{ key: 'k5', value: '{"ok":true}', timestamp: T0 + 2 }],
};

/** What each produce partition's records must decode to (legacy sets drop headers; v0 timestamps). */
function checkProduceRecords(v: number, records: Buffer, messages: KjsMessage[], firstSequence: number, txn: boolean, gzip: boolean): void {
  if (v < 3) {
    const decoded = parseLegacyMessageSet(records);
    expect(decoded).toEqual(
      messages.map((m, i) => ({
        // kafkajs's v0/v1 producer leaves `compression` undefined, which its MessageSet takes for
        // "compressed" and numbers the offsets; v2 passes None and writes -1.
        offset: v < 2 ? i : -1,
        magic: v === 2 ? 1 : 0,
        attributes: 0,
        timestamp: v === 2 ? m.timestamp : null,
        key: asBuf(m.key),
        value: asBuf(m.value),
      })),
    );
    return;
  }
  expect(batchCrcValid(records)).toBe(true);
  const { header, records: decoded, size } = decodeBatch(records);
  expect(size).toBe(records.length); // one batch per partition, nothing trailing
  expect(header).toMatchObject({
    baseOffset: 0,
    magic: 2,
    attributes: (gzip ? 1 : 0) | (txn ? 0x10 : 0),
    lastOffsetDelta: messages.length - 1,
    baseTimestamp: Math.min(...messages.map((m) => m.timestamp!)),
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp!)),
    producerId: PID,
    producerEpoch: 7,
    baseSequence: firstSequence,
    recordsCount: messages.length,
  });
  expect(decoded).toEqual(
    messages.map((m, i) => ({
      offset: i,
      timestamp: m.timestamp,
      key: asBuf(m.key),
      value: asBuf(m.value),
      headers: Object.entries(m.headers ?? {}).flatMap(([key, hv]) => (Array.isArray(hv) ? hv : [hv]).map((x) => ({ key, value: Buffer.from(x) }))),
    })),
  );
}


const REQUEST_CASES: RequestCase[] = [
  {
    api: 'produce',
    key: 0,
    args: (v) => ({
      acks: -1,
      timeout: 30_000,
      // Transactional in odd versions (with gzip), idempotent-only in even ones.
      transactionalId: v % 2 === 1 ? TXN : null,
      producerId: PID,
      producerEpoch: 7,
      compression: v >= 3 && v % 2 === 1 ? KjsCompression.GZIP : KjsCompression.None,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, firstSequence: 10, messages: MESSAGES['orders/0'] },
            { partition: 3, firstSequence: 0, messages: MESSAGES['orders/3'] },
          ],
        },
        { topic: 'audit', partitions: [{ partition: 1, firstSequence: 2_000_000_000, messages: MESSAGES['audit/1'] }] },
      ],
    }),
    check(body, v) {
      const txn = v >= 3 && v % 2 === 1;
      expect(body).toMatchObject({
        transactionalId: txn ? TXN : null,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
          { name: 'orders', partitionData: [{ index: 0 }, { index: 3 }] },
          { name: 'audit', partitionData: [{ index: 1 }] },
        ],
      });
      const parts = body.topicData.flatMap((t: Message) => t.partitionData.map((p: Message) => [`${t.name}/${p.index}`, p.records]));
      const sequences: Record<string, number> = { 'orders/0': 10, 'orders/3': 0, 'audit/1': 2_000_000_000 };
      for (const [name, records] of parts) checkProduceRecords(v, records, MESSAGES[name], sequences[name], txn, txn);
    },
  },
  {
    api: 'fetch',
    key: 1,
    args: (v) => ({
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      isolationLevel: v % 2, // kafkajs defaults to READ_COMMITTED (1), kt to 0: alternate
      sessionId: 123,
      sessionEpoch: 4,
      rackId: 'rack-a',
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, currentLeaderEpoch: 5, fetchOffset: BIG_OFFSET, logStartOffset: 3, maxBytes: 1_048_576 },
            { partition: 2, fetchOffset: 0, maxBytes: 65_536 },
          ],
        },
        { topic: 'audit', partitions: [{ partition: 1, currentLeaderEpoch: 0, fetchOffset: 99, logStartOffset: 0, maxBytes: 100 }] },
      ],
      forgottenTopics: [{ topic: 'old', partitions: [4, 5] }],
    }),
    check: (body, v) =>
      expect(body).toMatchObject({
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: v >= 3 ? 52_428_800 : 2_147_483_647,
        isolationLevel: v >= 4 ? v % 2 : 0,
        sessionId: v >= 7 ? 123 : 0,
        sessionEpoch: v >= 7 ? 4 : -1,
        topics: [
          {
            topic: 'orders',
            partitions: [
              { partition: 0, currentLeaderEpoch: v >= 9 ? 5 : -1, fetchOffset: BIG_OFFSET, logStartOffset: v >= 5 ? 3 : -1, partitionMaxBytes: 1_048_576 },
              { partition: 2, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 65_536 },
            ],
          },
          { topic: 'audit', partitions: [{ partition: 1, currentLeaderEpoch: v >= 9 ? 0 : -1, fetchOffset: 99, logStartOffset: v >= 5 ? 0 : -1, partitionMaxBytes: 100 }] },
        ],
        forgottenTopicsData: v >= 7 ? [{ topic: 'old', partitions: [4, 5] }] : [],
        rackId: v >= 11 ? 'rack-a' : '',
      }),
  },
];

// ---------------------------------------------------------------------------------------------------
// kt -> kafkajs

/** kafkajs exposes the throttle time from `fromVersion`, under one of two names. */
function expectThrottle(decoded: Message, v: number, fromVersion: number): void {
  if (v >= fromVersion) expect(throttleOf(decoded)).toBe(THROTTLE);
  else expect(decoded.throttleTime ?? decoded.clientSideThrottleTime).toBeUndefined();
}
const mapTopics = <T>(topics: Message[], sub: string, f: (t: Message, p: Message) => T) =>
  topics.map((t) => t[sub].map((p: Message) => f(t, p)));

// Record data for fetch responses, built by kafkajs: a transactional batch then a plain one.
const FETCHED = MESSAGES['orders/0'];
const MORE = MESSAGES['orders/3'];
const BATCHES = Buffer.concat([
  await kjsRecordBatch({ firstOffset: BIG_OFFSET, messages: FETCHED, producerId: PID, producerEpoch: 3, transactional: true, partitionLeaderEpoch: 5 }),
  await kjsRecordBatch({ firstOffset: BIG_OFFSET + 3, messages: MORE }),
]);
const AUDIT_BATCH = await kjsRecordBatch({ firstOffset: 0, messages: [{ key: 'a', value: 'b', timestamp: T0 }] });

/** What kafkajs's fetch decoders make of FETCHED + MORE at BIG_OFFSET. */
function expectFetchedMessages(messages: Message[], v: number): void {
  const all = [...FETCHED, ...MORE];
  expect(messages).toHaveLength(all.length);
  all.forEach((m, i) => {
    const expected: Message = { offset: str(BIG_OFFSET + i), key: asBuf(m.key), value: asBuf(m.value) };
    if (v >= 4) {
      expected.timestamp = str(m.timestamp);
      expected.headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, hv]) => [k, Array.isArray(hv) ? hv.map((x) => B(x as string)) : Buffer.from(hv)]));
      expected.batchContext = i < 3 ? { producerId: str(PID), producerEpoch: 3, inTransaction: true, partitionLeaderEpoch: 5 } : { inTransaction: false };
    } else {
      expected.magicByte = v >= 2 ? 1 : 0;
      if (v >= 2) expected.timestamp = str(m.timestamp);
    }
    expect(messages[i]).toMatchObject(expected);
  });
}


const RESPONSE_CASES: ResponseCase[] = [
  {
    api: 'produce',
    key: 0,
    body: () => ({
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            { index: 0, errorCode: 0, baseOffset: BIG_OFFSET, logAppendTimeMs: T0, logStartOffset: 100 },
            { index: 3, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 }, // NOT_LEADER_OR_FOLLOWER
          ],
        },
        { name: 'audit', partitionResponses: [{ index: 1, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 }] },
      ],
      throttleTimeMs: THROTTLE,
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      const part = (p: Message) =>
        v < 3
          ? { partition: p.index, errorCode: p.errorCode, offset: str(p.baseOffset), ...(v === 2 ? { timestamp: str(p.logAppendTimeMs) } : {}) }
          : {
              partition: p.index,
              errorCode: p.errorCode,
              baseOffset: str(p.baseOffset),
              logAppendTime: str(p.logAppendTimeMs),
              ...(v >= 5 ? { logStartOffset: str(p.logStartOffset) } : {}),
            };
      expect(decoded.topics).toEqual(body.responses.map((t: Message) => ({ topicName: t.name, partitions: t.partitionResponses.map(part) })));
    },
  },
  {
    api: 'fetch',
    key: 1,
    body: (v) => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      sessionId: 778,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: BIG_OFFSET + 10,
              lastStableOffset: BIG_OFFSET + 4,
              logStartOffset: 100,
              abortedTransactions: [{ producerId: PID, firstOffset: BIG_OFFSET - 7 }],
              preferredReadReplica: 2,
              records: v >= 4 ? BATCHES : kjsMessageSet(v >= 2 ? 1 : 0, [...FETCHED, ...MORE], BIG_OFFSET),
            },
            // OFFSET_OUT_OF_RANGE: no records (null from v4; older kafkajs decoders want an empty set).
            { partitionIndex: 1, errorCode: 1, highWatermark: 0, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: v >= 4 ? null : Buffer.alloc(0) },
          ],
        },
        {
          topic: 'audit',
          partitions: [
            {
              partitionIndex: 4,
              errorCode: 0,
              highWatermark: 1,
              lastStableOffset: 1,
              logStartOffset: 0,
              abortedTransactions: [],
              records: v >= 4 ? AUDIT_BATCH : kjsMessageSet(v >= 2 ? 1 : 0, [{ key: 'a', value: 'b', timestamp: T0 }], 0),
            },
          ],
        },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      if (v >= 7) expect(decoded).toMatchObject({ errorCode: 0, sessionId: 778 });
      else expect(decoded.sessionId).toBeUndefined();
      const expected = mapTopics(body.responses, 'partitions', (_t, p) => ({
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: str(p.highWatermark),
        ...(v >= 4
          ? {
              lastStableOffset: str(p.lastStableOffset),
              abortedTransactions: (p.abortedTransactions ?? []).map((a: Message) => ({ producerId: str(a.producerId), firstOffset: str(a.firstOffset) })),
            }
          : {}),
        ...(v >= 5 ? { lastStartOffset: str(p.logStartOffset) } : {}), // sic: kafkajs's name for logStartOffset
        ...(v >= 11 ? { preferredReadReplica: p.preferredReadReplica ?? -1 } : {}),
      }));
      expect(decoded.responses.map((t: Message) => t.topicName)).toEqual(['orders', 'audit']);
      expect(decoded.responses.map((t: Message) => t.partitions.map(({ messages: _, ...rest }: Message) => rest))).toEqual(expected);
      const [[orders0, orders1], [audit]] = decoded.responses.map((t: Message) => t.partitions);
      expectFetchedMessages(orders0.messages, v);
      expect(orders1.messages).toEqual([]);
      expect(audit.messages).toHaveLength(1);
      expect(audit.messages[0]).toMatchObject({ offset: '0', key: B('a'), value: B('b') });
    },
  },
];

runRequestCases('kafkajs produce/fetch requests decoded by kt', REQUEST_CASES, 'records');
runResponseCases('kt produce/fetch responses decoded by kafkajs', RESPONSE_CASES, 'records');
