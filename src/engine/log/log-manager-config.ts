/**
 * Broker-level (server.properties) settings of the log layer: where the logs live, the background
 * schedules, and the defaults for topic configs (`log.segment.bytes` -> `segment.bytes`, ...).
 */
import { DEFAULT_LOG_CONFIG, LogConfig, LogConfigError, parseLogConfig, SERVER_DEFAULT_NAMES, LONG_MAX } from './log-config.js';

export interface LogManagerConfig {
  /** log.dirs (or log.dir): one or more directories, each holding `<topic>-<partition>` dirs. */
  logDirs: string[];
  /** log.retention.check.interval.ms (default 5 minutes). */
  retentionCheckIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms (default 60 s): recovery-point-offset-checkpoint. */
  recoveryPointCheckpointIntervalMs: number;
  /** log.flush.start.offset.checkpoint.interval.ms (default 60 s): log-start-offset-checkpoint. */
  logStartOffsetCheckpointIntervalMs: number;
  /** replica.high.watermark.checkpoint.interval.ms (default 5 s): replication-offset-checkpoint. */
  highWatermarkCheckpointIntervalMs: number;
  /** log.cleaner.enable (default true). */
  cleanerEnable: boolean;
  /** log.cleaner.dedupe.buffer.size (default 128 MiB): memory for the cleaner's key -> offset map. */
  cleanerDedupeBufferSize: number;
  /** log.cleaner.io.buffer.load.factor (default 0.9). */
  cleanerLoadFactor: number;
  /** log.cleaner.backoff.ms (default 15 s): sleep when there is nothing to clean. */
  cleanerBackoffMs: number;
  /** producer.id.expiration.ms (default 1 day): a producer idle this long is forgotten (no open transaction). */
  producerIdExpirationMs: number;
  /** producer.id.expiration.check.interval.ms (default 10 minutes). */
  producerIdExpirationCheckIntervalMs: number;
  /** Defaults for every topic config, from the log.* server properties. */
  defaultLogConfig: LogConfig;
}

export const DEFAULT_LOG_MANAGER_CONFIG: Readonly<Omit<LogManagerConfig, 'logDirs'>> = Object.freeze({
  retentionCheckIntervalMs: 300_000,
  recoveryPointCheckpointIntervalMs: 60_000,
  logStartOffsetCheckpointIntervalMs: 60_000,
  highWatermarkCheckpointIntervalMs: 5_000,
  cleanerEnable: true,
  cleanerDedupeBufferSize: 128 * 1024 * 1024,
  cleanerLoadFactor: 0.9,
  cleanerBackoffMs: 15_000,
  producerIdExpirationMs: 86_400_000,
  producerIdExpirationCheckIntervalMs: 600_000,
  defaultLogConfig: DEFAULT_LOG_CONFIG,
});

const HOUR = 3_600_000;
const MINUTE = 60_000;

function num(props: Record<string, string | undefined>, name: string, fallback: number, min = 0): number {
  const raw = props[name];
  if (raw === undefined) return fallback;
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new LogConfigError(name, raw, `Invalid value ${raw} for configuration ${name}`);
  }
  return Math.min(n, LONG_MAX);
}

/**
 * Build the log layer's config from server properties, as Kafka's KafkaConfig does: log.dirs wins
 * over log.dir; log.retention.ms over .minutes over .hours; log.roll.ms over log.roll.hours.
 */
export function logManagerConfigFromServerProps(props: Record<string, string | undefined>): LogManagerConfig {
  const dirs = (props['log.dirs'] ?? props['log.dir'] ?? '/tmp/kafka-logs')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (dirs.length === 0) throw new LogConfigError('log.dirs', props['log.dirs'], 'log.dirs must name at least one directory');

  const topicProps: Record<string, string> = {};
  for (const [serverName, topicName] of SERVER_DEFAULT_NAMES) {
    const v = props[serverName];
    if (v !== undefined) topicProps[topicName] = v;
  }
  const derived = (msName: string, minutesName: string | undefined, hoursName: string, topicName: string): void => {
    if (props[msName] !== undefined) return;
    if (minutesName && props[minutesName] !== undefined) topicProps[topicName] = String(num(props, minutesName, 0, -1) * MINUTE);
    else if (props[hoursName] !== undefined) topicProps[topicName] = String(num(props, hoursName, 0, -1) * HOUR);
  };
  derived('log.retention.ms', 'log.retention.minutes', 'log.retention.hours', 'retention.ms');
  derived('log.roll.ms', undefined, 'log.roll.hours', 'segment.ms');
  derived('log.roll.jitter.ms', undefined, 'log.roll.jitter.hours', 'segment.jitter.ms');
  if (topicProps['retention.ms'] !== undefined && Number(topicProps['retention.ms']) < 0) topicProps['retention.ms'] = '-1';

  const defaults = parseLogConfig(topicProps);
  defaults.overrides = {}; // server defaults are not topic overrides
  const d = DEFAULT_LOG_MANAGER_CONFIG;
  return {
    logDirs: dirs,
    retentionCheckIntervalMs: num(props, 'log.retention.check.interval.ms', d.retentionCheckIntervalMs, 1),
    recoveryPointCheckpointIntervalMs: num(props, 'log.flush.offset.checkpoint.interval.ms', d.recoveryPointCheckpointIntervalMs),
    logStartOffsetCheckpointIntervalMs: num(props, 'log.flush.start.offset.checkpoint.interval.ms', d.logStartOffsetCheckpointIntervalMs),
    highWatermarkCheckpointIntervalMs: num(props, 'replica.high.watermark.checkpoint.interval.ms', d.highWatermarkCheckpointIntervalMs),
    cleanerEnable: (props['log.cleaner.enable'] ?? 'true').trim().toLowerCase() !== 'false',
    cleanerDedupeBufferSize: num(props, 'log.cleaner.dedupe.buffer.size', d.cleanerDedupeBufferSize, 1),
    cleanerLoadFactor: num(props, 'log.cleaner.io.buffer.load.factor', d.cleanerLoadFactor, 0),
    cleanerBackoffMs: num(props, 'log.cleaner.backoff.ms', d.cleanerBackoffMs),
    producerIdExpirationMs: num(props, 'producer.id.expiration.ms', d.producerIdExpirationMs, 1),
    producerIdExpirationCheckIntervalMs: num(props, 'producer.id.expiration.check.interval.ms', d.producerIdExpirationCheckIntervalMs, 1),
    defaultLogConfig: defaults,
  };
}
