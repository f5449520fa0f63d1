/**
 * How a broker resolves topic-config defaults and what DescribeConfigs reports: values, sources and
 * synonyms in Kafka's order, for topics, this broker and the cluster-wide default.
 */
import { describe, expect, it } from 'vitest';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { LONG_MAX } from '../../src/engine/log/log-config.js';
import { MetadataImage, type TopicImage } from '../../src/engine/metadata/image.js';
import { brokerLogDefaults, checkServerLogConfig, describeBrokerConfigs, describeTopicConfigs, effectiveTopicConfig, type DescribeOptions } from '../../src/engine/broker/topic-configs.js';
import { ConfigSource as S, ConfigTypeId } from '../../src/engine/broker/configs/server-keys.js';

const ALL: DescribeOptions = { keys: null, includeSynonyms: true, includeDocumentation: false };

function setup(staticProps: Record<string, string> = {}, dynamic: Record<string, string> = {}, topicConfigs: Record<string, string> = {}) {
  const config = new BrokerConfig(new Map(Object.entries(staticProps)));
  const image = new MetadataImage('cluster', 1);
  for (const [k, v] of Object.entries(dynamic)) image.brokerConfigs.set(k, v);
  const topic: TopicImage = { name: 't', topicId: 'id', partitions: new Map(), configs: new Map(Object.entries(topicConfigs)) };
  image.putTopic(topic);
  return { config, image, topic };
}

const describeOne = (name: string, ...args: Parameters<typeof setup>) => {
  const { config, image, topic } = setup(...args);
  return describeTopicConfigs(topic, config, image, 1, { ...ALL, keys: [name] })[0];
};

describe('brokerLogDefaults', () => {
  it('takes Kafka defaults when nothing is set', () => {
    const { config, image } = setup();
    const d = brokerLogDefaults(config, image, 1);
    expect(d.segmentBytes).toBe(1073741824);
    expect(d.retentionMs).toBe(604800000);
    expect(d.segmentMs).toBe(604800000);
    expect(d.flushMs).toBe(LONG_MAX);
    expect(d.cleanupPolicy).toEqual(['delete']);
    expect(d.overrides).toEqual({});
  });

  it('maps server keys to topic configs', () => {
    const { config, image } = setup({
      'log.segment.bytes': '1048576',
      'log.roll.hours': '2',
      'log.flush.interval.ms': '1000',
      'log.flush.interval.messages': '10',
      'log.cleanup.policy': 'compact',
      'message.max.bytes': '2000',
      'min.insync.replicas': '2',
      'compression.type': 'zstd',
      'log.message.timestamp.type': 'LogAppendTime',
      'log.preallocate': 'true',
    });
    const d = brokerLogDefaults(config, image, 1);
    expect(d).toMatchObject({
      segmentBytes: 1048576,
      segmentMs: 2 * 3600000,
      flushMs: 1000,
      flushMessages: 10,
      cleanupPolicy: ['compact'],
      maxMessageBytes: 2000,
      minInsyncReplicas: 2,
      compressionType: 'zstd',
      messageTimestampType: 'LogAppendTime',
      preallocate: true,
    });
  });

  it('gives retention ms over minutes over hours, and any negative as -1', () => {
    const retention = (props: Record<string, string>) => brokerLogDefaults(setup(props).config, setup().image, 1).retentionMs;
    expect(retention({ 'log.retention.hours': '1' })).toBe(3600000);
    expect(retention({ 'log.retention.hours': '1', 'log.retention.minutes': '5' })).toBe(300000);
    expect(retention({ 'log.retention.hours': '1', 'log.retention.minutes': '5', 'log.retention.ms': '7' })).toBe(7);
    expect(retention({ 'log.retention.ms': '-5' })).toBe(-1);
    expect(retention({ 'log.retention.hours': '-1' })).toBe(-1);
  });

  it('puts per-broker dynamic configs over the cluster default over static ones', () => {
    const statics = { 'log.retention.ms': '1000' };
    expect(brokerLogDefaults(setup(statics).config, setup(statics).image, 1).retentionMs).toBe(1000);
    const withDefault = setup(statics, { 'log.retention.ms': '2000' });
    expect(brokerLogDefaults(withDefault.config, withDefault.image, 1).retentionMs).toBe(2000);
    const perBroker = setup(statics, { 'log.retention.ms': '2000', '1:log.retention.ms': '3000', '2:log.retention.ms': '4000' });
    expect(brokerLogDefaults(perBroker.config, perBroker.image, 1).retentionMs).toBe(3000);
    expect(brokerLogDefaults(perBroker.config, perBroker.image, 2).retentionMs).toBe(4000);
  });

  it('ignores stored dynamic values of keys that cannot change at runtime', () => {
    const { config, image } = setup({}, { 'log.retention.hours': '1' });
    expect(brokerLogDefaults(config, image, 1).retentionMs).toBe(604800000);
  });

  it('checkServerLogConfig refuses malformed static keys', () => {
    expect(() => checkServerLogConfig(new BrokerConfig(new Map([['log.preallocate', 'maybe']])))).toThrow(
      'Invalid value maybe for configuration log.preallocate: Expected value to be either true or false',
    );
    expect(() => checkServerLogConfig(new BrokerConfig(new Map([['compression.zstd.level', '99']])))).toThrow('Value must be no more than 22');
    expect(() => checkServerLogConfig(new BrokerConfig(new Map([['log.segment.bytes', '4096']])))).not.toThrow();
  });
});

describe('effectiveTopicConfig', () => {
  it('overlays topic overrides on the broker defaults', () => {
    const { config, image, topic } = setup({ 'log.segment.bytes': '1048576', 'log.retention.ms': '5000' }, {}, { 'retention.ms': '100' });
    const c = effectiveTopicConfig(topic, config, image, 1);
    expect(c.retentionMs).toBe(100);
    expect(c.segmentBytes).toBe(1048576);
    expect(c.overrides).toEqual({ 'retention.ms': '100' });
  });
});

describe('describeTopicConfigs', () => {
  it('lists every topic config Kafka 3.9 has, sorted', () => {
    const { config, image, topic } = setup();
    const entries = describeTopicConfigs(topic, config, image, 1, ALL);
    expect(entries).toHaveLength(36);
    expect(entries.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    expect(entries.every((e) => !e.readOnly && !e.isSensitive)).toBe(true);
  });

  it('reports a topic override first, then the broker synonyms by source', () => {
    const e = describeOne('retention.ms', { 'log.retention.ms': '5000' }, { 'log.retention.ms': '6000' }, { 'retention.ms': '100' });
    expect(e).toMatchObject({ value: '100', configSource: S.TopicConfig, isDefault: false, configType: ConfigTypeId.LONG });
    expect(e.synonyms).toEqual([
      { name: 'retention.ms', value: '100', source: S.TopicConfig },
      { name: 'log.retention.ms', value: '6000', source: S.DynamicDefaultBrokerConfig },
      { name: 'log.retention.ms', value: '5000', source: S.StaticBrokerConfig },
      { name: 'log.retention.hours', value: '168', source: S.DefaultConfig },
    ]);
  });

  it('shows a static server default with the definition default after it', () => {
    const e = describeOne('segment.bytes', { 'log.segment.bytes': '1048576' });
    expect(e).toMatchObject({ value: '1048576', configSource: S.StaticBrokerConfig, configType: ConfigTypeId.INT });
    expect(e.synonyms).toEqual([
      { name: 'log.segment.bytes', value: '1048576', source: S.StaticBrokerConfig },
      { name: 'log.segment.bytes', value: '1073741824', source: S.DefaultConfig },
    ]);
  });

  it('drops retention synonyms until log.retention.ms appears, as Kafka does', () => {
    // Kafka's configSynonyms keeps synonyms from the first one named like the key, so with only
    // log.retention.hours set, a topic's retention.ms has no synonyms and a DEFAULT_CONFIG source.
    const e = describeOne('retention.ms', { 'log.retention.hours': '1' });
    expect(e).toMatchObject({ value: '3600000', configSource: S.DefaultConfig, isDefault: true, synonyms: [] });
    const perBroker = describeOne('retention.ms', {}, { '1:log.retention.ms': '42' });
    expect(perBroker).toMatchObject({ value: '42', configSource: S.DynamicBrokerConfig });
    expect(perBroker.synonyms.map((s) => [s.name, s.source])).toEqual([
      ['log.retention.ms', S.DynamicBrokerConfig],
      ['log.retention.hours', S.DefaultConfig],
    ]);
  });

  it('formats values as Kafka prints them', () => {
    expect(describeOne('flush.ms').value).toBe('9223372036854775807');
    expect(describeOne('min.cleanable.dirty.ratio', {}, {}, { 'min.cleanable.dirty.ratio': '1' }).value).toBe('1.0');
    expect(describeOne('cleanup.policy', {}, {}, { 'cleanup.policy': 'compact, delete' }).value).toBe('compact,delete');
    expect(describeOne('cleanup.policy')).toMatchObject({ configType: ConfigTypeId.LIST });
    expect(describeOne('compression.gzip.level', { 'compression.gzip.level': '5' })).toMatchObject({ value: '5', configSource: S.StaticBrokerConfig });
    expect(describeOne('message.downconversion.enable', {}, { 'log.message.downconversion.enable': 'false' })).toMatchObject({
      value: 'false',
      configSource: S.DynamicDefaultBrokerConfig,
    });
  });

  it('leaves synonyms and documentation out unless asked', () => {
    const { config, image, topic } = setup({ 'log.segment.bytes': '1048576' });
    const [bare] = describeTopicConfigs(topic, config, image, 1, { keys: ['segment.bytes'], includeSynonyms: false, includeDocumentation: false });
    expect(bare).toMatchObject({ synonyms: [], documentation: null, configSource: S.StaticBrokerConfig });
    const [doc] = describeTopicConfigs(topic, config, image, 1, { keys: ['segment.bytes'], includeSynonyms: false, includeDocumentation: true });
    expect(doc.documentation).toMatch(/^This configuration controls the segment file size for the log/);
  });

  it('filters by name and skips names it does not know', () => {
    const { config, image, topic } = setup();
    const names = describeTopicConfigs(topic, config, image, 1, { ...ALL, keys: ['segment.ms', 'nope', 'retention.bytes'] }).map((e) => e.name);
    expect(names).toEqual(['retention.bytes', 'segment.ms']);
    expect(describeTopicConfigs(topic, config, image, 1, { ...ALL, keys: [] })).toHaveLength(36);
  });
});

describe('describeBrokerConfigs', () => {
  it('describes every key of this broker with its source and whether it can change', () => {
    const { config, image } = setup({ 'log.retention.hours': '24', listeners: 'PLAINTEXT://127.0.0.1:0' }, { 'log.segment.bytes': '2097152' });
    const byName = new Map(describeBrokerConfigs(config, image, 1, '1', ALL).map((e) => [e.name, e]));
    expect(byName.get('log.retention.ms')).toMatchObject({ value: null, configSource: S.DefaultConfig, readOnly: false, synonyms: [] });
    expect(byName.get('log.retention.hours')).toMatchObject({ value: '24', configSource: S.StaticBrokerConfig, readOnly: true });
    expect(byName.get('log.retention.hours')!.synonyms).toEqual([
      { name: 'log.retention.hours', value: '24', source: S.StaticBrokerConfig },
      { name: 'log.retention.hours', value: '168', source: S.DefaultConfig },
    ]);
    expect(byName.get('log.segment.bytes')).toMatchObject({ value: '2097152', configSource: S.DynamicDefaultBrokerConfig, readOnly: false });
    expect(byName.get('listeners')).toMatchObject({ value: 'PLAINTEXT://127.0.0.1:0', configSource: S.StaticBrokerConfig, readOnly: true });
    expect(byName.get('auto.create.topics.enable')).toMatchObject({ value: 'true', configSource: S.DefaultConfig, configType: ConfigTypeId.BOOLEAN });
    expect(byName.get('log.preallocate')).toMatchObject({ value: 'false', configSource: S.DefaultConfig });
  });

  it('describes the cluster default as only what was set dynamically there', () => {
    const { config, image } = setup({ 'log.segment.bytes': '1048576' }, { 'log.segment.bytes': '2097152', '1:log.retention.ms': '5' });
    const entries = describeBrokerConfigs(config, image, 1, '', ALL);
    expect(entries).toEqual([
      {
        name: 'log.segment.bytes',
        value: '2097152',
        readOnly: false,
        isDefault: false,
        configSource: S.DynamicDefaultBrokerConfig,
        isSensitive: false,
        synonyms: [{ name: 'log.segment.bytes', value: '2097152', source: S.DynamicDefaultBrokerConfig }],
        configType: ConfigTypeId.INT,
        documentation: null,
      },
    ]);
  });

  it('hides the values of keys it does not know, as Kafka does', () => {
    const { config, image } = setup({}, { 'custom.plugin.key': 'secret' });
    const [e] = describeBrokerConfigs(config, image, 1, '1', { ...ALL, keys: ['custom.plugin.key'] });
    expect(e).toMatchObject({ value: null, isSensitive: true, readOnly: true, configType: ConfigTypeId.UNKNOWN });
    expect(e.synonyms).toEqual([{ name: 'custom.plugin.key', value: null, source: S.DynamicDefaultBrokerConfig }]);
  });
});
