/** The durable log store: public surface for the broker. */
export * from './errors.js';
export * from './log-config.js';
export * from './log-manager-config.js';
export { consoleLogger, systemClock, Scheduler, type Clock, type LogLogger, type LogContext } from './log-context.js';
export { LogManager, type LogManagerOptions } from './log-manager.js';
export {
  PartitionLog,
  DEFAULT_TAIL_CACHE_BYTES,
  type AbortedTxn,
  type AppendOptions,
  type AppendResult,
  type MarkerOptions,
  type ProducerSummary,
  type PartitionLogOptions,
  type ReadOptions,
  type ReadResult,
  type TimestampAndOffset,
} from './partition-log.js';
export { LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from './leader-epoch-cache.js';
export { LogCleaner, type CleanableState } from './cleaner/log-cleaner.js';
export type { CleanResult } from './cleaner/cleaner.js';
export { LogSegment } from './log-segment.js';
export { TransactionIndex, type AbortedTxnEntry } from './transaction-index.js';
export { ProducerStateManager } from './producer-state/producer-state-manager.js';
export { OffsetIndex } from './offset-index.js';
export { TimeIndex } from './time-index.js';
export { OffsetCheckpointFile, LeaderEpochCheckpointFile } from './checkpoint-file.js';
export { topicIdToString, readPartitionMetadata } from './partition-metadata.js';
