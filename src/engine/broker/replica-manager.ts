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
 *
 * Idempotent and transactional batches (producer id >= 0) take a second path: KIP-890's check that a
 * transactional batch's partition is in the producer's ongoing transaction (synchronously, so no
 * marker can land between the check and the append), then the log's producer-state checks, whose
 * refusals (ProducerStateError) become the Kafka error they name. A retry of one of the producer's
 * last batches is answered as Kafka does: NONE with the offset the batch got the first time.
 * Transaction markers enter here too (appendMarker), for the transaction coordinator and
 * WriteTxnMarkers.
 */
import type { BrokerConfig } from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import type { LogManager } from '../log/log-manager.js';
import type { PartitionLog } from '../log/partition-log.js';
import type { MarkerOptions } from '../log/partition-log-types.js';
import { ProducerStateError } from '../log/errors.js';
import { hasCompactPolicy, type LogConfig } from '../log/log-config.js';
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { MetadataChange } from '../metadata/replay.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import {
  batchAttributes,
  batchMaxTimestamp,
  BATCH_OVERHEAD,
  batchSizeAt,
  isControl,
  isTransactional,
  readInt64,
  validateBatches,
} from '../records/batch-header.js';
import { decodeBatch } from '../records/record-batch.js';
import { dataBuffers } from './buffer-pool.js';
import { FetchPurgatory, StableBytes } from './fetch-purgatory.js';

export type TopicConfigResolver = (topic: TopicImage, image: MetadataImage) => LogConfig;

export interface HostedPartition {
  topicName: string;
  topicId: string;
  partition: number;
  log: PartitionLog;
  config: LogConfig;
  /** Wake-up accounting for read_committed long polls. */
  stableBytes: StableBytes;
}

/** Asks the transaction coordinator whether a partition is in the producer's ongoing transaction (KIP-890). */
export type PartitionVerifier = (transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number) => number;

export interface ProduceAppendOptions {
  /** 'client' (default): a produce request, fully validated; 'coordinator': a coordinator's own records. */
  origin?: 'client' | 'coordinator';
  /** The produce request's transactional id; with `verifyPartition`, transactional batches are verified. */
  transactionalId?: string | null;
  verifyPartition?: PartitionVerifier;
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

/** The size of a COMMIT/ABORT batch: the 61-byte header and one small control record. */
const MARKER_BATCH_BYTES = 78;

const errorNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));
const errorName = (code: number): string => errorNames.get(code) ?? String(code);

/** The code of a Kafka error name a lower layer gave (ProducerStateError.code). */
export function errorCodeOf(name: string): number {
  return (ErrorCode as Record<string, number>)[name] ?? ErrorCode.UNKNOWN_SERVER_ERROR;
}

export const hostKey = (topic: string, partition: number): string => `${topic}-${partition}`;

export class ReplicaManager {
  private readonly hosted = new Map<string, HostedPartition>();
  readonly purgatory = new FetchPurgatory();
  /** transaction.partition.verification.enable (KIP-890 part 1). */
  private readonly verifyTransactions: boolean;

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    private readonly config: BrokerConfig,
    private readonly resolveConfig: TopicConfigResolver,
    private readonly log: Logger,
  ) {
    this.verifyTransactions = config.bool('transaction.partition.verification.enable');
  }

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
      this.hosted.set(hostKey(topic.name, partition), {
        topicName: topic.name,
        topicId: topic.topicId,
        partition,
        log,
        config,
        stableBytes: new StableBytes(),
      });
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

  append(image: MetadataImage, topic: string, partition: number, records: Buffer | null, acks: number, opts?: ProduceAppendOptions): AppendResult {
    const found = this.leaderFor(image, topic, partition);
    if ('errorCode' in found) return failed(found.errorCode);
    const { hosted, state } = found;
    if (acks === -1 && state.isr.length < hosted.config.minInsyncReplicas) {
      return failed(ErrorCode.NOT_ENOUGH_REPLICAS, `The size of the current ISR ${state.isr.length} is insufficient to satisfy the min.isr requirement of ${hosted.config.minInsyncReplicas} for partition ${topic}-${partition}`);
    }
    const fromClient = opts?.origin !== 'coordinator';
    const problem = this.validate(hosted, records, fromClient);
    if (problem) return problem;

    // validate() checked that `records` is exactly one magic-2 batch; plain batches skip this.
    const producerId = readInt64(records!, 43);
    if (producerId >= 0 && fromClient) {
      const refused = this.verifyTransactional(hosted, records!, producerId, opts);
      if (refused) return refused;
    }
    const nowMs = Date.now();
    let appended;
    try {
      appended = hosted.log.append(records!, {
        leaderEpoch: state.leaderEpoch,
        // Pooled request memory is reused after the request; any other request buffer never changes.
        retainable: !dataBuffers.isLoaned(records!),
        timestampType: hosted.config.messageTimestampType,
        nowMs,
        origin: fromClient ? 'client' : 'coordinator',
      });
    } catch (err) {
      if (err instanceof ProducerStateError) return failed(errorCodeOf(err.code), err.message);
      throw err;
    }
    if (!appended.duplicate) this.afterWrite(hosted, state, records!.length);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.baseOffset,
      logAppendTimeMs: appended.logAppendTimeMs,
      logStartOffset: appended.logStartOffset,
    };
  }

  /**
   * KIP-890 part 1, as Kafka's ReplicaManager.handleProduceAppend: a transactional batch for a
   * partition where the producer has no ongoing transaction must have been added to the transaction
   * at the coordinator. The coordinator's retriable answers become NOT_ENOUGH_REPLICAS (Produce
   * v11 and older clients retry it without refreshing metadata), INVALID_TXN_STATE gets Kafka's message.
   */
  private verifyTransactional(hosted: HostedPartition, records: Buffer, producerId: number, opts: ProduceAppendOptions | undefined): AppendResult | undefined {
    if (!this.verifyTransactions || !isTransactional(batchAttributes(records))) return undefined;
    const transactionalId = opts?.transactionalId;
    if (!transactionalId || !opts.verifyPartition) return undefined;
    if (hosted.log.hasOngoingTransaction(producerId)) return undefined;
    const producerEpoch = records.readInt16BE(51);
    const code = opts.verifyPartition(transactionalId, producerId, producerEpoch, hosted.topicName, hosted.partition);
    switch (code) {
      case ErrorCode.NONE:
        return undefined;
      case ErrorCode.INVALID_TXN_STATE:
        return failed(code, 'Partition was not added to the transaction');
      case ErrorCode.NETWORK_EXCEPTION:
      case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
      case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      case ErrorCode.NOT_COORDINATOR:
      case ErrorCode.CONCURRENT_TRANSACTIONS:
        return failed(ErrorCode.NOT_ENOUGH_REPLICAS, `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(code)}`);
      default:
        return failed(code);
    }
  }

  /**
   * Write a COMMIT or ABORT marker for a producer's transaction into a partition this broker leads
   * (the transaction coordinator's marker writer and WriteTxnMarkers). Returns the error code:
   * UNKNOWN_TOPIC_OR_PARTITION for a partition not hosted here, NOT_LEADER_OR_FOLLOWER for one it
   * does not lead, NOT_ENOUGH_REPLICAS below min.insync.replicas, or what the producer state
   * refuses (an old coordinator or producer epoch).
   */
  appendMarker(image: MetadataImage, topic: string, partition: number, marker: Omit<MarkerOptions, 'leaderEpoch'>): { errorCode: number; errorMessage: string | null } {
    const hosted = this.get(topic, partition);
    const state = image.topic(topic)?.partitions.get(partition);
    if (!hosted || !state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null };
    if (state.leader !== this.nodeId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null };
    // Kafka appends markers with acks=-1, so min.insync.replicas applies as to any such produce.
    if (state.isr.length < hosted.config.minInsyncReplicas) {
      return { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, errorMessage: `The size of the current ISR ${state.isr.length} is insufficient to satisfy the min.isr requirement of ${hosted.config.minInsyncReplicas} for partition ${topic}-${partition}` };
    }
    const before = hosted.log.logEndOffset;
    try {
      hosted.log.appendMarker({ ...marker, leaderEpoch: state.leaderEpoch });
    } catch (err) {
      if (err instanceof ProducerStateError) return { errorCode: errorCodeOf(err.code), errorMessage: err.message };
      throw err;
    }
    // A marker batch is small; its size is only used for read_uncommitted wake-ups.
    this.afterWrite(hosted, state, hosted.log.logEndOffset > before ? MARKER_BATCH_BYTES : 0);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /** After a write: advance the high watermark (alone in the ISR) and wake the fetches it satisfies. */
  private afterWrite(hosted: HostedPartition, state: PartitionState, bytes: number): void {
    const log = hosted.log;
    if (this.isSoleReplica(state)) log.updateHighWatermark(log.logEndOffset);
    const stable = hosted.stableBytes.written(bytes, log.logEndOffset, log.lastStableOffset);
    this.purgatory.notify(hostKey(hosted.topicName, hosted.partition), bytes, stable);
  }

  private validate(hosted: HostedPartition, records: Buffer | null, fromClient: boolean): AppendResult | undefined {
    if (!records || records.length === 0) return failed(ErrorCode.INVALID_RECORD, 'Produce request carries no record batch');
    const size = batchSizeAt(records, 0);
    if (size !== records.length) {
      return failed(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch');
    }
    // A coordinator's own batch was built in this process a moment ago: its CRC needs no re-check.
    const check = validateBatches(records, fromClient);
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
    if (fromClient) {
      // Kafka's LogValidator.validateBatch rules for client batches.
      if (isControl(batchAttributes(records))) {
        return failed(ErrorCode.INVALID_RECORD, `Clients are not allowed to write control records in topic partition ${hosted.topicName}-${hosted.partition}`);
      }
      const producerId = readInt64(records, 43);
      const baseSequence = records.readInt32BE(53);
      if (producerId >= 0 && baseSequence < 0) {
        return failed(ErrorCode.INVALID_RECORD, `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId} in topic partition ${hosted.topicName}-${hosted.partition}`);
      }
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
    // Coordinator records always have keys; only client batches are decoded to look for a null one.
    if (fromClient && hasCompactPolicy(hosted.config) && records.length > BATCH_OVERHEAD) {
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
