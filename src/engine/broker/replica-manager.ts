/**
 * The partitions this broker hosts and the one place records enter or leave them.
 *
 * It follows the metadata image: when a PartitionRecord names this node as a replica the partition's
 * log is created (or reopened), a removed topic's logs are deleted, and config changes are applied
 * to the live logs. Produce validation lives here too — framing, magic, CRC, size limits, timestamps,
 * acks — so that no batch reaches a log without passing it.
 *
 * Replication (replication/replication.ts) follows the metadata's leadership deltas: a partition
 * led here tracks its followers and moves the high watermark to what the ISR has (at once when the
 * ISR is this broker alone); a partition followed here is fetched from its leader. acks=all writes
 * wait for the high watermark through awaitReplication.
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
import type { MarkerOptions } from '../log/partition-log-types.js';
import { ProducerStateError } from '../log/errors.js';
import type { LogConfig } from '../log/log-config.js';
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { MetadataChange } from '../metadata/replay.js';
import type { Message } from '../protocol/codec.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { batchAttributes, isTransactional, readInt64 } from '../records/batch-header.js';
import { dataBuffers } from './buffer-pool.js';
import { FetchPurgatory, StableBytes } from './fetch-purgatory.js';
import { failed, hostKey, type AppendResult, type HostedPartition } from './hosted-partition.js';
import { validateProduce } from './produce-validation.js';
import { Replication } from './replication/replication.js';

export { hostKey, type AppendResult, type HostedPartition } from './hosted-partition.js';

export type TopicConfigResolver = (topic: TopicImage, image: MetadataImage) => LogConfig;

/** Asks the transaction coordinator whether a partition is in the producer's ongoing transaction (KIP-890). */
export type PartitionVerifier = (transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number) => number;

export interface ProduceAppendOptions {
  /** 'client' (default): a produce request, fully validated; 'coordinator': a coordinator's own records. */
  origin?: 'client' | 'coordinator';
  /** The produce request's transactional id; with `verifyPartition`, transactional batches are verified. */
  transactionalId?: string | null;
  verifyPartition?: PartitionVerifier;
}

/** The size of a COMMIT/ABORT batch: the 61-byte header and one small control record. */
const MARKER_BATCH_BYTES = 78;

const errorNames = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));
const errorName = (code: number): string => errorNames.get(code) ?? String(code);

/** The code of a Kafka error name a lower layer gave (ProducerStateError.code). */
export function errorCodeOf(name: string): number {
  return (ErrorCode as Record<string, number>)[name] ?? ErrorCode.UNKNOWN_SERVER_ERROR;
}

export class ReplicaManager {
  private readonly hosted = new Map<string, HostedPartition>();
  readonly purgatory = new FetchPurgatory();
  readonly replication: Replication;
  /** transaction.partition.verification.enable (KIP-890 part 1). */
  private readonly verifyTransactions: boolean;

  constructor(
    private readonly nodeId: number,
    private readonly logs: LogManager,
    config: BrokerConfig,
    private readonly resolveConfig: TopicConfigResolver,
    log: Logger,
    deps: { metadata(): MetadataImage; alterPartition(request: Message): Promise<Message> },
  ) {
    this.verifyTransactions = config.bool('transaction.partition.verification.enable');
    this.replication = new Replication({ nodeId, config, log, metadata: deps.metadata, alterPartition: deps.alterPartition, fetches: this.purgatory });
  }

  get(topic: string, partition: number): HostedPartition | undefined {
    return this.hosted.get(hostKey(topic, partition));
  }

  all(): IterableIterator<HostedPartition> {
    return this.hosted.values();
  }

  /** Bring the hosted logs and their leader/follower roles in line with a metadata change. */
  applyMetadata(change: MetadataChange, image: MetadataImage): void {
    for (const topic of change.deletedTopics) {
      for (const p of topic.partitions.keys()) this.dropReplica(topic.name, p);
    }
    const joined: HostedPartition[] = [];
    for (const { topic, partition } of change.createdPartitions) {
      const state = topic.partitions.get(partition);
      if (!state || !state.replicas.includes(this.nodeId) || !image.topicsById.has(topic.topicId)) continue;
      this.host(topic, partition, state, image);
    }
    for (const { topic, partition } of change.changedPartitions) {
      const state = topic.partitions.get(partition);
      if (!state || image.topicsById.get(topic.topicId) !== topic) continue;
      const hosted = this.get(topic.name, partition);
      if (!state.replicas.includes(this.nodeId)) {
        // Reassigned away from this broker.
        if (hosted) this.dropReplica(topic.name, partition);
      } else if (!hosted) {
        // Reassigned onto this broker: a new replica, which follows (or, rarely, leads) from here.
        joined.push(this.host(topic, partition, state, image));
      } else {
        this.replication.metadataChanged(hosted, state);
      }
    }
    for (const { topic, partition } of change.becameLeader) {
      const hosted = this.get(topic.name, partition);
      const state = topic.partitions.get(partition);
      if (hosted && state) this.replication.becomeLeader(hosted, state);
    }
    for (const { topic, partition } of change.becameFollower) {
      const hosted = this.get(topic.name, partition);
      const state = topic.partitions.get(partition);
      if (hosted && state) this.replication.becomeFollower(hosted, state);
    }
    for (const hosted of joined) {
      const state = image.topicsById.get(hosted.topicId)?.partitions.get(hosted.partition);
      if (!state || hosted.leader) continue;
      if (state.leader === this.nodeId) this.replication.becomeLeader(hosted, state);
      else this.replication.becomeFollower(hosted, state);
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

  private host(topic: TopicImage, partition: number, state: PartitionState, image: MetadataImage): HostedPartition {
    const existing = this.get(topic.name, partition);
    if (existing) return existing;
    const config = this.resolveConfig(topic, image);
    const log = this.logs.getOrCreateLog(topic.name, partition, { topicId: topic.topicId, config });
    // Alone in the ISR, everything in the log is committed: a restart must not hide records that
    // were acknowledged before the last high-watermark checkpoint.
    if (state.isr.length === 1 && state.isr[0] === this.nodeId && state.leader === this.nodeId) log.updateHighWatermark(log.logEndOffset);
    const hosted: HostedPartition = {
      topicName: topic.name,
      topicId: topic.topicId,
      partition,
      log,
      config,
      visibleBytes: new StableBytes(),
      stableBytes: new StableBytes(),
    };
    this.hosted.set(hostKey(topic.name, partition), hosted);
    return hosted;
  }

  private dropReplica(topic: string, partition: number): void {
    const key = hostKey(topic, partition);
    const hosted = this.hosted.get(key);
    if (!hosted) return;
    this.replication.stop(hosted);
    this.hosted.delete(key);
    this.logs.deleteLog(topic, partition);
    this.purgatory.notify(key, Infinity);
  }

  /** The partition if this broker leads it, or the Kafka error a client should see. */
  leaderFor(image: MetadataImage, topic: string, partition: number): { hosted: HostedPartition; state: PartitionState } | { errorCode: number } {
    const state = image.topic(topic)?.partitions.get(partition);
    if (!state) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    if (state.leader !== this.nodeId) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    const hosted = this.get(topic, partition);
    if (!hosted?.leader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER };
    return { hosted, state };
  }

  append(image: MetadataImage, topic: string, partition: number, records: Buffer | null, acks: number, opts?: ProduceAppendOptions): AppendResult {
    const found = this.leaderFor(image, topic, partition);
    if ('errorCode' in found) return failed(found.errorCode);
    const { hosted } = found;
    const leader = hosted.leader!;
    if (acks === -1 && leader.isr.length < hosted.config.minInsyncReplicas) return failed(ErrorCode.NOT_ENOUGH_REPLICAS, notEnoughReplicas(leader.isr.length, hosted));
    const fromClient = opts?.origin !== 'coordinator';
    const problem = validateProduce(hosted, records, fromClient);
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
        leaderEpoch: leader.leaderEpoch,
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
    if (!appended.duplicate) this.replication.afterAppend(hosted, records!.length);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset: appended.baseOffset,
      lastOffset: appended.lastOffset,
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
    const leader = hosted.leader;
    if (state.leader !== this.nodeId || !leader) return { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null };
    // Kafka appends markers with acks=-1, so min.insync.replicas applies as to any such produce.
    if (leader.isr.length < hosted.config.minInsyncReplicas) return { errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, errorMessage: notEnoughReplicas(leader.isr.length, hosted) };
    const before = hosted.log.logEndOffset;
    try {
      hosted.log.appendMarker({ ...marker, leaderEpoch: leader.leaderEpoch });
    } catch (err) {
      if (err instanceof ProducerStateError) return { errorCode: errorCodeOf(err.code), errorMessage: err.message };
      throw err;
    }
    // A marker batch is small; its size is only used for read_uncommitted wake-ups.
    this.replication.afterAppend(hosted, hosted.log.logEndOffset > before ? MARKER_BATCH_BYTES : 0);
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  }

  /**
   * acks=all: resolves with an ErrorCode once the partition's high watermark reaches
   * `requiredOffset` (the offset after the write): NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when
   * the ISR fell below min.insync.replicas meanwhile; REQUEST_TIMED_OUT after `timeoutMs`;
   * NOT_LEADER_OR_FOLLOWER when this broker stops leading it first (or does not lead it).
   */
  awaitReplication(topic: string, partition: number, requiredOffset: number, timeoutMs: number): Promise<number> {
    return Promise.resolve(this.replicated(topic, partition, requiredOffset, timeoutMs));
  }

  /** awaitReplication without a promise when the answer is already known (the produce path). */
  replicated(topic: string, partition: number, requiredOffset: number, timeoutMs: number): number | Promise<number> {
    const hosted = this.get(topic, partition);
    if (!hosted) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return this.replication.awaitReplication(hosted, requiredOffset, timeoutMs);
  }

  /** Throws KafkaError for a partition that isn't ours; used by reads that only a leader serves. */
  requireLeader(image: MetadataImage, topic: string, partition: number): { hosted: HostedPartition; state: PartitionState } {
    const found = this.leaderFor(image, topic, partition);
    if ('errorCode' in found) throw new KafkaError(found.errorCode);
    return found;
  }

  close(): void {
    this.replication.close();
    this.purgatory.wakeAll();
  }
}

function notEnoughReplicas(isrSize: number, hosted: HostedPartition): string {
  return `The size of the current ISR ${isrSize} is insufficient to satisfy the min.isr requirement of ${hosted.config.minInsyncReplicas} for partition ${hosted.topicName}-${hosted.partition}`;
}
