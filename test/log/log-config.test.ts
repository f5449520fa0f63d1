import { describe, expect, test } from 'vitest';
import {
  DEFAULT_LOG_CONFIG,
  describeLogConfig,
  formatLogConfigValue,
  LogConfigError,
  LONG_MAX,
  parseLogConfig,
} from '../../src/engine/log/log-config.js';
import { logManagerConfigFromServerProps } from '../../src/engine/log/log-manager-config.js';

describe('LogConfig', () => {
  test("Kafka's defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toMatchObject({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      segmentIndexBytes: 10485760,
      indexIntervalBytes: 4096,
      retentionMs: 604800000,
      retentionBytes: -1,
      cleanupPolicy: ['delete'],
      deleteRetentionMs: 86400000,
      minCompactionLagMs: 0,
      maxCompactionLagMs: LONG_MAX,
      minCleanableDirtyRatio: 0.5,
      flushMessages: LONG_MAX,
      flushMs: LONG_MAX,
      fileDeleteDelayMs: 60000,
      segmentJitterMs: 0,
      maxMessageBytes: 1048588,
      messageTimestampType: 'CreateTime',
    });
    expect(formatLogConfigValue('flush.ms', DEFAULT_LOG_CONFIG)).toBe('9223372036854775807');
  });

  test('parses string maps onto a base, recording overrides', () => {
    const c = parseLogConfig({ 'cleanup.policy': 'compact,delete', 'segment.bytes': '1048576', 'min.cleanable.dirty.ratio': '0.1', 'flush.messages': '9223372036854775807' });
    expect(c.cleanupPolicy).toEqual(['compact', 'delete']);
    expect(c.segmentBytes).toBe(1048576);
    expect(c.minCleanableDirtyRatio).toBe(0.1);
    expect(c.flushMessages).toBe(LONG_MAX);
    expect(c.overrides).toEqual({ 'cleanup.policy': 'compact,delete', 'segment.bytes': '1048576', 'min.cleanable.dirty.ratio': '0.1', 'flush.messages': '9223372036854775807' });
    const reverted = parseLogConfig({ 'segment.bytes': null }, c);
    expect(reverted.segmentBytes).toBe(DEFAULT_LOG_CONFIG.segmentBytes);
    expect(describeLogConfig(reverted).find((e) => e.name === 'segment.bytes')).toEqual({ name: 'segment.bytes', value: '1073741824', isDefault: true });
    expect(describeLogConfig(reverted).find((e) => e.name === 'cleanup.policy')?.isDefault).toBe(false);
  });

  test.each([
    ['segment.bytes', '13', /at least 14/],
    ['segment.bytes', '3000000000', /INT/],
    ['retention.ms', '-2', /at least -1/],
    ['retention.ms', 'soon', /LONG/],
    ['cleanup.policy', 'compact,shred', /shred/],
    ['message.timestamp.type', 'Now', /CreateTime, LogAppendTime/],
    ['min.cleanable.dirty.ratio', '1.5', /no more than 1/],
    ['preallocate', 'yes', /true or false/],
    ['no.such.config', '1', /Unknown topic config/],
  ])('refuses %s=%s', (name, value, message) => {
    let err: unknown;
    try {
      parseLogConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LogConfigError);
    expect((err as LogConfigError).configName).toBe(name);
    expect((err as Error).message).toMatch(message);
  });

  test('cross-field validation', () => {
    expect(() => parseLogConfig({ 'min.compaction.lag.ms': '10', 'max.compaction.lag.ms': '5' })).toThrow(/conflict/);
  });

  test('server properties give the topic defaults', () => {
    const c = logManagerConfigFromServerProps({
      'log.dirs': '/a, /b',
      'log.retention.hours': '1',
      'log.segment.bytes': '1000',
      'log.cleaner.dedupe.buffer.size': '1024',
      'log.retention.check.interval.ms': '10',
    });
    expect(c.logDirs).toEqual(['/a', '/b']);
    expect(c.defaultLogConfig.retentionMs).toBe(3_600_000);
    expect(c.defaultLogConfig.segmentBytes).toBe(1000);
    expect(c.defaultLogConfig.overrides).toEqual({});
    expect(c.cleanerDedupeBufferSize).toBe(1024);
    expect(c.retentionCheckIntervalMs).toBe(10);
    expect(logManagerConfigFromServerProps({ 'log.retention.ms': '5', 'log.retention.hours': '1' }).defaultLogConfig.retentionMs).toBe(5);
  });
});
