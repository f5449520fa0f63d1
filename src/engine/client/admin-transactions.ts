/**
 * The admin side of transactions, as Kafka's Admin API does it for kafka-transactions.sh:
 * ListTransactions asks every broker (each coordinates its share of transactional ids);
 * DescribeTransactions asks each id's coordinator (FindCoordinator key type 1); DescribeProducers
 * asks a partition's leader (or a chosen replica); aborting a hanging transaction writes an ABORT
 * marker with WriteTxnMarkers to the partition's leader, as the coordinator would have.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Cluster } from './cluster.js';
import { GroupCoordinators, TRANSACTION_KEY_TYPE } from './coordinator.js';
import { type KafkaError, kafkaError } from './errors.js';
import { type TopicPartition, byTopic, tpKey } from './list-offsets.js';

export interface TransactionListing {
  transactionalId: string;
  producerId: number;
  state: string;
}

export interface TransactionDescription {
  transactionalId: string;
  coordinatorId: number;
  state: string;
  producerId: number;
  producerEpoch: number;
  transactionTimeoutMs: number;
  /** -1 when no transaction is in progress. */
  transactionStartTimeMs: number;
  topicPartitions: TopicPartition[];
}

export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  /** -1 when the broker does not know (Kafka's OptionalInt.empty()). */
  coordinatorEpoch: number;
  /** -1 when the producer has no transaction open on the partition. */
  currentTransactionStartOffset: number;
}

export interface PartitionProducers extends TopicPartition {
  error: KafkaError | null;
  activeProducers: ProducerState[];
}

export interface ListTransactionsOptions {
  states?: string[];
  producerIds?: number[];
  /** Only transactions running longer than this (ListTransactions v1, KIP-994). */
  durationMs?: number;
}

/** Every broker's transactions, by broker id. */
export async function listTransactions(cluster: Cluster, options: ListTransactionsOptions = {}): Promise<Map<number, TransactionListing[]>> {
  await cluster.refreshMetadata([]);
  const ids = [...cluster.brokers.keys()].sort((a, b) => a - b);
  const answers = await Promise.all(
    ids.map(async (id) => {
      const { response } = await cluster.request(id, 66, (v) => ({
        stateFilters: options.states ?? [],
        producerIdFilters: options.producerIds ?? [],
        durationFilter: v >= 1 ? (options.durationMs ?? -1) : -1,
      }));
      if (response.errorCode !== ErrorCode.NONE) throw kafkaError(response.errorCode, null, `ListTransactions at broker ${id}`);
      const listings = (response.transactionStates as Message[]).map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, state: t.transactionState }));
      return [id, listings] as const;
    }),
  );
  return new Map(answers);
}

/** One transactional id's state at its coordinator; throws TRANSACTIONAL_ID_NOT_FOUND and the like. */
export async function describeTransaction(cluster: Cluster, transactionalId: string): Promise<TransactionDescription> {
  const coordinators = new GroupCoordinators(cluster, TRANSACTION_KEY_TYPE);
  const stateOf = (r: Message): Message | undefined => (r.transactionStates as Message[])[0];
  const { response } = await coordinators.request(transactionalId, 65, { transactionalIds: [transactionalId] }, (r) => stateOf(r)?.errorCode ?? ErrorCode.NONE);
  const s = stateOf(response);
  if (!s) throw kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `no state returned for transactional id ${transactionalId}`);
  if (s.errorCode !== ErrorCode.NONE) throw kafkaError(s.errorCode);
  return {
    transactionalId: s.transactionalId,
    coordinatorId: await coordinators.lookup(transactionalId),
    state: s.transactionState,
    producerId: s.producerId,
    producerEpoch: s.producerEpoch,
    transactionTimeoutMs: s.transactionTimeoutMs,
    transactionStartTimeMs: s.transactionStartTimeMs,
    topicPartitions: (s.topics as Message[]).flatMap((t) => (t.partitions as number[]).map((partition) => ({ topic: t.topic, partition }))),
  };
}

/** Active producers of partitions, asked of each partition's leader (or of `brokerId`). */
export async function describeProducers(cluster: Cluster, partitions: readonly TopicPartition[], brokerId?: number): Promise<PartitionProducers[]> {
  const topics = [...new Set(partitions.map((tp) => tp.topic))];
  await cluster.refreshMetadata(topics);
  const results = new Map<string, PartitionProducers>();
  const byNode = new Map<number, TopicPartition[]>();
  for (const tp of partitions) {
    const node = brokerId ?? cluster.leaderFor(tp.topic, tp.partition);
    if (node < 0) {
      const known = cluster.topic(tp.topic)?.partitions[tp.partition] !== undefined;
      const code = known ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      results.set(tpKey(tp.topic, tp.partition), { ...tp, error: kafkaError(code), activeProducers: [] });
      continue;
    }
    byNode.set(node, [...(byNode.get(node) ?? []), tp]);
  }
  await Promise.all(
    [...byNode].map(async ([node, tps]) => {
      const body = { topics: [...byTopic(tps)].map(([name, list]) => ({ name, partitionIndexes: list.map((tp) => tp.partition) })) };
      const { response } = await cluster.request(node, 61, body);
      for (const t of response.topics as Message[]) {
        for (const p of t.partitions as Message[]) {
          results.set(tpKey(t.name, p.partitionIndex), {
            topic: t.name,
            partition: p.partitionIndex,
            error: p.errorCode === ErrorCode.NONE ? null : kafkaError(p.errorCode, p.errorMessage),
            activeProducers: (p.activeProducers as Message[]).map((a) => ({
              producerId: a.producerId,
              producerEpoch: a.producerEpoch,
              lastSequence: a.lastSequence,
              lastTimestamp: a.lastTimestamp,
              coordinatorEpoch: a.coordinatorEpoch,
              currentTransactionStartOffset: a.currentTxnStartOffset,
            })),
          });
        }
      }
    }),
  );
  return partitions.map((tp) => results.get(tpKey(tp.topic, tp.partition)) ?? { ...tp, error: kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), activeProducers: [] });
}

export interface AbortTransactionSpec extends TopicPartition {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
}

/** Write an ABORT marker for a producer's open transaction on one partition (WriteTxnMarkers at its leader). */
export async function abortTransaction(cluster: Cluster, spec: AbortTransactionSpec): Promise<void> {
  await cluster.refreshMetadata([spec.topic]);
  const leader = cluster.leaderFor(spec.topic, spec.partition);
  if (leader < 0) throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${spec.topic}-${spec.partition}`);
  const body = {
    markers: [
      {
        producerId: spec.producerId,
        producerEpoch: spec.producerEpoch,
        transactionResult: false,
        topics: [{ name: spec.topic, partitionIndexes: [spec.partition] }],
        coordinatorEpoch: spec.coordinatorEpoch,
      },
    ],
  };
  const { response } = await cluster.request(leader, 27, body);
  const code = (response.markers as Message[])[0]?.topics?.[0]?.partitions?.[0]?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
  if (code !== ErrorCode.NONE) throw kafkaError(code);
}
