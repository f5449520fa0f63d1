/**
 * All partition logs of a broker (Kafka's LogManager): opens every `<topic>-<partition>` dir of
 * every log.dirs entry at start, creates and deletes logs, keeps the per-dir checkpoint files and
 * the clean-shutdown marker, and runs the background work (retention, checkpoints, the cleaner).
 *
 * Per log dir (see log-files.ts for the full layout):
 *   .kafka_cleanshutdown              {"version":0,"brokerEpoch":N}; written last on a clean
 *                                     shutdown, removed once the logs are loaded at start
 *   recovery-point-offset-checkpoint  flushed-up-to offset per partition (unclean start scans past it)
 *   log-start-offset-checkpoint       log start offset per partition (DeleteRecords, retention)
 *   replication-offset-checkpoint     high watermark per partition
 *   cleaner-offset-checkpoint         first dirty offset per compacted partition
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CheckpointFormatError, OffsetCheckpointFile } from './checkpoint-file.js';
import { LogCleaner } from './cleaner/log-cleaner.js';
import { LogClosedError, LogDirError } from './errors.js';
import type { LogConfig } from './log-config.js';
import { consoleLogger, type Clock, type LogLogger, Scheduler, systemClock } from './log-context.js';
import {
  atomicWriteFileSync,
  CLEANER_CHECKPOINT_FILE,
  CLEAN_SHUTDOWN_FILE,
  DELETE_DIR_SUFFIX,
  fsyncDir,
  HIGH_WATERMARK_CHECKPOINT_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  parsePartitionDirName,
  RECOVERY_POINT_CHECKPOINT_FILE,
  tpKey,
  unlinkIfExists,
} from './log-files.js';
import { DEFAULT_LOG_MANAGER_CONFIG, type LogManagerConfig } from './log-manager-config.js';
import { PartitionLog } from './partition-log.js';

export interface LogManagerOptions {
  config: Partial<LogManagerConfig> & { logDirs: string[] };
  /** Topic configs known at start (from the metadata image); default: config.defaultLogConfig. */
  topicConfig?: (topic: string) => LogConfig | undefined;
  logger?: LogLogger;
  clock?: Clock;
  brokerEpoch?: number;
  /** Per-partition tail cache (default 1 MiB). */
  tailCacheBytes?: number;
  /** Topics whose dirs the manager leaves alone (default: the KRaft metadata log). */
  ignoredTopics?: string[];
}

interface DirState {
  dir: string;
  hadCleanShutdown: boolean;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

export class LogManager {
  readonly config: LogManagerConfig;
  readonly logger: LogLogger;
  readonly clock: Clock;
  readonly scheduler = new Scheduler();
  /** Periodic checkpoint writes running off the event loop, chained so they never overlap. */
  private backgroundCheckpoints: Promise<void> = Promise.resolve();
  readonly cleaner: LogCleaner;
  private readonly dirs: DirState[];
  private readonly logs = new Map<string, { log: PartitionLog; dir: string }>();
  private readonly topicConfig: (topic: string) => LogConfig | undefined;
  private readonly topicConfigs = new Map<string, LogConfig>();
  private started = false;
  private closed = false;

  private constructor(private readonly opts: LogManagerOptions) {
    this.config = { ...DEFAULT_LOG_MANAGER_CONFIG, ...opts.config };
    this.logger = opts.logger ?? consoleLogger;
    this.clock = opts.clock ?? systemClock;
    this.topicConfig = opts.topicConfig ?? (() => undefined);
    this.dirs = this.config.logDirs.map((d) => ({ dir: path.resolve(d), hadCleanShutdown: false }));
    if (this.dirs.length === 0) throw new LogDirError('', 'log.dirs is empty');
    this.cleaner = new LogCleaner(this, {
      dedupeBufferSize: this.config.cleanerDedupeBufferSize,
      loadFactor: this.config.cleanerLoadFactor,
    });
  }

  /** Check every log dir, then load every partition in it (recovering after an unclean stop). */
  static open(opts: LogManagerOptions): LogManager {
    const m = new LogManager(opts);
    for (const d of m.dirs) checkLogDir(d.dir);
    for (const d of m.dirs) m.loadDir(d);
    return m;
  }

  private loadDir(d: DirState): void {
    const marker = path.join(d.dir, CLEAN_SHUTDOWN_FILE);
    d.hadCleanShutdown = fs.existsSync(marker);
    const rp = this.readCheckpoint(d.dir, RECOVERY_POINT_CHECKPOINT_FILE);
    const ls = this.readCheckpoint(d.dir, LOG_START_OFFSET_CHECKPOINT_FILE);
    const hw = this.readCheckpoint(d.dir, HIGH_WATERMARK_CHECKPOINT_FILE);
    const dirty = this.readCheckpoint(d.dir, CLEANER_CHECKPOINT_FILE);
    const ignored = new Set(this.opts.ignoredTopics ?? ['__cluster_metadata']);
    for (const entry of fs.readdirSync(d.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = path.join(d.dir, entry.name);
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        fs.rm(full, { recursive: true, force: true }, () => {});
        continue;
      }
      const tp = parsePartitionDirName(entry.name);
      if (!tp || ignored.has(tp.topic)) continue;
      const key = tpKey(tp.topic, tp.partition);
      const existing = this.logs.get(key);
      if (existing) throw new LogDirError(d.dir, `Duplicate log directories for ${key}: ${existing.dir} and ${d.dir}`);
      const start = Date.now();
      const log = openOrExplain(d.dir, full, () => PartitionLog.open(full, {
        topic: tp.topic,
        partition: tp.partition,
        config: this.configFor(tp.topic),
        recoveryPoint: rp.get(key),
        logStartOffset: ls.get(key),
        highWatermark: hw.get(key),
        hadCleanShutdown: d.hadCleanShutdown,
        context: { logger: this.logger, clock: this.clock, scheduler: this.scheduler },
        tailCacheBytes: this.opts.tailCacheBytes,
        producerIdExpirationMs: this.config.producerIdExpirationMs,
      }));
      if (!d.hadCleanShutdown) this.logger.info(`Loaded ${key} from ${d.dir} in ${Date.now() - start} ms (end offset ${log.logEndOffset})`);
      this.logs.set(key, { log, dir: d.dir });
      const firstDirty = dirty.get(key);
      if (firstDirty !== undefined) this.cleaner.setFirstDirtyOffset(log, firstDirty);
    }
    // From now on a crash is an unclean stop.
    unlinkIfExists(marker);
    fsyncDir(d.dir);
  }

  private readCheckpoint(dir: string, file: string): Map<string, number> {
    try {
      return new OffsetCheckpointFile(path.join(dir, file)).read();
    } catch (e) {
      if (!(e instanceof CheckpointFormatError)) throw new LogDirError(dir, `Cannot read ${path.join(dir, file)}: ${(e as Error).message}`, { cause: e });
      this.logger.warn(`${e.message}; ignoring it`);
      return new Map();
    }
  }

  private configFor(topic: string): LogConfig {
    return this.topicConfigs.get(topic) ?? this.topicConfig(topic) ?? this.config.defaultLogConfig;
  }

  /** Whether the given log dir (default: all) was shut down cleanly before this start. */
  hadCleanShutdown(dir?: string): boolean {
    const ds = dir === undefined ? this.dirs : this.dirs.filter((d) => d.dir === path.resolve(dir));
    return ds.length > 0 && ds.every((d) => d.hadCleanShutdown);
  }

  get logDirs(): string[] {
    return this.dirs.map((d) => d.dir);
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(tpKey(topic, partition))?.log;
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()].map((e) => e.log);
  }

  logsOfTopic(topic: string): PartitionLog[] {
    return this.allLogs().filter((l) => l.topic === topic);
  }

  /** The log dir holding a partition. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.logs.get(tpKey(topic, partition))?.dir;
  }

  /**
   * The partition's log, created (in the log dir with the fewest partitions) when missing. A
   * given `config` becomes the topic's config; `topicId` is recorded in partition.metadata.
   */
  getOrCreateLog(topic: string, partition: number, opts: { config?: LogConfig; topicId?: string | Buffer } = {}): PartitionLog {
    if (this.closed) throw new LogClosedError(tpKey(topic, partition));
    if (!LEGAL_TOPIC.test(topic) || topic === '.' || topic === '..') throw new Error(`Illegal topic name ${JSON.stringify(topic)}`);
    if (!Number.isInteger(partition) || partition < 0) throw new Error(`Illegal partition ${partition}`);
    if (opts.config) this.topicConfigs.set(topic, opts.config);
    const key = tpKey(topic, partition);
    const existing = this.logs.get(key);
    if (existing) {
      if (opts.config) existing.log.setConfig(opts.config);
      return existing.log;
    }
    const counts = new Map(this.dirs.map((d) => [d.dir, 0]));
    for (const e of this.logs.values()) counts.set(e.dir, (counts.get(e.dir) ?? 0) + 1);
    const dir = [...counts.entries()].sort((a, b) => a[1] - b[1])[0]![0];
    const full = path.join(dir, key);
    try {
      fs.mkdirSync(full, { recursive: true });
      fsyncDir(dir);
    } catch (e) {
      throw new LogDirError(dir, `Cannot create ${full}: ${(e as Error).message}`, { cause: e });
    }
    const log = PartitionLog.open(full, {
      topic,
      partition,
      config: this.configFor(topic),
      topicId: opts.topicId,
      hadCleanShutdown: true,
      context: { logger: this.logger, clock: this.clock, scheduler: this.scheduler },
      tailCacheBytes: this.opts.tailCacheBytes,
      producerIdExpirationMs: this.config.producerIdExpirationMs,
    });
    this.logs.set(key, { log, dir });
    return log;
  }

  /** Apply a topic's new config to all its partitions (AlterConfigs). */
  updateTopicConfig(topic: string, config: LogConfig): void {
    this.topicConfigs.set(topic, config);
    for (const l of this.logsOfTopic(topic)) l.setConfig(config);
  }

  /**
   * Delete a partition: its dir is renamed `<topic>-<partition>.<uuid>-delete` at once (so the
   * partition can be recreated) and removed in the background.
   */
  deleteLog(topic: string, partition: number): boolean {
    const key = tpKey(topic, partition);
    const e = this.logs.get(key);
    if (!e) return false;
    this.logs.delete(key);
    this.cleaner.forget(e.log);
    e.log.closeUncleanly();
    const doomed = path.join(e.dir, `${key}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`);
    fs.renameSync(e.log.dir, doomed);
    fsyncDir(e.dir);
    fs.rm(doomed, { recursive: true, force: true }, (err) => {
      if (err) this.logger.warn(`Could not remove ${doomed}: ${err.message}`);
    });
    return true;
  }

  /** Start the background schedules: retention, checkpoints and (if enabled) the cleaner. */
  startup(): void {
    if (this.started || this.closed) return;
    this.started = true;
    const guard = (what: string, fn: () => void) => () => {
      try {
        fn();
      } catch (e) {
        this.logger.error(`${what} failed: ${(e as Error).stack ?? e}`);
      }
    };
    const c = this.config;
    this.scheduler.every(c.retentionCheckIntervalMs, guard('Retention pass', () => this.runRetention()));
    // Recovery points and high watermarks only ever err low when a write lands late, which is safe
    // (more recovery scanning; a sole replica's high watermark is reset to its log end at start), so
    // their periodic writes run off the event loop. Log start offsets must not regress (deleted
    // records would reappear): written synchronously, in order with DeleteRecords and retention.
    this.scheduler.every(c.recoveryPointCheckpointIntervalMs, () => this.checkpointInBackground(RECOVERY_POINT_CHECKPOINT_FILE, (l) => l.recoveryPoint));
    this.scheduler.every(c.logStartOffsetCheckpointIntervalMs, guard('Log start offset checkpoint', () => this.checkpointLogStartOffsets()));
    this.scheduler.every(c.highWatermarkCheckpointIntervalMs, () => this.checkpointInBackground(HIGH_WATERMARK_CHECKPOINT_FILE, (l) => l.highWatermark));
    this.scheduler.every(c.producerIdExpirationCheckIntervalMs, guard('Producer id expiration', () => this.removeExpiredProducers()));
    if (c.cleanerEnable) this.cleaner.start(c.cleanerBackoffMs);
  }

  /** Forget producers idle for producer.id.expiration.ms on every log; returns how many. */
  removeExpiredProducers(nowMs = this.clock.now()): number {
    let n = 0;
    for (const log of this.allLogs()) if (!log.isClosed) n += log.removeExpiredProducers(nowMs);
    return n;
  }

  /** One retention pass over every log; returns the number of segments deleted. */
  runRetention(nowMs = this.clock.now()): number {
    let n = 0;
    for (const log of this.allLogs()) if (!log.isClosed) n += log.deleteOldSegments(nowMs);
    if (n > 0) this.checkpointLogStartOffsets();
    return n;
  }

  private checkpointEntries(dir: string, value: (log: PartitionLog) => number | undefined): { topic: string; partition: number; offset: number }[] {
    const entries: { topic: string; partition: number; offset: number }[] = [];
    for (const e of this.logs.values()) {
      if (e.dir !== dir) continue;
      const offset = value(e.log);
      if (offset !== undefined) entries.push({ topic: e.log.topic, partition: e.log.partition, offset });
    }
    return entries;
  }

  private writeCheckpoint(file: string, value: (log: PartitionLog) => number | undefined): void {
    for (const d of this.dirs) {
      try {
        new OffsetCheckpointFile(path.join(d.dir, file)).write(this.checkpointEntries(d.dir, value));
      } catch (err) {
        throw new LogDirError(d.dir, `Cannot write ${path.join(d.dir, file)}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  /** Queue a checkpoint written off the event loop; one at a time, values taken when its turn comes. */
  private checkpointInBackground(file: string, value: (log: PartitionLog) => number | undefined): void {
    this.backgroundCheckpoints = this.backgroundCheckpoints.then(async () => {
      for (const d of this.dirs) {
        if (this.closed) return;
        const target = path.join(d.dir, file);
        try {
          await new OffsetCheckpointFile(target).writeInBackground(this.checkpointEntries(d.dir, value));
        } catch (err) {
          this.logger.error(`Cannot write ${target}: ${(err as Error).message}`);
        }
      }
    });
  }

  checkpointRecoveryPoints(): void {
    this.writeCheckpoint(RECOVERY_POINT_CHECKPOINT_FILE, (l) => l.recoveryPoint);
  }

  checkpointLogStartOffsets(): void {
    this.writeCheckpoint(LOG_START_OFFSET_CHECKPOINT_FILE, (l) => l.logStartOffset);
  }

  checkpointHighWatermarks(): void {
    this.writeCheckpoint(HIGH_WATERMARK_CHECKPOINT_FILE, (l) => l.highWatermark);
  }

  checkpointCleanerOffsets(): void {
    this.writeCheckpoint(CLEANER_CHECKPOINT_FILE, (l) => this.cleaner.firstDirtyOffset(l));
  }

  checkpointAll(): void {
    this.checkpointRecoveryPoints();
    this.checkpointLogStartOffsets();
    this.checkpointHighWatermarks();
    this.checkpointCleanerOffsets();
  }

  flushAll(): void {
    for (const log of this.allLogs()) if (!log.isClosed) log.flush();
  }

  /** Clean shutdown: stop background work, flush and close every log, checkpoint, write the marker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.cancelAll();
    // A background checkpoint renaming its file after the final one below would leave older values.
    await this.backgroundCheckpoints;
    await this.cleaner.stop();
    for (const log of this.allLogs()) await log.awaitBackgroundFlushes();
    for (const log of this.allLogs()) log.close();
    this.checkpointAll();
    const content = JSON.stringify({ version: 0, brokerEpoch: this.opts.brokerEpoch ?? -1 });
    for (const d of this.dirs) atomicWriteFileSync(path.join(d.dir, CLEAN_SHUTDOWN_FILE), content);
  }

  /** What SIGKILL leaves behind: files released, nothing flushed, trimmed or checkpointed (tests). */
  crashForTesting(): void {
    this.closed = true;
    this.scheduler.cancelAll();
    void this.cleaner.stop();
    for (const log of this.allLogs()) log.closeUncleanly();
  }
}

function openOrExplain(dir: string, partitionDir: string, open: () => PartitionLog): PartitionLog {
  try {
    return open();
  } catch (e) {
    if (e instanceof LogDirError) throw e;
    throw new LogDirError(dir, `Cannot load the log in ${partitionDir}: ${(e as Error).message}`, { cause: e });
  }
}

/** A log dir must exist (created if needed) and be writable; otherwise a clear error naming it. */
function checkLogDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    const probe = path.join(dir, `.kt-write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
  } catch (e) {
    throw new LogDirError(dir, `Log directory ${dir} is not usable: ${(e as Error).message}`, { cause: e });
  }
}
