/** The client's view of cluster metadata, decoded from Metadata responses of any version. */
import type { Message } from '../protocol/codec.js';
import { ZERO_UUID } from '../protocol/primitives.js';

export { ZERO_UUID };

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  /** -1 when there is no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offline: number[];
  errorCode: number;
}

export interface TopicMetadata {
  name: string;
  /** Kafka's base64url form; ZERO_UUID when the broker predates topic ids (Metadata < v10). */
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  /** Sorted by partition index. */
  partitions: PartitionMetadata[];
}

export interface MetadataSnapshot {
  clusterId: string | null;
  controllerId: number;
  brokers: BrokerNode[];
  topics: TopicMetadata[];
}

/**
 * The request body. `topics === null` asks for every topic; an empty list asks for none, except in
 * v0, where empty means all (the protocol has no way to ask v0 for nothing).
 */
export function metadataRequest(version: number, topics: readonly string[] | null, allowAutoTopicCreation: boolean): Message {
  const list = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name, topicId: ZERO_UUID }));
  return { topics: list, allowAutoTopicCreation, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
}

export function parseMetadata(response: Message): MetadataSnapshot {
  return {
    clusterId: response.clusterId ?? null,
    controllerId: response.controllerId ?? -1,
    brokers: (response.brokers as Message[]).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null })),
    topics: (response.topics as Message[]).map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId ?? ZERO_UUID,
      isInternal: t.isInternal ?? false,
      errorCode: t.errorCode,
      partitions: (t.partitions as Message[])
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offline: p.offlineReplicas ?? [],
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition),
    })),
  };
}
