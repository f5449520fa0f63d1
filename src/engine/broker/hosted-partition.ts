/**
 * A partition this broker holds a replica of, and what an append answers. Shared by the replica
 * manager, the produce checks and the fetch path.
 */
import type { LogConfig } from '../log/log-config.js';
import type { PartitionLog } from '../log/partition-log.js';
import type { StableBytes } from './fetch-purgatory.js';
import type { LeaderReplicas } from './replication/leader-replicas.js';

export interface HostedPartition {
  topicName: string;
  topicId: string;
  partition: number;
  log: PartitionLog;
  config: LogConfig;
  /** Wake-up accounting for read_uncommitted long polls: bytes that came below the high watermark. */
  visibleBytes: StableBytes;
  /** Wake-up accounting for read_committed long polls: bytes that came below the last stable offset. */
  stableBytes: StableBytes;
  /** Set while this broker leads the partition: its followers, ISR and high watermark. */
  leader?: LeaderReplicas;
}

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  /** The last offset of the batch (of the original batch for a retried duplicate); -1 when nothing was appended. */
  lastOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export const failed = (errorCode: number, errorMessage: string | null = null): AppendResult => ({
  errorCode,
  errorMessage,
  baseOffset: -1,
  lastOffset: -1,
  logAppendTimeMs: -1,
  logStartOffset: -1,
});

export const hostKey = (topic: string, partition: number): string => `${topic}-${partition}`;
