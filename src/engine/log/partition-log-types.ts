/** What the broker passes to and gets from a PartitionLog. */
import type { LogConfig } from './log-config.js';
import type { LogContext } from './log-context.js';

export interface AppendOptions {
  leaderEpoch: number;
  /** Defaults to the topic's message.timestamp.type. */
  timestampType?: 'CreateTime' | 'LogAppendTime';
  nowMs?: number;
  /**
   * The caller never changes or reuses the memory of `records` after the append (a request's own
   * buffer, not pooled memory): the tail cache may keep views of it instead of copies.
   */
  retainable?: boolean;
  /**
   * Who is appending: 'client' (a produce request: idempotent/transactional batches are checked
   * against the producer state — epoch, sequence, duplicates) or 'coordinator' (a coordinator's own
   * records, never sequence-checked). Default 'client'.
   */
  origin?: 'client' | 'coordinator';
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker time stamped into the batches under LogAppendTime, else -1. */
  logAppendTimeMs: number;
  logStartOffset: number;
  /** Largest batch max timestamp in this append (-1 if none). */
  maxTimestamp: number;
  /**
   * The batch was a retry of one of the producer's last five batches: nothing was appended and
   * baseOffset/lastOffset are those the batch got the first time (Kafka answers the retry with them).
   */
  duplicate?: boolean;
}

/** A COMMIT or ABORT control batch ending a producer's transaction on this partition. */
export interface MarkerOptions {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  leaderEpoch: number;
  nowMs?: number;
  /**
   * The transaction version the coordinator runs (KIP-890): 2 means it bumped the producer epoch
   * for this marker, which must then be newer than the producer's. Default 0.
   */
  transactionVersion?: number;
}

/** An aborted transaction overlapping a fetch (Fetch v4+ AbortedTransactions). */
export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
}

/** One producer as DescribeProducers reports it. */
export interface ProducerSummary {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of the producer's open transaction on this partition, -1 when none. */
  currentTxnStartOffset: number;
}

export interface ReadOptions {
  /** Exclusive upper bound: batches whose last offset is >= maxOffset are not returned (e.g. the high watermark). */
  maxOffset?: number;
  /** Return the first batch even when it alone exceeds maxBytes (default true, as Kafka's first partition). */
  minOneBatch?: boolean;
  /**
   * Where large reads from the files go (default: fresh memory). The fetch path passes its buffer
   * pool; a caller that keeps any part of the result beyond its response must not.
   */
  allocate?: (size: number) => Buffer;
}

export interface ReadResult {
  /** Whole batches, ready to send. Read-only: may be shared with the log's tail cache. */
  records: Buffer;
  /** Base offset of the first batch returned (may be below the requested offset), -1 when empty. */
  firstOffset: number;
  /** Offset after the last batch returned (the requested offset when empty). */
  nextOffset: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  lastStableOffset: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
  /** Leader epoch of the batch holding it, -1 if unknown. */
  leaderEpoch: number;
}

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  config: LogConfig;
  topicId?: string | Buffer;
  /** From recovery-point-offset-checkpoint (default 0: an unclean open scans everything). */
  recoveryPoint?: number;
  /** From log-start-offset-checkpoint. */
  logStartOffset?: number;
  /** From replication-offset-checkpoint. */
  highWatermark?: number;
  /** The log dir had a clean-shutdown marker: trust the files without scanning them. */
  hadCleanShutdown?: boolean;
  context?: Partial<LogContext>;
  /** Bytes of recently appended batches kept in memory for tail reads (default 1 MiB). */
  tailCacheBytes?: number;
  /** producer.id.expiration.ms (default 1 day). */
  producerIdExpirationMs?: number;
}
