/**
 * Real admin clients describe and alter configs on a real kt server: kafkajs (DescribeConfigs v2,
 * AlterConfigs v1) and confluent-kafka on librdkafka. Changes show in DescribeConfigs and reach the
 * partition logs live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { python } from '../helpers/processes.js';

const TOPIC = ConfigResourceTypes.TOPIC;
const BROKER = ConfigResourceTypes.BROKER;

describe('kafkajs admin configs', () => {
  let kt: RunningKt;
  let admin: Admin;
  beforeAll(async () => {
    kt = await startKt({ 'log.segment.bytes': '1048576', 'log.retention.hours': '24' });
    admin = new Kafka({ clientId: 'kt-test', brokers: [kt.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'js-a', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'js-b', numPartitions: 1 },
      ],
    });
  });
  afterAll(async () => {
    await admin?.disconnect();
    await kt?.stop();
  });

  const topicEntries = async (topic: string, configNames?: string[]) => {
    const res = await admin.describeConfigs({ resources: [{ type: TOPIC, name: topic, configNames }], includeSynonyms: true });
    expect(res.resources[0]).toMatchObject({ errorCode: 0, resourceName: topic });
    return new Map(res.resources[0].configEntries.map((e) => [e.configName, e]));
  };

  it('describes a topic: overrides, static server defaults and their synonyms', async () => {
    const entries = await topicEntries('js-a');
    expect(entries.size).toBe(36);
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'compact', configSource: 1, isDefault: false, readOnly: false, isSensitive: false });
    expect(entries.get('segment.bytes')).toMatchObject({ configValue: '1048576', configSource: 4, isDefault: false });
    expect(entries.get('segment.bytes')!.configSynonyms).toEqual([
      { configName: 'log.segment.bytes', configValue: '1048576', configSource: 4 },
      { configName: 'log.segment.bytes', configValue: '1073741824', configSource: 5 },
    ]);
    // Kafka lists retention.ms's synonyms only from log.retention.ms on; that key is not set here.
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '86400000', configSource: 5, isDefault: true, configSynonyms: [] });
  });

  it('describes this broker, filtered by name', async () => {
    const res = await admin.describeConfigs({
      resources: [{ type: BROKER, name: '1', configNames: ['log.retention.hours', 'log.retention.ms', 'num.partitions'] }],
      includeSynonyms: false,
    });
    const entries = res.resources[0].configEntries.map((e) => [e.configName, e.configValue, e.configSource, e.readOnly]);
    expect(entries).toEqual([
      ['log.retention.hours', '24', 4, true],
      ['log.retention.ms', null, 5, false],
      ['num.partitions', '1', 5, true],
    ]);
  });

  it('alterConfigs changes retention.ms live, replacing the other overrides as Kafka does', async () => {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: 'js-a', configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
    const entries = await topicEntries('js-a', ['retention.ms', 'cleanup.policy']);
    expect(entries.get('retention.ms')).toMatchObject({ configValue: '3600000', configSource: 1 });
    expect(entries.get('retention.ms')!.configSynonyms[0]).toEqual({ configName: 'retention.ms', configValue: '3600000', configSource: 1 });
    expect(entries.get('cleanup.policy')).toMatchObject({ configValue: 'delete', configSource: 5 });
    for (const p of [0, 1]) {
      const hosted = kt.server.replicaManager.get('js-a', p)!;
      expect(hosted.log.config.retentionMs).toBe(3600000);
      expect(hosted.log.config.cleanupPolicy).toEqual(['delete']);
    }
  });

  it('validateOnly checks without changing anything', async () => {
    await admin.alterConfigs({ validateOnly: true, resources: [{ type: TOPIC, name: 'js-b', configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
    expect((await topicEntries('js-b', ['retention.ms'])).get('retention.ms')).toMatchObject({ configValue: '86400000', configSource: 5 });
    expect(kt.server.replicaManager.get('js-b', 0)!.log.config.retentionMs).toBe(86400000);
    await expect(
      admin.alterConfigs({ validateOnly: true, resources: [{ type: TOPIC, name: 'js-b', configEntries: [{ name: 'retention.ms', value: 'x' }] }] }),
    ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
  });

  it("refuses bad values, unknown names and unknown topics with Kafka's codes", async () => {
    const alter = (name: string, configName: string, value: string) =>
      admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name, configEntries: [{ name: configName, value }] }] });
    await expect(alter('js-b', 'retention.ms', 'soon')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter('js-b', 'segment.bytes', '10')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter('js-b', 'no.such.config', '1')).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    await expect(alter('js-missing', 'retention.ms', '1')).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect((await topicEntries('js-b', ['retention.ms'])).get('retention.ms')!.configValue).toBe('86400000');
  });

  it('describing an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const res = await admin.describeConfigs({ resources: [{ type: TOPIC, name: 'js-missing' }], includeSynonyms: false }).catch((e) => e);
    expect(res).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});

describe('confluent-kafka AdminClient configs', () => {
  let kt: RunningKt;
  beforeAll(async () => {
    kt = await startKt({ 'message.max.bytes': '2000000' });
    const conn = await kt.connect();
    const res = await conn.send(19, 5, {
      topics: [{ name: 'py-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'segment.ms', value: '60000' }] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(res.topics[0].errorCode).toBe(0);
  });
  afterAll(() => kt?.stop());

  const script = (body: string) => `
import json, sys
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource
T = ConfigResource.Type
a = AdminClient({'bootstrap.servers': '${kt.bootstrap}'})
def describe(restype, name, keys):
    res = ConfigResource(restype, name)
    cfg = a.describe_configs([res], request_timeout=10)[res].result()
    return {k: {'value': v.value, 'source': v.source, 'default': v.is_default, 'read_only': v.is_read_only} for k, v in cfg.items() if k in keys}
def alter(name, configs):
    res = ConfigResource(T.TOPIC, name, set_config=configs)
    try:
        a.alter_configs([res], request_timeout=10)[res].result()
        return 'ok'
    except KafkaException as e:
        return [e.args[0].code(), e.args[0].str()]
${body}
`;

  it('describe_configs reads topic and broker configs', async () => {
    const res = await python(
      script(`print(json.dumps([describe(T.TOPIC, 'py-topic', ['segment.ms', 'max.message.bytes', 'retention.ms']), describe(T.BROKER, '1', ['message.max.bytes', 'log.segment.bytes'])]))`),
    );
    expect(res.code, res.stderr).toBe(0);
    const [topic, broker] = JSON.parse(res.stdout);
    expect(topic).toEqual({
      'segment.ms': { value: '60000', source: 1, default: false, read_only: false },
      'max.message.bytes': { value: '2000000', source: 4, default: false, read_only: false },
      'retention.ms': { value: '604800000', source: 5, default: true, read_only: false },
    });
    expect(broker).toEqual({
      'message.max.bytes': { value: '2000000', source: 4, default: false, read_only: false },
      'log.segment.bytes': { value: '1073741824', source: 5, default: true, read_only: false },
    });
  });

  it('alter_configs sets configs live and reports bad ones with INVALID_CONFIG', async () => {
    const res = await python(
      script(`print(json.dumps([alter('py-topic', {'retention.ms': '12345', 'segment.ms': '60000'}), alter('py-topic', {'retention.ms': 'abc'}), alter('py-topic', {'bogus.key': '1'}), describe(T.TOPIC, 'py-topic', ['retention.ms'])]))`),
    );
    expect(res.code, res.stderr).toBe(0);
    const [ok, badValue, unknown, after] = JSON.parse(res.stdout);
    expect(ok).toBe('ok');
    expect(badValue).toEqual([40, 'Invalid value abc for configuration retention.ms: Not a number of type LONG']);
    expect(unknown).toEqual([40, 'Unknown topic config name: bogus.key']);
    expect(after['retention.ms']).toMatchObject({ value: '12345', source: 1 });
    expect(kt.server.replicaManager.get('py-topic', 0)!.log.config).toMatchObject({ retentionMs: 12345, segmentMs: 60000 });
  });
});
