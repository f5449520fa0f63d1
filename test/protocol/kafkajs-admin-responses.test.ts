/**
 * Admin responses written by kt, read by kafkajs (see kafkajs-responses.test.ts for the method).
 * kafkajs sorts some result lists by topic name; expectations sort the same way.
 */
import { expect } from 'vitest';
import type { Message } from '../../src/engine/protocol/codec.js';
import { runResponseCases, str, throttleOf, type ResponseCase } from '../helpers/kafkajs-internals.js';

const BIG_OFFSET = 2 ** 40 + 17;
const THROTTLE = 25;
const TOPIC = 2;
const GROUP = 3;
const BROKER = 4;
const LITERAL = 3;
const PREFIXED = 4;
const READ = 3;
const WRITE = 4;
const DENY = 2;
const ALLOW = 3;
// ConfigSource
const DYNAMIC_TOPIC_CONFIG = 1;
const STATIC_BROKER_CONFIG = 4;
const DEFAULT_CONFIG = 5;

function expectThrottle(decoded: Message, v: number, fromVersion: number): void {
  if (v >= fromVersion) expect(throttleOf(decoded)).toBe(THROTTLE);
  else expect(decoded.throttleTime ?? decoded.clientSideThrottleTime).toBeUndefined();
}
const byTopic = (a: { topic: string }, b: { topic: string }) => a.topic.localeCompare(b.topic);

const DELETE_RECORDS_ARGS = { topics: [{ topic: 'orders', partitions: [{ partition: 1, offset: 10 }] }] };

const CASES: ResponseCase[] = [
  {
    api: 'createTopics',
    key: 19,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'audit', errorCode: 36, errorMessage: "Topic 'audit' already exists." }, // TOPIC_ALREADY_EXISTS
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 2);
      expect(decoded.topicErrors).toEqual(
        body.topics
          .map((t: Message) => ({ topic: t.name, errorCode: t.errorCode, ...(v >= 1 ? { errorMessage: t.errorMessage } : {}) }))
          .sort(byTopic),
      );
    },
  },
  {
    api: 'deleteTopics',
    key: 20,
    body: () => ({
      throttleTimeMs: THROTTLE,
      responses: [
        { name: 'orders', errorCode: 0 },
        { name: 'missing', errorCode: 3 }, // UNKNOWN_TOPIC_OR_PARTITION
        { name: 'audit', errorCode: 0 },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 1);
      expect(decoded.topicErrors).toEqual(body.responses.map((t: Message) => ({ topic: t.name, errorCode: t.errorCode })).sort(byTopic));
    },
  },
  {
    api: 'deleteRecords',
    key: 21,
    requestArgs: DELETE_RECORDS_ARGS,
    body: () => ({
      throttleTimeMs: THROTTLE,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, lowWatermark: BIG_OFFSET, errorCode: 0 },
            { partitionIndex: 1, lowWatermark: -1, errorCode: 1 }, // OFFSET_OUT_OF_RANGE
          ],
        },
        { name: 'audit', partitions: [{ partitionIndex: 2, lowWatermark: 7, errorCode: 0 }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      // kafkajs leaves lowWatermark as its Long type.
      const plain = decoded.topics.map((t: Message) => ({ ...t, partitions: t.partitions.map((p: Message) => ({ ...p, lowWatermark: str(p.lowWatermark) })) }));
      expect(plain).toEqual(
        body.topics
          .map((t: Message) => ({
            topic: t.name,
            partitions: t.partitions.map((p: Message) => ({ partition: p.partitionIndex, lowWatermark: str(p.lowWatermark), errorCode: p.errorCode })),
          }))
          .sort(byTopic),
      );
    },
  },
  {
    api: 'describeAcls',
    key: 29,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      errorMessage: null,
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          patternType: PREFIXED,
          acls: [
            { principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW },
            { principal: 'User:mallory', host: '10.0.0.9', operation: WRITE, permissionType: DENY },
          ],
        },
        { resourceType: GROUP, resourceName: 'group-1', patternType: LITERAL, acls: [{ principal: 'User:bob', host: '*', operation: READ, permissionType: ALLOW }] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded).toMatchObject({ errorCode: 0, errorMessage: null });
      expect(decoded.resources).toEqual(
        body.resources.map(({ patternType, ...r }: Message) => (v >= 1 ? { resourceType: r.resourceType, resourceName: r.resourceName, resourcePatternType: patternType, acls: r.acls } : r)),
      );
    },
  },
  {
    api: 'createAcls',
    key: 30,
    body: () => ({
      throttleTimeMs: THROTTLE,
      results: [
        { errorCode: 0, errorMessage: null },
        { errorCode: 31, errorMessage: 'Cluster authorization failed.' }, // CLUSTER_AUTHORIZATION_FAILED
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.creationResponses).toEqual(body.results);
    },
  },
  {
    api: 'deleteAcls',
    key: 31,
    body: () => ({
      throttleTimeMs: THROTTLE,
      filterResults: [
        {
          errorCode: 0,
          errorMessage: null,
          matchingAcls: [
            { errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders', patternType: PREFIXED, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW },
            { errorCode: 0, errorMessage: null, resourceType: GROUP, resourceName: 'g', patternType: LITERAL, principal: 'User:bob', host: '10.0.0.1', operation: WRITE, permissionType: DENY },
          ],
        },
        { errorCode: 42, errorMessage: 'Invalid request', matchingAcls: [] }, // INVALID_REQUEST
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.filterResponses).toEqual(
        body.filterResults.map((f: Message) => ({
          ...f,
          matchingAcls: f.matchingAcls.map(({ patternType, ...a }: Message) => (v >= 1 ? { ...a, resourcePatternType: patternType } : a)),
        })),
      );
    },
  },
  {
    api: 'describeConfigs',
    key: 32,
    body: () => ({
      throttleTimeMs: THROTTLE,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              isDefault: false,
              configSource: DYNAMIC_TOPIC_CONFIG,
              isSensitive: false,
              synonyms: [
                { name: 'cleanup.policy', value: 'compact', source: DYNAMIC_TOPIC_CONFIG },
                { name: 'log.cleanup.policy', value: 'delete', source: DEFAULT_CONFIG },
              ],
            },
            { name: 'sasl.jaas.config', value: null, readOnly: true, isDefault: true, configSource: DEFAULT_CONFIG, isSensitive: true, synonyms: [] },
          ],
        },
        { errorCode: 0, errorMessage: null, resourceType: BROKER, resourceName: '1', configs: [
          { name: 'num.io.threads', value: '8', readOnly: true, isDefault: false, configSource: STATIC_BROKER_CONFIG, isSensitive: false, synonyms: [{ name: 'num.io.threads', value: null, source: STATIC_BROKER_CONFIG }] },
        ] },
        { errorCode: 3, errorMessage: 'Topic missing does not exist', resourceType: TOPIC, resourceName: 'missing', configs: [] },
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.resources).toEqual(
        body.results.map((r: Message) => ({
          errorCode: r.errorCode,
          errorMessage: r.errorMessage,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configEntries: r.configs.map((c: Message) => ({
            configName: c.name,
            configValue: c.value,
            readOnly: c.readOnly,
            isDefault: c.isDefault,
            isSensitive: c.isSensitive,
            // v0 has only isDefault, from which kafkajs guesses the source; v1+ carry the source and synonyms.
            configSource: v === 0 ? (c.isDefault ? DEFAULT_CONFIG : r.resourceType === TOPIC ? 1 : STATIC_BROKER_CONFIG) : c.configSource,
            ...(v >= 1 ? { configSynonyms: c.synonyms.map((s: Message) => ({ configName: s.name, configValue: s.value, configSource: s.source })) } : {}),
          })),
        })),
      );
    },
  },
  {
    api: 'alterConfigs',
    key: 33,
    body: () => ({
      throttleTimeMs: THROTTLE,
      responses: [
        { errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'orders' },
        { errorCode: 40, errorMessage: 'Invalid value x for configuration num.io.threads', resourceType: BROKER, resourceName: '1' }, // INVALID_CONFIG
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.resources).toEqual(body.responses);
    },
  },
  {
    api: 'createPartitions',
    key: 37,
    body: () => ({
      throttleTimeMs: THROTTLE,
      results: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'audit', errorCode: 37, errorMessage: 'Topic currently has 8 partitions, which is higher than the requested 4.' }, // INVALID_PARTITIONS
      ],
    }),
    check(decoded, v, body) {
      expectThrottle(decoded, v, 0);
      expect(decoded.topicErrors).toEqual(body.results.map((t: Message) => ({ topic: t.name, errorCode: t.errorCode, errorMessage: t.errorMessage })).sort(byTopic));
    },
  },
  {
    api: 'deleteGroups',
    key: 42,
    body: () => ({
      throttleTimeMs: THROTTLE,
      results: [
        { groupId: 'group-1', errorCode: 0 },
        { groupId: 'group-2', errorCode: 68 }, // NON_EMPTY_GROUP
      ],
    }),
    check(decoded, _v, body) {
      // kafkajs calls it throttleTimeMs here (so its v1 "clientSideThrottleTime" is always undefined).
      expect(decoded.throttleTimeMs).toBe(THROTTLE);
      expect(decoded.results.map(({ groupId, errorCode }: Message) => ({ groupId, errorCode }))).toEqual(body.results);
      expect(decoded.results[1].error?.type).toBe('NON_EMPTY_GROUP');
    },
  },
  {
    api: 'alterPartitionReassignments',
    key: 45,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      errorMessage: null,
      responses: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, errorMessage: null },
            { partitionIndex: 1, errorCode: 85, errorMessage: 'No reassignment in progress.' }, // NO_REASSIGNMENT_IN_PROGRESS
          ],
        },
        { name: 'audit', partitions: [{ partitionIndex: 2, errorCode: 0, errorMessage: null }] },
      ],
    }),
    check(decoded, _v, body) {
      expect(decoded).toMatchObject({ throttleTime: THROTTLE, errorCode: 0 });
      expect(decoded.responses).toEqual(
        body.responses.map((t: Message) => ({ topic: t.name, partitions: t.partitions.map((p: Message) => ({ partition: p.partitionIndex, errorCode: p.errorCode })) })),
      );
    },
  },
  {
    api: 'listPartitionReassignments',
    key: 46,
    body: () => ({
      throttleTimeMs: THROTTLE,
      errorCode: 0,
      errorMessage: null,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, replicas: [1, 2, 3, 4], addingReplicas: [4], removingReplicas: [1] },
            { partitionIndex: 1, replicas: [2, 3], addingReplicas: [], removingReplicas: [] },
          ],
        },
        { name: 'audit', partitions: [{ partitionIndex: 5, replicas: [3], addingReplicas: [3], removingReplicas: [] }] },
      ],
    }),
    check(decoded, _v, body) {
      expect(decoded).toMatchObject({ throttleTime: THROTTLE, errorCode: 0 });
      expect(decoded.topics).toEqual(
        body.topics.map((t: Message) => ({ name: t.name, partitions: t.partitions.map(({ partitionIndex, ...p }: Message) => ({ partition: partitionIndex, ...p })) })),
      );
    },
  },
];

runResponseCases('kt admin responses decoded by kafkajs', CASES, 'admin');
