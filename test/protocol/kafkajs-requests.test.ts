/**
 * Requests written by kafkajs, read by kt.
 *
 * For every request type and every version kafkajs implements (one request.js per version), the
 * table below gives representative arguments and what kt must decode from the resulting bytes.
 * Each frame is built by kafkajs's own framing (size prefix + header v1), then read with kt's
 * header and body codecs; every byte must be consumed. Produce and fetch (with their record data)
 * are in kafkajs-records.test.ts, admin APIs in kafkajs-admin-requests.test.ts.
 */
import { expect } from 'vitest';
import { defaultsFor } from '../../src/engine/protocol/codec.js';
import { apiByKey } from '../../src/engine/protocol/messages/index.js';
import { KjsEncoderClass, T0, runRequestCases, type RequestCase } from '../helpers/kafkajs-internals.js';

const B = (s: string): Buffer => Buffer.from(s, 'utf8');
const PID = 4_000_000_123; // above 2^32: both int64 halves matter
const BIG_OFFSET = 2 ** 40 + 17;
const TXN = 'txn-ä-1'; // multi-byte UTF-8: string lengths are bytes, not characters
const ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115, 0, 0, 0, 1, 0, 0, 0, 0, 255, 255, 255, 255]);

const CASES: RequestCase[] = [
  {
    api: 'listOffsets',
    key: 2,
    args: () => ({
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, timestamp: -1, maxNumOffsets: 3 }, { partition: 1, timestamp: -2 }] },
        { topic: 'audit', partitions: [{ partition: 5, timestamp: T0 }] },
      ],
    }),
    check: (body, v) =>
      expect(body).toMatchObject({
        replicaId: -1,
        isolationLevel: v >= 2 ? 1 : 0,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, timestamp: -1, maxNumOffsets: v === 0 ? 3 : 1 },
              { partitionIndex: 1, timestamp: -2, maxNumOffsets: 1 },
            ],
          },
          { name: 'audit', partitions: [{ partitionIndex: 5, timestamp: T0 }] },
        ],
      }),
  },
  {
    api: 'metadata',
    key: 3,
    args: () => ({ topics: ['orders', 'audit'], allowAutoTopicCreation: false }),
    check: (body, v) =>
      expect(body).toMatchObject({ topics: [{ name: 'orders' }, { name: 'audit' }], allowAutoTopicCreation: v < 4 }),
    // "All topics": an empty list in v0, null from v1 (kafkajs writes [] as null).
    more: async (v, send) => expect((await send({ topics: [] })).topics).toEqual(v === 0 ? [] : null),
  },
  {
    api: 'offsetCommit',
    key: 8,
    args: () => ({
      groupId: 'group-1',
      groupGenerationId: 42,
      memberId: 'member-1',
      retentionTime: 86_400_000,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: BIG_OFFSET, metadata: 'meta', timestamp: T0 },
            { partition: 1, offset: 0, metadata: null, timestamp: T0 + 1 },
          ],
        },
        { topic: 'audit', partitions: [{ partition: 2, offset: 5, metadata: '', timestamp: T0 + 2 }] },
      ],
    }),
    check: (body, v) =>
      expect(body).toMatchObject({
        groupId: 'group-1',
        generationIdOrMemberEpoch: v >= 1 ? 42 : -1,
        memberId: v >= 1 ? 'member-1' : '',
        retentionTimeMs: v >= 2 && v <= 4 ? 86_400_000 : -1,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: BIG_OFFSET, commitTimestamp: v === 1 ? T0 : -1, committedMetadata: 'meta' },
              { partitionIndex: 1, committedOffset: 0, commitTimestamp: v === 1 ? T0 + 1 : -1, committedMetadata: null },
            ],
          },
          { name: 'audit', partitions: [{ partitionIndex: 2, committedOffset: 5, committedMetadata: '' }] },
        ],
      }),
  },
  {
    api: 'offsetFetch',
    key: 9,
    args: () => ({
      groupId: 'group-1',
      topics: [
        { topic: 'orders', partitions: [{ partition: 0 }, { partition: 3 }] },
        { topic: 'audit', partitions: [{ partition: 1 }] },
      ],
    }),
    check: (body) =>
      expect(body).toMatchObject({
        groupId: 'group-1',
        topics: [
          { name: 'orders', partitionIndexes: [0, 3] },
          { name: 'audit', partitionIndexes: [1] },
        ],
      }),
    // From v3 kafkajs sends "all topics" as a null array.
    more: async (v, send) => {
      if (v >= 3) expect((await send({ groupId: 'group-1', topics: [] })).topics).toBeNull();
    },
  },
  {
    api: 'findCoordinator',
    key: 10,
    args: () => ({ groupId: 'group-1', coordinatorKey: TXN, coordinatorType: 1 }),
    check: (body, v) => expect(body).toMatchObject(v === 0 ? { key: 'group-1', keyType: 0 } : { key: TXN, keyType: 1 }),
  },
  {
    api: 'joinGroup',
    key: 11,
    args: () => ({
      groupId: 'group-1',
      sessionTimeout: 30_000,
      rebalanceTimeout: 60_000,
      memberId: 'member-1',
      groupInstanceId: 'instance-1',
      protocolType: 'consumer',
      groupProtocols: [
        { name: 'RoundRobinAssigner', metadata: ASSIGNMENT },
        { name: 'range', metadata: Buffer.alloc(0) },
      ],
    }),
    check: (body, v) =>
      expect(body).toMatchObject({
        groupId: 'group-1',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: v >= 1 ? 60_000 : -1,
        memberId: 'member-1',
        groupInstanceId: v >= 5 ? 'instance-1' : null,
        protocolType: 'consumer',
        protocols: [
          { name: 'RoundRobinAssigner', metadata: ASSIGNMENT },
          { name: 'range', metadata: Buffer.alloc(0) },
        ],
      }),
  },
  {
    api: 'heartbeat',
    key: 12,
    args: () => ({ groupId: 'group-1', groupGenerationId: 42, memberId: 'member-1', groupInstanceId: 'instance-1' }),
    check: (body, v) =>
      expect(body).toMatchObject({ groupId: 'group-1', generationId: 42, memberId: 'member-1', groupInstanceId: v >= 3 ? 'instance-1' : null }),
    more: async (v, send) => {
      if (v >= 3) expect((await send({ groupId: 'g', groupGenerationId: 1, memberId: 'm' })).groupInstanceId).toBeNull();
    },
  },
  {
    api: 'leaveGroup',
    key: 13,
    args: () => ({
      groupId: 'group-1',
      memberId: 'member-1',
      members: [{ memberId: 'member-1', groupInstanceId: 'instance-1' }, { memberId: 'member-2' }],
    }),
    check: (body, v) =>
      expect(body).toMatchObject(
        v < 3
          ? { groupId: 'group-1', memberId: 'member-1', members: [] }
          : {
              groupId: 'group-1',
              memberId: '',
              members: [
                { memberId: 'member-1', groupInstanceId: 'instance-1' },
                { memberId: 'member-2', groupInstanceId: null },
              ],
            },
      ),
  },
  {
    api: 'syncGroup',
    key: 14,
    args: () => ({
      groupId: 'group-1',
      generationId: 42,
      memberId: 'member-1',
      groupInstanceId: 'instance-1',
      groupAssignment: [
        { memberId: 'member-1', memberAssignment: ASSIGNMENT },
        { memberId: 'member-2', memberAssignment: Buffer.alloc(0) },
      ],
    }),
    check: (body, v) =>
      expect(body).toMatchObject({
        groupId: 'group-1',
        generationId: 42,
        memberId: 'member-1',
        groupInstanceId: v >= 3 ? 'instance-1' : null,
        assignments: [
          { memberId: 'member-1', assignment: ASSIGNMENT },
          { memberId: 'member-2', assignment: Buffer.alloc(0) },
        ],
      }),
  },
  {
    api: 'describeGroups',
    key: 15,
    args: () => ({ groupIds: ['group-1', 'group-2'] }),
    check: (body) => expect(body).toMatchObject({ groups: ['group-1', 'group-2'] }),
  },
  { api: 'listGroups', key: 16, args: () => undefined, check: (body, v) => expect(body).toEqual(defaultsFor(apiByKey(16)!.request, v)) },
  { api: 'saslHandshake', key: 17, args: () => ({ mechanism: 'SCRAM-SHA-512' }), check: (body) => expect(body).toEqual({ mechanism: 'SCRAM-SHA-512' }) },
  { api: 'apiVersions', key: 18, args: () => undefined, check: (body, v) => expect(body).toEqual(defaultsFor(apiByKey(18)!.request, v)) },
  {
    api: 'saslAuthenticate',
    key: 36,
    // kafkajs's SASL mechanisms hand over their payload already length-prefixed (Encoder.writeBytes).
    args: () => ({ authBytes: new KjsEncoderClass().writeBytes('\u0000alice\u0000s3cret').buffer }),
    check: (body) => expect(body).toEqual({ authBytes: B('\u0000alice\u0000s3cret') }),
  },
  {
    api: 'initProducerId',
    key: 22,
    args: () => ({ transactionalId: TXN, transactionTimeout: 60_000 }),
    check: (body) => expect(body).toMatchObject({ transactionalId: TXN, transactionTimeoutMs: 60_000 }),
    // An idempotent, non-transactional producer sends a null transactional id.
    more: async (_v, send) => expect((await send({ transactionalId: null, transactionTimeout: 1 })).transactionalId).toBeNull(),
  },
  {
    api: 'addPartitionsToTxn',
    key: 24,
    args: () => ({
      transactionalId: TXN,
      producerId: PID,
      producerEpoch: 7,
      topics: [{ topic: 'orders', partitions: [0, 3] }, { topic: 'audit', partitions: [1] }],
    }),
    check: (body) =>
      expect(body).toMatchObject({
        v3AndBelowTransactionalId: TXN,
        v3AndBelowProducerId: PID,
        v3AndBelowProducerEpoch: 7,
        v3AndBelowTopics: [
          { name: 'orders', partitions: [0, 3] },
          { name: 'audit', partitions: [1] },
        ],
      }),
  },
  {
    api: 'addOffsetsToTxn',
    key: 25,
    args: () => ({ transactionalId: TXN, producerId: PID, producerEpoch: 7, groupId: 'group-1' }),
    check: (body) => expect(body).toEqual({ transactionalId: TXN, producerId: PID, producerEpoch: 7, groupId: 'group-1' }),
  },
  {
    api: 'endTxn',
    key: 26,
    args: () => ({ transactionalId: TXN, producerId: PID, producerEpoch: 7, transactionResult: true }),
    check: (body) => expect(body).toEqual({ transactionalId: TXN, producerId: PID, producerEpoch: 7, committed: true }),
    more: async (_v, send) =>
      expect((await send({ transactionalId: TXN, producerId: PID, producerEpoch: 7, transactionResult: false })).committed).toBe(false),
  },
  {
    api: 'txnOffsetCommit',
    key: 28,
    args: () => ({
      transactionalId: TXN,
      groupId: 'group-1',
      producerId: PID,
      producerEpoch: 7,
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, offset: BIG_OFFSET, metadata: 'm' }, { partition: 1, offset: 3, metadata: null }] },
        { topic: 'audit', partitions: [{ partition: 2, offset: 0, metadata: '' }] },
      ],
    }),
    check: (body) =>
      expect(body).toMatchObject({
        transactionalId: TXN,
        groupId: 'group-1',
        producerId: PID,
        producerEpoch: 7,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, committedOffset: BIG_OFFSET, committedMetadata: 'm' },
              { partitionIndex: 1, committedOffset: 3, committedMetadata: null },
            ],
          },
          { name: 'audit', partitions: [{ partitionIndex: 2, committedOffset: 0, committedMetadata: '' }] },
        ],
      }),
  },
];

runRequestCases('kafkajs requests decoded by kt: client, group and transaction APIs', CASES, 'client');
