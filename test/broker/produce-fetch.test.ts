/** Produce, Fetch (long polling, sessions, limits), ListOffsets and DeleteRecords on one node. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import { CRC_OFFSET } from '../../src/engine/records/batch-header.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

function batchOf(values: string[], timestamp = Date.now()): Buffer {
  return buildBatch({ records: values.map((v, i) => ({ key: `k${i}`, value: v, timestamp: timestamp + i })) });
}

describe('produce and fetch', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  const produce = (topic: string, partition: number, records: Buffer | null, acks = -1, version = 9) =>
    conn.send(0, version, { transactionalId: null, acks, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] }, acks !== 0);
  const fetch = (topic: string, partition: number, fetchOffset: number, extra: object = {}, version = 12) =>
    conn.send(1, version, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 50 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset, partitionMaxBytes: 1024 * 1024, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
      forgottenTopicsData: [],
      rackId: '',
      ...extra,
    });

  beforeAll(async () => {
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    conn = await kt.connect();
    const res = await conn.send(19, 7, {
      topics: [
        { name: 'events', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
        { name: 'small', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'max.message.bytes', value: '2000' }] },
        { name: 'stamped', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics.every((t: { errorCode: number }) => t.errorCode === 0)).toBe(true);
  });
  afterAll(() => kt.stop());

  it('assigns offsets, and fetch returns the batches with the high watermark', async () => {
    const first = await produce('events', 0, batchOf(['a', 'b', 'c']));
    expect(first.responses[0].partitionResponses[0]).toMatchObject({ index: 0, errorCode: 0, baseOffset: 0, logStartOffset: 0 });
    const second = await produce('events', 0, batchOf(['d', 'e']), 1);
    expect(second.responses[0].partitionResponses[0].baseOffset).toBe(3);

    const res = await fetch('events', 0, 0);
    const part = res.responses[0].partitions[0];
    expect(part).toMatchObject({ errorCode: 0, highWatermark: 5, lastStableOffset: 5, logStartOffset: 0 });
    const batches = decodeBatches(part.records);
    expect(batches.map((b) => b.header.baseOffset)).toEqual([0, 3]);
    expect(batches.flatMap((b) => b.records.map((r) => [r.offset, r.value!.toString()]))).toEqual([
      [0, 'a'], [1, 'b'], [2, 'c'], [3, 'd'], [4, 'e'],
    ]);
    // From the middle of a batch, the whole batch comes back, as in Kafka.
    const middle = await fetch('events', 0, 4);
    expect(decodeBatches(middle.responses[0].partitions[0].records)[0].header.baseOffset).toBe(3);
  });

  it('answers acks=0 with nothing and still serves the next request', async () => {
    await produce('events', 1, batchOf(['quiet']), 0);
    const res = await fetch('events', 1, 0);
    expect(res.responses[0].partitions[0].highWatermark).toBe(1);
  });

  it("rejects bad produce requests with Kafka's error codes", async () => {
    const tooBig = await produce('small', 0, batchOf(['x'.repeat(5000)]));
    expect(tooBig.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);

    const corrupt = batchOf(['will be corrupted']);
    corrupt[corrupt.length - 1] ^= 0xff;
    const badCrc = await produce('events', 0, corrupt);
    expect(badCrc.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const badCrcField = batchOf(['y']);
    badCrcField.writeUInt32BE((badCrcField.readUInt32BE(CRC_OFFSET) + 1) >>> 0, CRC_OFFSET);
    expect((await produce('events', 0, badCrcField)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);

    const legacy = batchOf(['old']);
    legacy.writeInt8(1, 16);
    expect((await produce('events', 0, legacy)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);

    expect((await produce('events', 0, batchOf(['z']), 2)).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect((await produce('nowhere', 0, batchOf(['z']))).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produce('events', 7, batchOf(['z']))).responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

    // None of it reached the log.
    expect((await fetch('events', 0, 0)).responses[0].partitions[0].highWatermark).toBe(5);
  });

  it('stamps LogAppendTime when the topic asks for it', async () => {
    const before = Date.now();
    const res = await produce('stamped', 0, batchOf(['t'], 1000));
    const { logAppendTimeMs } = res.responses[0].partitionResponses[0];
    expect(logAppendTimeMs).toBeGreaterThanOrEqual(before);
    const [batch] = decodeBatches((await fetch('stamped', 0, 0)).responses[0].partitions[0].records);
    expect(batch.header.maxTimestamp).toBe(logAppendTimeMs);
  });

  it('reports OFFSET_OUT_OF_RANGE past the log end', async () => {
    const res = await fetch('events', 0, 99);
    expect(res.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: 5 });
  });

  it('long-polls: a fetch at the end waits and is woken by the next append', async () => {
    const started = Date.now();
    const waiting = fetch('events', 1, 1, { maxWaitMs: 20_000, minBytes: 1 });
    const other = await kt.connect('producer');
    await other.send(0, 9, { transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{ name: 'events', partitionData: [{ index: 1, records: batchOf(['wake']) }] }] });
    const res = await waiting;
    expect(Date.now() - started).toBeLessThan(10_000);
    const [batch] = decodeBatches(res.responses[0].partitions[0].records);
    expect(batch.records[0].value!.toString()).toBe('wake');
  });

  it('long-polls until maxWaitMs when nothing arrives', async () => {
    const started = Date.now();
    const res = await fetch('events', 0, 5, { maxWaitMs: 300, minBytes: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(res.responses[0].partitions[0].records.length).toBe(0);
  });

  it('keeps fetch sessions: incremental fetches return only partitions with news', async () => {
    const partitions = [0, 1].map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }));
    const full = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: 0, sessionEpoch: 0,
      topics: [{ topic: 'events', partitions }], forgottenTopicsData: [], rackId: '',
    });
    expect(full.sessionId).toBeGreaterThan(0);
    expect(full.responses[0].partitions).toHaveLength(2);
    const hw1 = full.responses[0].partitions[1].highWatermark;

    const quiet = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 1,
      topics: [{ topic: 'events', partitions: [0, 1].map((p) => ({ ...partitions[p], fetchOffset: p === 0 ? 5 : hw1 })) }], forgottenTopicsData: [], rackId: '',
    });
    expect(quiet.errorCode).toBe(0);
    expect(quiet.responses).toEqual([]);

    await produce('events', 1, batchOf(['news']));
    const news = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 2,
      topics: [], forgottenTopicsData: [], rackId: '',
    });
    expect(news.responses[0].partitions.map((p: { partitionIndex: number }) => p.partitionIndex)).toEqual([1]);

    const stale = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: full.sessionId, sessionEpoch: 2,
      topics: [], forgottenTopicsData: [], rackId: '',
    });
    expect(stale.errorCode).toBe(ErrorCode.INVALID_FETCH_SESSION_EPOCH);
    const unknown = await conn.send(1, 12, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 24, isolationLevel: 0, sessionId: 123456789, sessionEpoch: 5,
      topics: [], forgottenTopicsData: [], rackId: '',
    });
    expect(unknown.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('fetches by topic id in v13+', async () => {
    const md = await conn.send(3, 12, { topics: [{ name: 'events', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false });
    const topicId = md.topics[0].topicId;
    const res = await fetch('', 0, 0, { topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }] }] }, 16);
    expect(res.responses[0].topicId).toBe(topicId);
    expect(res.responses[0].partitions[0].highWatermark).toBe(5);
    const missing = await fetch('', 0, 0, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAB', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1 }] }] }, 16);
    expect(missing.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('returns the first batch even when it alone exceeds the byte limits', async () => {
    const res = await fetch('events', 0, 0, { maxBytes: 10, topics: [{ topic: 'events', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 10, currentLeaderEpoch: -1, logStartOffset: -1 }] }] });
    expect(decodeBatches(res.responses[0].partitions[0].records)).toHaveLength(1);
  });

  it('lists offsets: earliest, latest, by timestamp and max timestamp', async () => {
    await conn.send(19, 7, { topics: [{ name: 'timed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    const now = Date.now();
    await produce('timed', 0, batchOf(['t0', 't1', 't2'], now - 3000));
    await produce('timed', 0, batchOf(['t3'], now - 100));
    const query = (timestamp: number, version = 8) =>
      conn.send(2, version, { replicaId: -1, isolationLevel: 0, topics: [{ name: 'timed', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] })
        .then((r) => r.topics[0].partitions[0]);
    expect(await query(-2)).toMatchObject({ errorCode: 0, offset: 0 });
    expect(await query(-1)).toMatchObject({ errorCode: 0, offset: 4, leaderEpoch: 0 });
    expect(await query(now - 2999)).toMatchObject({ offset: 1, timestamp: now - 2999 });
    expect(await query(now - 500)).toMatchObject({ offset: 3, timestamp: now - 100 });
    expect(await query(now + 60_000)).toMatchObject({ offset: -1, timestamp: -1 });
    expect(await query(-3)).toMatchObject({ offset: 3, timestamp: now - 100 });
    expect(await query(-1, 1)).toMatchObject({ offset: 4 });
  });

  it('deletes records below an offset and moves the log start offset', async () => {
    await conn.send(19, 7, { topics: [{ name: 'trimmed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    for (let i = 0; i < 3; i++) await produce('trimmed', 0, batchOf([`r${i}`]));
    const res = await conn.send(21, 2, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 2 }] }], timeoutMs: 5000 });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 2 });
    expect((await fetch('trimmed', 0, 0)).responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, logStartOffset: 2 });
    const tooFar = await conn.send(21, 2, { topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 10 }] }], timeoutMs: 5000 });
    expect(tooFar.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('answers OffsetForLeaderEpoch from the leader epoch cache', async () => {
    const res = await conn.send(23, 4, { replicaId: -1, topics: [{ topic: 'events', partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] });
    expect(res.topics[0].partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 5 });
    const fenced = await conn.send(23, 4, { replicaId: -1, topics: [{ topic: 'events', partitions: [{ partition: 0, currentLeaderEpoch: 3, leaderEpoch: 0 }] }] });
    expect(fenced.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
  });
});
