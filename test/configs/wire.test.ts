/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs on the wire, every version, for what the
 * client libraries here cannot send (librdkafka 2.0 and kafkajs have no IncrementalAlterConfigs):
 * list operations, broker resources, BROKER_LOGGER, per-request checks, and configs surviving a
 * restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, type RunningKt } from '../helpers/kt.js';

const TOPIC = 2;
const BROKER = 4;
const BROKER_LOGGER = 8;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

const createTopic = (conn: BrokerConnection, name: string, configs: { name: string; value: string }[] = []) =>
  conn.send(19, 5, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs }], timeoutMs: 5000, validateOnly: false });

const incremental = (conn: BrokerConnection, resources: object[], validateOnly = false, version = 1) =>
  conn.send(44, version, { resources, validateOnly }).then((r) => r.responses as Message[]);

const describeConfigs = async (conn: BrokerConnection, resourceType: number, resourceName: string, keys: string[] | null = null, version = 4) => {
  const res = await conn.send(32, version, {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: true,
  });
  return res.results[0] as Message;
};

const valueOf = async (conn: BrokerConnection, type: number, name: string, key: string) =>
  ((await describeConfigs(conn, type, name, [key])).configs as Message[])[0];

describe('IncrementalAlterConfigs and DescribeConfigs on the wire', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt();
    conn = await kt.connect();
    expect((await createTopic(conn, 'wire')).topics[0].errorCode).toBe(0);
  });
  afterAll(() => kt?.stop());

  it('advertises the versions kt serves', async () => {
    await conn.negotiate();
    expect(conn.apiVersions.get(32)).toEqual({ minVersion: 0, maxVersion: 4 });
    expect(conn.apiVersions.get(33)).toEqual({ minVersion: 0, maxVersion: 2 });
    expect(conn.apiVersions.get(44)).toEqual({ minVersion: 0, maxVersion: 1 });
  });

  it('sets, appends and deletes topic configs, live', async () => {
    for (const version of [0, 1]) {
      const res = await incremental(conn, [{ resourceType: TOPIC, resourceName: 'wire', configs: [
        { name: 'retention.ms', configOperation: SET, value: String(1000 + version) },
        { name: 'cleanup.policy', configOperation: APPEND, value: 'compact' },
      ] }], false, version);
      expect(res).toEqual([{ errorCode: 0, errorMessage: null, resourceType: TOPIC, resourceName: 'wire' }]);
    }
    expect(await valueOf(conn, TOPIC, 'wire', 'cleanup.policy')).toMatchObject({ value: 'delete,compact', configSource: 1, configType: 7 });
    expect(kt.server.replicaManager.get('wire', 0)!.log.config).toMatchObject({ retentionMs: 1001, cleanupPolicy: ['delete', 'compact'] });

    await incremental(conn, [{ resourceType: TOPIC, resourceName: 'wire', configs: [
      { name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' },
      { name: 'retention.ms', configOperation: DELETE, value: null },
    ] }]);
    expect(await valueOf(conn, TOPIC, 'wire', 'retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
    expect(kt.server.replicaManager.get('wire', 0)!.log.config).toMatchObject({ retentionMs: 604800000, cleanupPolicy: ['compact'] });
  });

  it("answers Kafka's errors for bad topic changes and leaves the topic alone", async () => {
    const one = async (configs: object[], name = 'wire') => (await incremental(conn, [{ resourceType: TOPIC, resourceName: name, configs }]))[0];
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: 'abc' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    });
    expect(await one([{ name: 'nope', configOperation: SET, value: '1' }])).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: nope' });
    expect(await one([{ name: 'retention.ms', configOperation: APPEND, value: '1' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: null }])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Null value not supported for : retention.ms',
    });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: SET, value: '2' }])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Error due to duplicate config keys',
    });
    expect(await one([{ name: 'retention.ms', configOperation: 9, value: '1' }])).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown operations type 9' });
    expect(await one([{ name: 'retention.ms', configOperation: SET, value: '1' }], 'missing')).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
    });
    const twice = await incremental(conn, [
      { resourceType: TOPIC, resourceName: 'wire', configs: [] },
      { resourceType: TOPIC, resourceName: 'wire', configs: [] },
    ]);
    expect(twice.map((r) => [r.errorCode, r.errorMessage])).toEqual([
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
      [ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'],
    ]);
    expect(kt.server.replicaManager.get('wire', 0)!.log.config.retentionMs).toBe(604800000);
  });

  it('validateOnly commits nothing', async () => {
    const res = await incremental(conn, [{ resourceType: TOPIC, resourceName: 'wire', configs: [{ name: 'segment.bytes', configOperation: SET, value: '1048576' }] }], true);
    expect(res[0].errorCode).toBe(0);
    expect(await valueOf(conn, TOPIC, 'wire', 'segment.bytes')).toMatchObject({ value: '1073741824', configSource: 5 });
  });

  it('sets the cluster-wide default and a per-broker value, which topics inherit', async () => {
    const res = await incremental(conn, [
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: SET, value: '5000' }] },
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.segment.bytes', configOperation: SET, value: '2097152' }] },
    ]);
    expect(res.map((r) => r.errorCode)).toEqual([0, 0]);
    const retention = await valueOf(conn, TOPIC, 'wire', 'retention.ms');
    expect(retention).toMatchObject({ value: '5000', configSource: 3 });
    expect(retention.synonyms[0]).toEqual({ name: 'log.retention.ms', value: '5000', source: 3 });
    expect(await valueOf(conn, TOPIC, 'wire', 'segment.bytes')).toMatchObject({ value: '2097152', configSource: 2 });
    const clusterDefault = await describeConfigs(conn, BROKER, '');
    expect(clusterDefault.configs.map((c: Message) => [c.name, c.value, c.configSource])).toEqual([['log.retention.ms', '5000', 3]]);
    expect(await valueOf(conn, BROKER, '1', 'log.segment.bytes')).toMatchObject({ value: '2097152', configSource: 2, readOnly: false, configType: 3 });
    await clearBrokerConfigs();
    expect(await valueOf(conn, TOPIC, 'wire', 'retention.ms')).toMatchObject({ value: '604800000', configSource: 5 });
  });

  const clearBrokerConfigs = () =>
    incremental(conn, [
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: DELETE, value: null }] },
      { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.segment.bytes', configOperation: DELETE, value: null }] },
    ]);

  it('dynamic broker defaults reach the partition logs live', async () => {
    const log = () => kt.server.replicaManager.get('wire', 0)!.log.config;
    try {
      await incremental(conn, [
        { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.retention.ms', configOperation: SET, value: '5000' }] },
        { resourceType: BROKER, resourceName: '1', configs: [{ name: 'log.segment.bytes', configOperation: SET, value: '2097152' }] },
      ]);
      expect(log()).toMatchObject({ retentionMs: 5000, segmentBytes: 2097152 });
    } finally {
      await clearBrokerConfigs();
    }
    expect(log()).toMatchObject({ retentionMs: 604800000, segmentBytes: 1073741824 });
  });

  it('refuses broker keys that cannot change while running, and other nodes', async () => {
    const one = async (resourceName: string, name: string, value: string) =>
      (await incremental(conn, [{ resourceType: BROKER, resourceName, configs: [{ name, configOperation: SET, value }] }]))[0];
    expect(await one('', 'log.retention.hours', '1')).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Cannot update these configs dynamically: Set(log.retention.hours)',
    });
    expect(await one('', 'log.retention.ms', 'x')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await one('2', 'log.retention.ms', '1')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unexpected broker id, expected 1, but received 2' });
    expect(await one('one', 'log.retention.ms', '1')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Node id must be an integer, but it is: one' });
    expect((await describeConfigs(conn, BROKER, '2'))).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Unexpected broker id, expected 1 or empty string, but received 2',
      configs: [],
    });
  });

  it('BROKER_LOGGER: described as empty, changes refused with a clear error', async () => {
    expect(await describeConfigs(conn, BROKER_LOGGER, '1')).toMatchObject({ errorCode: 0, configs: [] });
    expect(await describeConfigs(conn, BROKER_LOGGER, '')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Broker id must not be empty' });
    const [res] = await incremental(conn, [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [{ name: 'kt', configOperation: SET, value: 'DEBUG' }] }]);
    expect(res.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(res.errorMessage).toMatch(/log levels/);
    const legacy = await conn.send(33, 2, { resources: [{ resourceType: BROKER_LOGGER, resourceName: '1', configs: [] }], validateOnly: false });
    expect(legacy.responses[0]).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown resource type 8' });
  });

  it('DescribeConfigs answers every version with the fields each has', async () => {
    // Fields a version lacks decode as their defaults; the ones it has carry the values.
    const v0 = await describeConfigs(conn, TOPIC, 'wire', ['segment.bytes', 'cleanup.policy'], 0);
    expect(v0.configs.map((c: Message) => [c.name, c.value, c.readOnly, c.isDefault, c.isSensitive, c.configSource])).toEqual([
      ['cleanup.policy', 'compact', false, false, false, -1],
      ['segment.bytes', '1073741824', false, true, false, -1],
    ]);
    const v1 = await describeConfigs(conn, TOPIC, 'wire', ['cleanup.policy'], 1);
    expect(v1.configs[0]).toMatchObject({
      name: 'cleanup.policy', value: 'compact', readOnly: false, isDefault: false, configSource: 1, isSensitive: false, configType: 0,
      synonyms: [{ name: 'cleanup.policy', value: 'compact', source: 1 }, { name: 'log.cleanup.policy', value: 'delete', source: 5 }],
    });
    const v4 = (await describeConfigs(conn, TOPIC, 'wire', ['cleanup.policy'], 4)).configs[0];
    expect(v4).toMatchObject({ configType: 7, configSource: 1 });
    expect(v4.documentation).toMatch(/^This config designates the retention policy/);
    expect(await describeConfigs(conn, TOPIC, 'no such topic!')).toMatchObject({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION });
    expect(await describeConfigs(conn, TOPIC, 'missing')).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null });
  });

  it('an unknown resource type fails the whole DescribeConfigs request, as in Kafka', async () => {
    const res = await conn.send(32, 4, {
      resources: [{ resourceType: TOPIC, resourceName: 'wire', configurationKeys: null }, { resourceType: 99, resourceName: 'x', configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(res.results.map((r: Message) => r.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });
});

describe('configs survive a restart', () => {
  it('topic overrides and dynamic broker configs come back from the metadata log', async () => {
    const dir = tempLogDir();
    const first = await startKt({ 'log.dirs': dir });
    const conn = await first.connect();
    await createTopic(conn, 'kept', [{ name: 'max.message.bytes', value: '5000' }]);
    await incremental(conn, [
      { resourceType: TOPIC, resourceName: 'kept', configs: [{ name: 'retention.ms', configOperation: SET, value: '77777' }] },
      { resourceType: BROKER, resourceName: '', configs: [{ name: 'log.segment.bytes', configOperation: SET, value: '3145728' }] },
    ]);
    await first.stop();

    const second = await startKt({ 'log.dirs': dir });
    try {
      const again = await second.connect();
      expect(await valueOf(again, TOPIC, 'kept', 'retention.ms')).toMatchObject({ value: '77777', configSource: 1 });
      expect(await valueOf(again, TOPIC, 'kept', 'max.message.bytes')).toMatchObject({ value: '5000', configSource: 1 });
      expect(await valueOf(again, TOPIC, 'kept', 'segment.bytes')).toMatchObject({ value: '3145728', configSource: 3 });
      expect(second.server.replicaManager.get('kept', 0)!.log.config).toMatchObject({ retentionMs: 77777, maxMessageBytes: 5000 });
    } finally {
      await second.stop();
    }
  });
});
