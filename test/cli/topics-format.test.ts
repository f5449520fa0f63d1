/** kafka-topics.sh's --topic filter and --describe lines. */
import { describe, expect, it } from 'vitest';
import { IncludeList, selectTopics } from '../../src/cli/topic-filter.js';
import { partitionLine, topicLine } from '../../src/cli/topic-describe.js';
import { oneLine } from '../../src/cli/base-command.js';

describe('topic filter', () => {
  const all = ['__consumer_offsets', 'orders', 'orders-dlq', 'payments', 'test.topic', 'testXtopic'];

  it('matches whole names with a regular expression; commas mean or', () => {
    expect(selectTopics(all, 'orders', false)).toEqual(['orders']);
    expect(selectTopics(all, 'orders.*', false)).toEqual(['orders', 'orders-dlq']);
    expect(selectTopics(all, 'orders,payments', false)).toEqual(['orders', 'payments']);
    expect(selectTopics(all, '"test\\.topic"', false)).toEqual(['test.topic']);
    expect(selectTopics(all, 'test.topic', false)).toEqual(['test.topic', 'testXtopic']);
  });

  it('drops internal topics only when asked', () => {
    expect(selectTopics(all, undefined, true)).not.toContain('__consumer_offsets');
    expect(selectTopics(all, '__.*', false)).toEqual(['__consumer_offsets']);
    expect(selectTopics(all, '__.*', true)).toEqual([]);
  });

  it('reports an invalid regex as Kafka does', () => {
    expect(() => new IncludeList('orders(')).toThrow('orders( is an invalid regex.');
  });
});

describe('describe lines', () => {
  const description = {
    name: 'quickstart-events',
    topicId: 'NPmZHyhbR9y00wMglMH2sg',
    isInternal: false,
    partitions: [{ partition: 0, leader: 1, replicas: [1, 2], isr: [1], elr: null, lastKnownElr: null }],
  };

  it('prints the topic line with non-default configs only', () => {
    const configs = [
      { name: 'cleanup.policy', value: 'compact', source: 1, isDefault: false, readOnly: false, isSensitive: false },
      { name: 'segment.bytes', value: '1073741824', source: 4, isDefault: false, readOnly: false, isSensitive: false },
      { name: 'retention.ms', value: '604800000', source: 5, isDefault: true, readOnly: false, isSensitive: false },
    ];
    expect(topicLine(description, configs)).toBe(
      'Topic: quickstart-events\tTopicId: NPmZHyhbR9y00wMglMH2sg\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,segment.bytes=1073741824',
    );
    expect(topicLine({ ...description, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }, [])).toBe('Topic: quickstart-events\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: ');
  });

  it('prints partition lines as Kafka 3.9 does, Elr included', () => {
    expect(partitionLine('quickstart-events', description.partitions[0]!)).toBe(
      '\tTopic: quickstart-events\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1\tElr: N/A\tLastKnownElr: N/A',
    );
    expect(partitionLine('t', { partition: 3, leader: -1, replicas: [1], isr: [], elr: [], lastKnownElr: [2] })).toBe(
      '\tTopic: t\tPartition: 3\tLeader: none\tReplicas: 1\tIsr: \tElr: \tLastKnownElr: 2',
    );
  });

  it('flattens error messages to one line', () => {
    expect(oneLine(new Error('Nonexistent flag: --x\nSee more help with --help'))).toBe('Nonexistent flag: --x');
    expect(oneLine(new Error('a\n  b'))).toBe('a; b');
  });
});
