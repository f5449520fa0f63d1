/**
 * The controller's decisions on config changes: resulting values, Kafka's error codes and messages,
 * and the ConfigRecords a change commits.
 */
import { describe, expect, it } from 'vitest';
import { AlterOp, planConfigChange, type ConfigChange } from '../../src/engine/controller/config-control.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { ConfigResourceType } from '../../src/engine/metadata/record-types.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';

function image(topicConfigs: Record<string, string> = {}, brokerConfigs: Record<string, string> = {}): MetadataImage {
  const img = new MetadataImage('cluster', 1);
  img.putTopic({ name: 't', topicId: 'id', partitions: new Map(), configs: new Map(Object.entries(topicConfigs)) });
  img.brokers.set(1, { nodeId: 1, endpoints: [], rack: null, fenced: false });
  for (const [k, v] of Object.entries(brokerConfigs)) img.brokerConfigs.set(k, v);
  return img;
}

const set = (name: string, value: string | null): ConfigChange => ({ name, op: AlterOp.Set, value });
const op = (o: AlterOp, name: string, value: string | null = null): ConfigChange => ({ name, op: o, value });

const topic = (img: MetadataImage, changes: ConfigChange[], replaceAll = false, name = 't') =>
  planConfigChange(img, 1, { resourceType: ConfigResourceType.Topic, resourceName: name, changes, replaceAll });
const broker = (img: MetadataImage, changes: ConfigChange[], name = '', replaceAll = false) =>
  planConfigChange(img, 1, { resourceType: ConfigResourceType.Broker, resourceName: name, changes, replaceAll });
const written = (plan: ReturnType<typeof planConfigChange>) => plan.records.map((r) => [r.data.name, r.data.value]);

describe('topic config changes', () => {
  it('sets and deletes overrides, writing records only for what changes', () => {
    const plan = topic(image({ 'retention.ms': '100', 'segment.ms': '5000' }), [set('retention.ms', '200'), set('segment.ms', '5000'), op(AlterOp.Delete, 'flush.ms')]);
    expect(plan).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null });
    expect(written(plan)).toEqual([['retention.ms', '200']]);
    expect(plan.records[0].data).toMatchObject({ resourceType: ConfigResourceType.Topic, resourceName: 't' });
  });

  it('answers bad values and unknown names with INVALID_CONFIG and Kafka\'s messages', () => {
    expect(topic(image(), [set('retention.ms', 'abc')])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    });
    expect(topic(image(), [set('segment.bytes', '1')])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value 1 for configuration segment.bytes: Value must be at least 14',
    });
    expect(topic(image(), [set('no.such.config', '1')])).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown topic config name: no.such.config' });
    expect(topic(image(), [set('min.compaction.lag.ms', '10'), set('max.compaction.lag.ms', '5')]).errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('appends to and subtracts from list configs, starting from the default', () => {
    expect(written(topic(image(), [op(AlterOp.Append, 'cleanup.policy', 'compact')]))).toEqual([['cleanup.policy', 'delete,compact']]);
    expect(written(topic(image({ 'cleanup.policy': 'compact,delete' }), [op(AlterOp.Subtract, 'cleanup.policy', 'delete')]))).toEqual([['cleanup.policy', 'compact']]);
    expect(topic(image(), [op(AlterOp.Append, 'retention.ms', '1')])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: "Can't APPEND to key retention.ms because its type is not LIST.",
    });
  });

  it('answers a missing topic after validating, and a bad name first', () => {
    expect(topic(image(), [set('retention.ms', '1')], false, 'missing')).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
    });
    expect(topic(image(), [set('retention.ms', 'x')], false, 'missing').errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(topic(image(), [], false, 'bad/name').errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(topic(image(), [], false, '')).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Default topic resources are not allowed.' });
  });

  it('legacy AlterConfigs replaces the whole set, deleting what it leaves out', () => {
    const plan = topic(image({ 'retention.ms': '100', 'segment.ms': '5000' }), [set('segment.bytes', '1048576'), set('segment.ms', '5000')], true);
    expect(written(plan)).toEqual([
      ['segment.bytes', '1048576'],
      ['retention.ms', null],
    ]);
  });

  it('deleting a config that is not set is a no-op, as in Kafka', () => {
    expect(topic(image(), [op(AlterOp.Delete, 'whatever')])).toMatchObject({ errorCode: ErrorCode.NONE, records: [] });
  });
});

describe('broker config changes', () => {
  it('accepts dynamic keys for the cluster default and for this broker', () => {
    const plan = broker(image(), [set('log.retention.ms', '1000')]);
    expect(plan.errorCode).toBe(ErrorCode.NONE);
    expect(plan.records.map((r) => r.data)).toEqual([{ resourceType: ConfigResourceType.Broker, resourceName: '', name: 'log.retention.ms', value: '1000' }]);
    expect(broker(image(), [set('log.segment.bytes', '1048576')], '1').records[0].data.resourceName).toBe('1');
  });

  it('writes a record for every named key even when unchanged (KAFKA-14136)', () => {
    expect(written(broker(image({}, { 'log.retention.ms': '5' }), [set('log.retention.ms', '5')]))).toEqual([['log.retention.ms', '5']]);
  });

  it('refuses read-only keys and bad values with INVALID_REQUEST, as Kafka does', () => {
    expect(broker(image(), [set('log.retention.hours', '1'), set('num.partitions', '3')])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Cannot update these configs dynamically: Set(log.retention.hours, num.partitions)',
    });
    expect(broker(image(), [set('log.retention.ms', 'soon')])).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Invalid value soon for configuration log.retention.ms: Not a number of type LONG',
    });
    expect(broker(image(), [set('compression.type', 'brotli')]).errorMessage).toBe(
      'Invalid value brotli for configuration compression.type: String must be one of: producer, uncompressed, gzip, snappy, lz4, zstd',
    );
  });

  it('accepts keys it does not know, which Kafka keeps for plugins', () => {
    expect(broker(image(), [set('custom.plugin.key', 'x')]).errorCode).toBe(ErrorCode.NONE);
  });

  it('appends to list keys from their default and refuses it for others', () => {
    expect(written(broker(image(), [op(AlterOp.Append, 'log.cleanup.policy', 'compact')]))).toEqual([['log.cleanup.policy', 'delete,compact']]);
    expect(broker(image(), [op(AlterOp.Append, 'log.retention.ms', '1')])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Config value append is not allowed for config key: log.retention.ms',
    });
  });

  it('checks that a named broker exists', () => {
    expect(broker(image(), [set('log.retention.ms', '1')], '7')).toMatchObject({ errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, errorMessage: 'No node with id 7 found.' });
    expect(broker(image(), [set('log.retention.ms', '1')], 'x').errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('legacy AlterConfigs on a broker deletes the keys it leaves out', () => {
    const plan = broker(image({}, { 'log.retention.ms': '5', 'log.segment.bytes': '1048576', '1:log.retention.ms': '9' }), [set('log.retention.ms', '6')], '', true);
    expect(written(plan)).toEqual([
      ['log.retention.ms', '6'],
      ['log.segment.bytes', null],
    ]);
  });
});
