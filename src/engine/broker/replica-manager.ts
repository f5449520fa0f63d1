/**
 * The partitions this broker hosts and the one place records enter or leave them.
 *
 * It follows the metadata image: when a PartitionRecord names this node as a replica the partition's
 * log is created (or reopened), a removed topic's logs are deleted, and config changes are applied
 * to the live logs. Produce validation lives here too — framing, magic, CRC, size limits, timestamps,
 * acks — so that no batch reaches a log without passing it.
 *
 * On one node every partition's ISR is this broker, so the high watermark follows the log end offset
 * as soon as an append is written. Replication (a later issue) moves that step behind follower
 * fetches without changing callers.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import type { LogManager } from '../log/log-manager.js';
import type { PartitionLog } from '../log/partition-log.js';
import { hasCompactPolicy, type LogConfig } from '../log/log-config.js';
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { MetadataChange } from '../metadata/replay.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { batchMaxTimestamp, BATCH_OVERHEAD, batchSizeAt, readInt64, validateBatches } from '../records/batch-header.js';
import { decodeBatch } from '../records/record-batch.js';
import { dataBuffers } from './buffer-pool.js';
import { FetchPurgatory } from './fetch-purgatory.js';

export type TopicConfigResolver = (topic: TopicImage, image: MetadataImage) => LogConfig;

export interface HostedPartition {
  topicName: string;
  topicId: string;
  partition: number;
  log: PartitionLog;
  config: LogConfig;
}

export interface AppendResult {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

const failed = (errorCode: number, errorMessage: string | null = null): AppendResult => ({
  errorCode,
  errorMessage,
  baseOffset: -1,
  logAppendTimeMs: -1,
  logStartOffset: -1,
});

export const hostKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export class ReplicaManager {
  private readonly hosted = new Map<string, HostedPartition>();
  readonly purgatory = new FetchPurgatory();

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly resolveConfig: TopicConfigResolver,
    private readonly log: Logger,
  ) {}

  get(topic: string, partition: number): HostedPartition | undefined {
    return this.hosted.get(hostKey(topic, partition));
  }

  all(): IterableIterator<HostedPartition> {
    return this.hosted.values();
  }

  /** Bring the hosted logs in line with a metadata change. */
  applyMetadata(change: MetadataChange, image: MetadataImage): void {
    for (const topic of change.deletedTopics) {
      for (const p of topic.partitions.keys()) {
        const key = hostKey(topic.name, p);
        if (!this.hosted.has(key)) continue;
        this.hosted.delete(key);
        this.logs.deleteLog(topic.name, p);
        this.purgatory.notify(key, Infinity);
      }
    }
    for (const { topic, partition } of change.createdPartitions) {
      const state = topic.partitions.get(partition);
      if (!state || !state.replicas.includes(this.nodeId) || !image.topicsById.has(topic.topicId)) continue;
      const config = this.resolveConfig(topic, image);
      const log = this.logs.getOrCreateLog(topic.name, partition, { topicId: topic.topicId, config });
      // Alone in the ISR, everything in the log is committed: a restart must not hide records that
      // were acknowledged before the last high-watermark checkpoint.
      if (this.isSoleReplica(state)) log.updateHighWatermark(log.logEndOffset);
      this.hosted.set(hostKey(topic.name, partition), { topicName: topic.name, topicId: topic.topicId, partition, log, config });
    }
    const reconfigure = change.changedBrokerConfigs ? [...image.topicsByName.values()] : change.changedTopicConfigs;
    for (const topic of reconfigure) {
      if (!image.topicsById.has(topic.topicId)) continue;
      const config = this.resolveConfig(topic, image);
      for (const p of topic.partitions.keys()) {
        const hosted = this.get(topic.name, p);
        if (!hosted) continue;
        hosted.config = config;
        hosted.log.setConfig(config);
      }
    }
  }

  /** The partition if this broker leads it, or the Kafka error a client should see. */
  leaderFor(image: MetadataImage, topic: string, partition: number): { hosted: HostedPartition; state: PartitionState } | { errorCode: number } {
    const state = image.topic(topic)?.partitions.get(partition);
    if (!state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (state.leader !== this.nodeId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const hosted = this.get(topic, partition);
    if (!hosted) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    return { hosted, state };
  }

  append(image: MetadataImage, topic: string, partition: number, records: Buffer | null, acks: number): AppendResult {
    const found = this.leaderFor(image, topic, partition);
    if ('errorCode' in found) return failed(found.errorCode);
    const { hosted, state } = found;
    if (acks === -1 && state.isr.length < hosted.config.minInsyncReplicas) {
      return failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${state.isr.length} is insufficient to satisfy the min.isr requirement of ${hosted.config.minInsyncReplicas} for partition ${topic}-${partition}`);
    }
    const problem = this.validate(hosted, records);
    if (problem) return problem;

    const nowMs = Date.now();
    const appended = hosted.log.append(records!, {
      leaderEpoch: state.leaderEpoch,
      // Pooled request memory is reused after the request; any other request buffer never changes.
      retainable: !dataBuffers.isLoaned(records!),
      timestampType: hosted.config.messageTimestampType,
      nowMs,
    });
    if (this.isSoleReplica(state)) hosted.log.updateHighWatermark(hosted.log.logEndOffset);
    this.purgatory.notify(hostKey(topic, partition), records!.length);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.baseOffset,
      logAppendTimeMs: appended.logAppendTimeMs,
      logStartOffset: appended.logStartOffset,
    };
  }

  private validate(hosted: HostedPartition, records: Buffer | null): AppendResult | undefined {
    if (!records || records.length === 0) return failed(ErrorCode.INVALID_RECORD, 'Produce request carries no record batch');
    const size = batchSizeAt(records, 0);
    if (size !== records.length) {
      return failed(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch');
    }
    const check = validateBatches(records, true);
    switch (check.kind) {
      case 'ok':
        break;
      case 'unsupported-magic':
        return failed(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Produce requests must contain record batches with magic 2, found magic ${check.magic}`);
      case 'truncated':
        return failed(ErrorCode.CORRUPT_MESSAGE, 'Record batch is truncated');
      default:
        return failed(ErrorCode.CORRUPT_MESSAGE, `Record batch is corrupt: ${check.reason}`);
    }
    if (records.length > hosted.config.maxMessageBytes) {
      return failed(ErrorCode.MESSAGE_TOO_LARGE, `The request included a message larger than the max message size the server will accept (${records.length} > ${hosted.config.maxMessageBytes})`);
    }
    if (records.length > hosted.config.segmentBytes) return failed(ErrorCode.RECORD_LIST_TOO_LARGE);
    if (hosted.config.messageTimestampType === 'CreateTime') {
      const now = Date.now();
      for (const ts of [readInt64(records, 27), batchMaxTimestamp(records)]) {
        if (ts < 0) continue;
        if (now - ts > hosted.config.messageTimestampBeforeMaxMs || ts - now > hosted.config.messageTimestampAfterMaxMs) {
          return failed(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${ts} of a record is out of range (message.timestamp.before.max.ms / after.max.ms)`);
        }
      }
    }
    if (hasCompactPolicy(hosted.config) && records.length > BATCH_OVERHEAD) {
      try {
        if (decodeBatch(records).records.some((r) => r.key === null)) {
          return failed(ErrorCode.INVALID_RECORD, 'Compacted topic cannot accept message without key in topic partition');
        }
      } catch (err) {
        return failed(ErrorCode.CORRUPT_MESSAGE, (err as Error).message);
      }
    }
    return undefined;
  }

  private isSoleReplica(state: PartitionState): boolean {
    return state.isr.length === 1 && state.isr[0] === this.nodeId;
  }

  /** Throws KafkaError for a partition that isn't ours; used by reads that only a leader serves. */
  requireLeader(image: MetadataImage, topic: string, partition: number): { hosted: HostedPartition; state: PartitionState } {
    const found = this.leaderFor(image, topic, partition);
    if ('errorCode' in found) throw new KafkaError(found.errorCode);
    return found;
  }

  close(): void {
    this.purgatory.wakeAll();
  }
}
