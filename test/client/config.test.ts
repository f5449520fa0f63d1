/** Bootstrap lists and producer/consumer configs parsed as the Java client parses them. */
import { describe, expect, it } from 'vitest';
import { parseBootstrap } from '../../src/engine/client/bootstrap.js';
import { consumerConfigFrom } from '../../src/engine/client/consumer-config.js';
import { ConfigError } from '../../src/engine/client/errors.js';
import { PRODUCER_DEFAULTS, producerConfigFrom } from '../../src/engine/client/producer-config.js';

describe('bootstrap servers', () => {
  it('parses host:port lists, IPv6 and listener prefixes', () => {
    expect(parseBootstrap()).toEqual([{ host: 'localhost', port: 9092 }]);
    expect(parseBootstrap('a:1, b:2')).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
    expect(parseBootstrap('[::1]:9093')).toEqual([{ host: '::1', port: 9093 }]);
    expect(parseBootstrap('PLAINTEXT://broker:9092')).toEqual([{ host: 'broker', port: 9092 }]);
  });

  it('refuses entries without a usable port', () => {
    expect(() => parseBootstrap('localhost')).toThrow(ConfigError);
    expect(() => parseBootstrap('localhost:99999')).toThrow(/Invalid port/);
    expect(() => parseBootstrap(' , ')).toThrow(/No resolvable bootstrap urls/);
  });
});

describe('producer config', () => {
  const parse = (entries: Record<string, string>) => producerConfigFrom(new Map(Object.entries(entries)));

  it('maps Kafka keys and keeps defaults', () => {
    const { config, unknown } = parse({ acks: 'all', 'linger.ms': '20', 'batch.size': '65536', 'compression.type': 'ZSTD', 'fancy.key': 'x', 'key.serializer': 'x' });
    expect(config.acks).toBe(-1);
    expect(config.lingerMs).toBe(20);
    expect(config.batchSize).toBe(65536);
    expect(config.compression).toBe(4);
    expect(config.maxInFlightRequestsPerConnection).toBe(PRODUCER_DEFAULTS.maxInFlightRequestsPerConnection);
    expect(unknown).toEqual(['fancy.key']);
    expect(parse({ acks: '0' }).config.acks).toBe(0);
    expect(parse({ acks: '1' }).config.acks).toBe(1);
  });

  it("rejects bad values with Kafka's wording", () => {
    expect(() => parse({ acks: '2' })).toThrow('Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1');
    expect(() => parse({ 'linger.ms': 'soon' })).toThrow('Invalid value soon for configuration linger.ms: Not a number of type INT');
    expect(() => parse({ 'compression.type': 'brotli' })).toThrow(/compression.type/);
    expect(() => parse({ 'batch.size': '-1' })).toThrow(/at least 0/);
  });
});

describe('consumer config', () => {
  it('parses isolation level, reset policy and fetch sizes', () => {
    const { config } = consumerConfigFrom(
      new Map([
        ['isolation.level', 'read_committed'],
        ['auto.offset.reset', 'earliest'],
        ['max.partition.fetch.bytes', '1024'],
        ['group.id', 'g1'],
        ['enable.auto.commit', 'FALSE'],
        ['partition.assignment.strategy', 'org.apache.kafka.clients.consumer.RoundRobinAssignor, range'],
      ]),
    );
    expect(config.groupId).toBe('g1');
    expect(config.enableAutoCommit).toBe(false);
    expect(config.partitionAssignmentStrategy).toEqual(['roundrobin', 'range']);
    expect(config.sessionTimeoutMs).toBe(45_000);
    expect(() => consumerConfigFrom(new Map([['partition.assignment.strategy', 'org.apache.kafka.clients.consumer.CooperativeStickyAssignor']]))).toThrow(
      /kt implements range and roundrobin/,
    );
    expect(config.isolationLevel).toBe('read_committed');
    expect(config.autoOffsetReset).toBe('earliest');
    expect(config.maxPartitionFetchBytes).toBe(1024);
    expect(() => consumerConfigFrom(new Map([['isolation.level', 'dirty']]))).toThrow(/isolation.level/);
  });
});
