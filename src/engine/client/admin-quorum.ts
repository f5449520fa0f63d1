/**
 * The admin side of the KRaft metadata quorum, as Kafka's Admin.describeMetadataQuorum does it for
 * kafka-metadata-quorum.sh: DescribeQuorum for `__cluster_metadata` partition 0, sent to any broker
 * (which forwards it to the active controller in Kafka 4) or, when the client bootstraps from
 * controllers, to the active controller found with DescribeCluster (endpoint type controller,
 * KIP-919). The answer is checked as Kafka's admin checks it (one topic, one partition, no error);
 * NOT_LEADER_OR_FOLLOWER and other retriable error codes are retried, as during an election.
 */
import { ErrorCode } from '../protocol/errors.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import { formatAddress } from './bootstrap.js';
import { Cluster } from './cluster.js';
import { KafkaError, isRetriable, kafkaError } from './errors.js';
import { backoffMs, sleep } from './timing.js';

export const METADATA_TOPIC = '__cluster_metadata';

/** Kafka's QuorumInfo.ReplicaState; timestamps are null when the leader does not know them. */
export interface QuorumReplica {
  replicaId: number;
  /** ZERO_UUID when the quorum does not track directory ids (a static quorum, or a v0/v1 answer). */
  directoryId: string;
  logEndOffset: number;
  lastFetchTimestamp: number | null;
  lastCaughtUpTimestamp: number | null;
}

export interface QuorumEndpoint {
  listener: string;
  host: string;
  port: number;
}

/** Kafka's QuorumInfo. */
export interface MetadataQuorum {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
  /** The voters' endpoints by node id (DescribeQuorum v2; empty before). */
  nodes: Map<number, QuorumEndpoint[]>;
}

export interface ControllerCluster {
  clusterId: string;
  controllerId: number;
  controllers: { nodeId: number; host: string; port: number }[];
}

const CONTROLLER_ENDPOINT = 2;

/**
 * DescribeCluster asking for controllers (what Kafka's admin does with --bootstrap-controller). A
 * broker's listener answers MISMATCHED_ENDPOINT_TYPE, raised as its KafkaError.
 */
export async function describeControllers(cluster: Cluster): Promise<ControllerCluster> {
  const { response } = await cluster.request('any', 60, { includeClusterAuthorizedOperations: false, endpointType: CONTROLLER_ENDPOINT }, { minVersion: 1 });
  if (response.errorCode !== ErrorCode.NONE) throw kafkaError(response.errorCode, response.errorMessage);
  return {
    clusterId: response.clusterId,
    controllerId: response.controllerId,
    controllers: response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port })),
  };
}

export interface DescribeQuorumOptions {
  /** Ask the active controller (found with DescribeCluster) instead of any broker. */
  viaControllers?: boolean;
  /** How long to keep retrying retriable answers (Kafka's default.api.timeout.ms is 60 s). */
  timeoutMs?: number;
}

export async function describeMetadataQuorum(cluster: Cluster, options: DescribeQuorumOptions = {}): Promise<MetadataQuorum> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await describeOnce(cluster, options.viaControllers ?? false);
    } catch (err) {
      // Retriable answers (an election in progress) are retried; an unreachable cluster is not:
      // the connect timeout already bounded that wait.
      if (!(err instanceof KafkaError && isRetriable(err.code)) || Date.now() + backoffMs(attempt) >= deadline) throw err;
      await sleep(backoffMs(attempt));
    }
  }
}

async function describeOnce(cluster: Cluster, viaControllers: boolean): Promise<MetadataQuorum> {
  let target = cluster;
  if (viaControllers) {
    const { controllerId, controllers } = await describeControllers(cluster);
    const active = controllers.find((c) => c.nodeId === controllerId);
    const here = active && cluster.bootstrap.some((b) => formatAddress(b) === formatAddress(active));
    if (active && !here) target = new Cluster({ bootstrap: [active], clientId: cluster.clientId, connectTimeoutMs: cluster.connectTimeoutMs, requestTimeoutMs: cluster.requestTimeoutMs });
  }
  try {
    const { response } = await target.request('any', 55, { topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0 }] }] });
    if (response.errorCode !== ErrorCode.NONE) throw kafkaError(response.errorCode, response.errorMessage);
    // The checks and messages of Kafka's KafkaAdminClient.describeMetadataQuorum.
    if (response.topics.length !== 1) throw unknownServerError(`DescribeMetadataQuorum received ${response.topics.length} topics when 1 was expected`);
    const topic = response.topics[0]!;
    if (topic.topicName !== METADATA_TOPIC) throw unknownServerError(`DescribeMetadataQuorum received a topic with name ${topic.topicName} when ${METADATA_TOPIC} was expected`);
    if (topic.partitions.length !== 1) throw unknownServerError(`DescribeMetadataQuorum received a topic ${topic.topicName} with ${topic.partitions.length} partitions when 1 was expected`);
    const p = topic.partitions[0]!;
    if (p.partitionIndex !== 0) throw unknownServerError(`DescribeMetadataQuorum received a single partition with index ${p.partitionIndex} when 0 was expected`);
    if (p.errorCode !== ErrorCode.NONE) throw kafkaError(p.errorCode, p.errorMessage);
    const replica = (r: (typeof p.currentVoters)[number]): QuorumReplica => ({
      replicaId: r.replicaId,
      directoryId: r.replicaDirectoryId ?? ZERO_UUID,
      logEndOffset: r.logEndOffset,
      lastFetchTimestamp: r.lastFetchTimestamp === -1 ? null : r.lastFetchTimestamp,
      lastCaughtUpTimestamp: r.lastCaughtUpTimestamp === -1 ? null : r.lastCaughtUpTimestamp,
    });
    return {
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      highWatermark: p.highWatermark,
      voters: p.currentVoters.map(replica),
      observers: p.observers.map(replica),
      nodes: new Map((response.nodes ?? []).map((n) => [n.nodeId, n.listeners.map((l) => ({ listener: l.name, host: l.host, port: l.port }))])),
    };
  } finally {
    if (target !== cluster) target.close();
  }
}

function unknownServerError(message: string): KafkaError {
  return kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, message);
}
