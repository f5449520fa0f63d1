/**
 * Responses written by kt, read by kafkajs.
 *
 * For every response version kafkajs can decode, kt encodes a realistic response (several topics,
 * errors next to successes, nulls next to values, int64s above 2^32) with its declared codec and
 * response header; kafkajs's own `decode` (never `parse`, which throws on error codes) reads the
 * bytes after the correlation id, and each field it exposes is compared under its kafkajs name.
 * kafkajs must also consume every byte kt wrote (checked by the runner). Produce and fetch are in
 * kafkajs-records.test.ts, admin APIs in kafkajs-admin-responses.test.ts.
 */
import { expect } from 'vitest';
import type { Message } from '../../src/engine/protocol/codec.js';
import { T0, runResponseCases, str, throttleOf, type ResponseCase } from '../helpers/kafkajs-internals.js';

const B = (s: string): Buffer => Buffer.from(s, 'utf8');
const PID = 4_000_000_123;
const BIG_OFFSET = 2 ** 40 + 17;
const ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115, 0, 0, 0, 1, 0, 0, 0, 0, 255, 255, 255, 255]);
const THROTTLE = 25;

/** kafkajs exposes the throttle time from `fromVersion`, under one of two names. */
function expectThrottle(decoded: Message, v: number, fromVersion: number): void {
  if (v >= fromVersion) expect(throttleOf(decoded)).toBe(THROTTLE);
  else expect(decoded.throttleTime ?? decoded.clientSideThrottleTime).toBeUndefined();
}

const CASES: ResponseCase[] = [
  {
    api: 'listOffsets',
    key: 2,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, oldStyleOffsets: [BIG_OFFSET, 0], timestamp: T0, offset: BIG_OFFSET },
            { partitionIndex: 1, errorCode: 3, oldStyleOffsets: [], timestamp: -1, offset: -1 }, // UNKNOWN_TOPIC_OR_PARTITION
          ],
        },
        { name: 'audit', partitions: [{ partitionIndex: 5, errorCode: 0, oldStyleOffsets: [7], timestamp: -1, offset: 7 }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 2);
      const part = (p: Message) =>
        v === 0
          ? { partition: p.partitionIndex, errorCode: p.errorCode, offsets: p.oldStyleOffsets.map(str) }
          : { partition: p.partitionIndex, errorCode: p.errorCode, timestamp: str(p.timestamp), offset: str(p.offset) };
      expect(decoded.responses).toEqual(body.topics.map((t: Message) => ({ topic: t.name, partitions: t.partitions.map(part) })));
    },
  },
  {
    api: 'metadata',
    key: 3,
    body: () => ({
      throttleTimeMs: THROTTLE,
      brokers: [
        { nodeId: 1, host: 'broker-1.example', port: 9092, rack: 'rack-a' },
        { nodeId: 2, host: 'broker-2.example', port: 19092, rack: null },
      ],
      clusterId: 'kt-cluster-ü',
      controllerId: 2,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            { errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1, 2], isrNodes: [1, 2], offlineReplicas: [] },
            { errorCode: 9, partitionIndex: 1, leaderId: 2, replicaNodes: [2, 3], isrNodes: [2], offlineReplicas: [3] }, // REPLICA_NOT_AVAILABLE
          ],
        },
        {
          errorCode: 0,
          name: '__consumer_offsets',
          isInternal: true,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: -1, replicaNodes: [1], isrNodes: [], offlineReplicas: [1] }],
        },
        { errorCode: 3, name: 'missing', isInternal: false, partitions: [] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 3);
      expect(decoded.brokers).toEqual(body.brokers.map(({ rack, ...b }: Message) => (v >= 1 ? { ...b, rack } : b)));
      expect(decoded.clusterId).toBe(v >= 2 ? body.clusterId : undefined);
      expect(decoded.controllerId).toBe(v >= 1 ? 2 : undefined);
      expect(decoded.topicMetadata).toEqual(
        body.topics.map((t: Message) => ({
          topicErrorCode: t.errorCode,
          topic: t.name,
          ...(v >= 1 ? { isInternal: t.isInternal } : {}),
          partitionMetadata: t.partitions.map((p: Message) => ({
            partitionErrorCode: p.errorCode,
            partitionId: p.partitionIndex,
            leader: p.leaderId,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            ...(v >= 5 ? { offlineReplicas: p.offlineReplicas } : {}),
          })),
        })),
      );
    },
  },
  {
    api: 'offsetCommit',
    key: 8,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 25 }] }, // UNKNOWN_MEMBER_ID
        { name: 'audit', partitions: [{ partitionIndex: 2, errorCode: 0 }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 3);
      expect(decoded.responses).toEqual(
        body.topics.map((t: Message) => ({ topic: t.name, partitions: t.partitions.map((p: Message) => ({ partition: p.partitionIndex, errorCode: p.errorCode })) })),
      );
    },
  },
  {
    api: 'offsetFetch',
    key: 9,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: BIG_OFFSET, metadata: 'meta', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1, metadata: null, errorCode: 0 },
          ],
        },
        { name: 'audit', partitions: [{ partitionIndex: 2, committedOffset: 5, metadata: '', errorCode: 3 }] },
      ],
      errorCode: 14, // COORDINATOR_LOAD_IN_PROGRESS
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 3);
      expect(decoded.errorCode).toBe(v >= 2 ? 14 : undefined);
      expect(decoded.responses).toEqual(
        body.topics.map((t: Message) => ({
          topic: t.name,
          partitions: t.partitions.map((p: Message) => ({ partition: p.partitionIndex, offset: str(p.committedOffset), metadata: p.metadata, errorCode: p.errorCode })),
        })),
      );
    },
  },
  {
    api: 'findCoordinator',
    key: 10,
    body: (v) => ({
      throttleTimeMs: THROTTLE,
      errorCode: v === 1 ? 15 : 0, // COORDINATOR_NOT_AVAILABLE in v1
      errorMessage: v === 1 ? 'The coordinator is not available.' : null,
      nodeId: 3,
      host: 'broker-3.example',
      port: 9093,
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded).toMatchObject({ errorCode: body.errorCode, coordinator: { nodeId: 3, host: 'broker-3.example', port: 9093 } });
      expect(decoded.errorMessage).toBe(v >= 1 ? body.errorMessage : undefined);
    },
  },
  {
    api: 'joinGroup',
    key: 11,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      generationId: 42,
      protocolName: 'RoundRobinAssigner',
      leader: 'member-1',
      memberId: 'member-2',
      members: [
        { memberId: 'member-1', groupInstanceId: 'instance-1', metadata: ASSIGNMENT },
        { memberId: 'member-2', groupInstanceId: null, metadata: Buffer.alloc(0) },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 2);
      expect(decoded).toMatchObject({ errorCode: 0, generationId: 42, groupProtocol: 'RoundRobinAssigner', leaderId: 'member-1', memberId: 'member-2' });
      expect(decoded.members).toEqual(
        body.members.map((m: Message) => ({ memberId: m.memberId, ...(v >= 5 ? { groupInstanceId: m.groupInstanceId } : {}), memberMetadata: m.metadata })),
      );
    },
  },
  {
    api: 'heartbeat',
    key: 12,
    body: () => ({ throttleTimeMs: THROTTLE, errorCode: 27 }), // REBALANCE_IN_PROGRESS
    check(decoded, v) {
      expectThrottle(decoded, v, 1);
      expect(decoded.errorCode).toBe(27);
    },
  },
  {
    api: 'leaveGroup',
    key: 13,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      members: [
        { memberId: 'member-1', groupInstanceId: 'instance-1', errorCode: 0 },
        { memberId: 'member-2', groupInstanceId: null, errorCode: 25 },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded.errorCode).toBe(0);
      expect(decoded.members).toEqual(v >= 3 ? body.members : undefined);
    },
  },
  {
    api: 'syncGroup',
    key: 14,
    body: () => ({ throttleTimeMs: THROTTLE, errorCode: 0, assignment: ASSIGNMENT }),
    check(decoded, v) {
      expectThrottle(decoded, v, 1);
      expect(decoded).toMatchObject({ errorCode: 0, memberAssignment: ASSIGNMENT });
    },
  },
  {
    api: 'describeGroups',
    key: 15,
    body: () => ({
      throttleTimeMs: THROTTLE,
      groups: [
        {
          errorCode: 0,
          groupId: 'group-1',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'RoundRobinAssigner',
          members: [
            { memberId: 'member-1', clientId: 'client-1', clientHost: '/10.0.0.1', memberMetadata: B('meta'), memberAssignment: ASSIGNMENT },
            { memberId: 'member-2', clientId: 'client-2', clientHost: '/10.0.0.2', memberMetadata: Buffer.alloc(0), memberAssignment: Buffer.alloc(0) },
          ],
        },
        { errorCode: 16, groupId: 'group-2', groupState: 'Dead', protocolType: '', protocolData: '', members: [] }, // NOT_COORDINATOR
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded.groups).toEqual(
        body.groups.map((g: Message) => ({
          errorCode: g.errorCode,
          groupId: g.groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members,
        })),
      );
    },
  },
  {
    api: 'listGroups',
    key: 16,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      groups: [
        { groupId: 'group-1', protocolType: 'consumer' },
        { groupId: 'connect-cluster', protocolType: 'connect' },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded).toMatchObject({ errorCode: 0, groups: body.groups });
    },
  },
  {
    api: 'saslHandshake',
    key: 17,
    body: () => ({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }), // UNSUPPORTED_SASL_MECHANISM
    check: (decoded) => expect(decoded).toEqual({ errorCode: 33, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }),
  },
  {
    api: 'apiVersions',
    key: 18,
    body: () => ({
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 1, minVersion: 4, maxVersion: 17 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ],
      throttleTimeMs: THROTTLE,
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded).toMatchObject({ errorCode: 0, apiVersions: body.apiKeys });
    },
  },
  {
    api: 'saslAuthenticate',
    key: 36,
    body: (v) =>
      v === 0
        ? { errorCode: 58, errorMessage: 'Authentication failed: Invalid username or password', authBytes: Buffer.alloc(0) } // SASL_AUTHENTICATION_FAILED
        : { errorCode: 0, errorMessage: null, authBytes: B('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='), sessionLifetimeMs: 3_600_000 },
    check(decoded, v, body) {
      // kafkajs hands authBytes on re-encoded with their INT32 length prefix.
      const prefixed = Buffer.concat([Buffer.alloc(4), body.authBytes]);
      prefixed.writeInt32BE(body.authBytes.length);
      expect(decoded).toEqual({
        errorCode: body.errorCode,
        errorMessage: body.errorMessage,
        authBytes: prefixed,
        ...(v >= 1 ? { sessionLifetimeMs: '3600000' } : {}),
      });
    },
  },
  {
    api: 'initProducerId',
    key: 22,
    body: () => ({ throttleTimeMs: THROTTLE, errorCode: 0, producerId: PID, producerEpoch: 7 }),
    check(decoded, v) {
      expectThrottle(decoded, v, 0);
      expect(decoded).toMatchObject({ errorCode: 0, producerId: str(PID), producerEpoch: 7 });
    },
  },
  {
    api: 'addPartitionsToTxn',
    key: 24,
    body: () => ({
      throttleTimeMs: THROTTLE,
      resultsByTopicV3AndBelow: [
        { name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }, { partitionIndex: 3, partitionErrorCode: 51 }] }, // CONCURRENT_TRANSACTIONS
        { name: 'audit', resultsByPartition: [{ partitionIndex: 1, partitionErrorCode: 0 }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.errors).toEqual(
        body.resultsByTopicV3AndBelow.map((t: Message) => ({
          topic: t.name,
          partitionErrors: t.resultsByPartition.map((p: Message) => ({ partition: p.partitionIndex, errorCode: p.partitionErrorCode })),
        })),
      );
    },
  },
  {
    api: 'addOffsetsToTxn',
    key: 25,
    body: () => ({ throttleTimeMs: THROTTLE, errorCode: 51 }),
    check(decoded, v) {
      expectThrottle(decoded, v, 0);
      expect(decoded.errorCode).toBe(51);
    },
  },
  {
    api: 'endTxn',
    key: 26,
    body: () => ({ throttleTimeMs: THROTTLE, errorCode: 48 }), // INVALID_TXN_STATE
    check(decoded, v) {
      expectThrottle(decoded, v, 0);
      expect(decoded.errorCode).toBe(48);
    },
  },
  {
    api: 'txnOffsetCommit',
    key: 28,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 22 }] }, // ILLEGAL_GENERATION
        { name: 'audit', partitions: [{ partitionIndex: 2, errorCode: 0 }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.topics).toEqual(
        body.topics.map((t: Message) => ({ topic: t.name, partitions: t.partitions.map((p: Message) => ({ partition: p.partitionIndex, errorCode: p.errorCode })) })),
      );
    },
  },
];

runResponseCases('kt responses decoded by kafkajs: client, group and transaction APIs', CASES, 'client');
