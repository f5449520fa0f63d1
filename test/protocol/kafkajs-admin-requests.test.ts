/**
 * Admin requests written by kafkajs, read by kt (see kafkajs-requests.test.ts for the method).
 * Values are non-defaults where the wire allows: several topics, nulls next to non-nulls, ACL
 * pattern types other than LITERAL, flexible (compact) encodings for the two KIP-455 APIs.
 */
import { expect } from 'vitest';
import { runRequestCases, type RequestCase } from '../helpers/kafkajs-internals.js';

const BIG_OFFSET = 2 ** 40 + 17;
// ACL enums (Kafka's ResourceType, PatternType, AclOperation, AclPermissionType).
const TOPIC = 2;
const GROUP = 3;
const BROKER = 4;
const LITERAL = 3;
const PREFIXED = 4;
const ALL = 2;
const READ = 3;
const DENY = 2;
const ALLOW = 3;

const CASES: RequestCase[] = [
  {
    api: 'createTopics',
    key: 19,
    args: () => ({
      topics: [
        {
          topic: 'orders',
          numPartitions: 6,
          replicationFactor: 3,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2] }, { partition: 1, replicas: [2, 3] }] },
      ],
      timeout: 15_000,
      validateOnly: true,
    }),
    check: (body, v) =>
      expect(body).toEqual({
        topics: [
          {
            name: 'orders',
            numPartitions: 6,
            replicationFactor: 3,
            assignments: [],
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: null },
            ],
          },
          {
            name: 'manual',
            numPartitions: -1,
            replicationFactor: -1,
            assignments: [
              { partitionIndex: 0, brokerIds: [1, 2] },
              { partitionIndex: 1, brokerIds: [2, 3] },
            ],
            configs: [],
          },
        ],
        timeoutMs: 15_000,
        validateOnly: v >= 1,
      }),
  },
  {
    api: 'deleteTopics',
    key: 20,
    args: () => ({ topics: ['orders', 'audit'], timeout: 15_000 }),
    check: (body) => expect(body).toMatchObject({ topicNames: ['orders', 'audit'], timeoutMs: 15_000 }),
  },
  {
    api: 'deleteRecords',
    key: 21,
    args: () => ({
      topics: [
        { topic: 'orders', partitions: [{ partition: 0, offset: BIG_OFFSET }, { partition: 1, offset: -1 }] },
        { topic: 'audit', partitions: [{ partition: 2, offset: 7 }] },
      ],
      timeout: 15_000,
    }),
    check: (body) =>
      expect(body).toEqual({
        topics: [
          { name: 'orders', partitions: [{ partitionIndex: 0, offset: BIG_OFFSET }, { partitionIndex: 1, offset: -1 }] },
          { name: 'audit', partitions: [{ partitionIndex: 2, offset: 7 }] },
        ],
        timeoutMs: 15_000,
      }),
  },
  {
    api: 'describeAcls',
    key: 29,
    args: () => ({
      resourceType: TOPIC,
      resourceName: 'orders',
      resourcePatternType: PREFIXED,
      principal: 'User:alice',
      host: '*',
      operation: READ,
      permissionType: ALLOW,
    }),
    check: (body, v) =>
      expect(body).toEqual({
        resourceTypeFilter: TOPIC,
        resourceNameFilter: 'orders',
        patternTypeFilter: v >= 1 ? PREFIXED : LITERAL,
        principalFilter: 'User:alice',
        hostFilter: '*',
        operation: READ,
        permissionType: ALLOW,
      }),
    // Filters match anything where they are null.
    more: async (_v, send) =>
      expect(
        await send({ resourceType: GROUP, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 }),
      ).toMatchObject({ resourceTypeFilter: GROUP, resourceNameFilter: null, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 }),
  },
  {
    api: 'createAcls',
    key: 30,
    args: () => ({
      creations: [
        { resourceType: TOPIC, resourceName: 'orders', resourcePatternType: PREFIXED, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW },
        { resourceType: GROUP, resourceName: 'group-1', resourcePatternType: LITERAL, principal: 'User:bob', host: '10.0.0.1', operation: ALL, permissionType: DENY },
      ],
    }),
    check: (body, v) =>
      expect(body).toEqual({
        creations: [
          { resourceType: TOPIC, resourceName: 'orders', resourcePatternType: v >= 1 ? PREFIXED : LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW },
          { resourceType: GROUP, resourceName: 'group-1', resourcePatternType: LITERAL, principal: 'User:bob', host: '10.0.0.1', operation: ALL, permissionType: DENY },
        ],
      }),
  },
  {
    api: 'deleteAcls',
    key: 31,
    args: () => ({
      filters: [
        { resourceType: TOPIC, resourceName: 'orders', resourcePatternType: PREFIXED, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW },
        { resourceType: 1, resourceName: null, resourcePatternType: 1, principal: null, host: null, operation: 1, permissionType: 1 },
      ],
    }),
    check: (body, v) =>
      expect(body).toEqual({
        filters: [
          {
            resourceTypeFilter: TOPIC,
            resourceNameFilter: 'orders',
            patternTypeFilter: v >= 1 ? PREFIXED : LITERAL,
            principalFilter: 'User:alice',
            hostFilter: '*',
            operation: READ,
            permissionType: ALLOW,
          },
          {
            resourceTypeFilter: 1,
            resourceNameFilter: null,
            patternTypeFilter: v >= 1 ? 1 : LITERAL,
            principalFilter: null,
            hostFilter: null,
            operation: 1,
            permissionType: 1,
          },
        ],
      }),
  },
  {
    api: 'describeConfigs',
    key: 32,
    args: () => ({
      resources: [
        { type: TOPIC, name: 'orders', configNames: ['cleanup.policy', 'retention.ms'] },
        { type: BROKER, name: '1' }, // no names: kafkajs sends null, meaning all configs
      ],
      includeSynonyms: true,
    }),
    check: (body, v) =>
      expect(body).toEqual({
        resources: [
          { resourceType: TOPIC, resourceName: 'orders', configurationKeys: ['cleanup.policy', 'retention.ms'] },
          { resourceType: BROKER, resourceName: '1', configurationKeys: null },
        ],
        includeSynonyms: v >= 1,
        includeDocumentation: false,
      }),
  },
  {
    api: 'alterConfigs',
    key: 33,
    args: () => ({
      resources: [
        {
          type: TOPIC,
          name: 'orders',
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        { type: BROKER, name: '1', configEntries: [{ name: 'log.cleaner.threads', value: '2' }] },
      ],
      validateOnly: true,
    }),
    check: (body) =>
      expect(body).toEqual({
        resources: [
          {
            resourceType: TOPIC,
            resourceName: 'orders',
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'retention.ms', value: null },
            ],
          },
          { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.cleaner.threads', value: '2' }] },
        ],
        validateOnly: true,
      }),
  },
  {
    api: 'createPartitions',
    key: 37,
    args: () => ({
      topicPartitions: [
        { topic: 'orders', count: 8, assignments: [[1, 2], [2, 3]] },
        { topic: 'audit', count: 4 }, // no assignments: kafkajs sends null
      ],
      timeout: 15_000,
      validateOnly: true,
    }),
    check: (body) =>
      expect(body).toEqual({
        topics: [
          { name: 'orders', count: 8, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
          { name: 'audit', count: 4, assignments: null },
        ],
        timeoutMs: 15_000,
        validateOnly: true,
      }),
  },
  {
    api: 'deleteGroups',
    key: 42,
    args: () => ['group-1', 'group-ü'],
    check: (body) => expect(body).toEqual({ groupsNames: ['group-1', 'group-ü'] }),
  },
  {
    api: 'alterPartitionReassignments',
    key: 45,
    args: () => ({
      topics: [
        { topic: 'orders', partitionAssignment: [{ partition: 0, replicas: [1, 2, 3] }, { partition: 1, replicas: [3, 1] }] },
        { topic: 'audit', partitionAssignment: [{ partition: 2, replicas: [2] }] },
      ],
      timeout: 20_000,
    }),
    check: (body) =>
      expect(body).toEqual({
        timeoutMs: 20_000,
        topics: [
          {
            name: 'orders',
            partitions: [
              { partitionIndex: 0, replicas: [1, 2, 3] },
              { partitionIndex: 1, replicas: [3, 1] },
            ],
          },
          { name: 'audit', partitions: [{ partitionIndex: 2, replicas: [2] }] },
        ],
      }),
  },
  {
    api: 'listPartitionReassignments',
    key: 46,
    args: () => ({ topics: [{ topic: 'orders', partitions: [0, 1] }, { topic: 'audit', partitions: [] }], timeout: 20_000 }),
    check: (body) =>
      expect(body).toEqual({
        timeoutMs: 20_000,
        topics: [
          { name: 'orders', partitionIndexes: [0, 1] },
          { name: 'audit', partitionIndexes: [] },
        ],
      }),
    // No topics: list every ongoing reassignment (a null compact array).
    more: async (_v, send) => expect((await send({ timeout: 1 })).topics).toBeNull(),
  },
];

runRequestCases('kafkajs admin requests decoded by kt', CASES, 'admin');
