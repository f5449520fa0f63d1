/**
 * kt's admin client: topics (create, delete, list, describe, add partitions), configs, record
 * deletion and consumer groups (admin-groups.ts), over the same Cluster view as the producer and
 * consumer. Per-topic failures come back as KafkaErrors in the results, as Kafka's Admin API
 * returns one future per topic.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import { type ConfigEntry, ResourceType, describeConfigs, incrementalAlterConfigs, resourceKey } from './admin-configs.js';
import * as groups from './admin-groups.js';
import type { GroupDescription, GroupListing, ListGroupsOptions, PartitionResult } from './admin-groups.js';
import type { ConfigChange, ConfigResource } from './admin-configs.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { GroupCoordinators } from './coordinator.js';
import { type CommittedOffset, type OffsetToCommit, commitOffsets, fetchCommittedOffsets } from './group-offsets.js';
import type { TopicPartition } from './list-offsets.js';
import { type KafkaError, UnsupportedVersionError, kafkaError } from './errors.js';
import { ZERO_UUID, type BrokerNode } from './metadata.js';

export { AlterConfigOp, ConfigSource, ResourceType } from './admin-configs.js';
export type { ConfigChange, ConfigEntry, ConfigResource };
export type { GroupDescription, GroupListing, GroupMember, ListGroupsOptions, PartitionResult } from './admin-groups.js';

export interface NewTopic {
  name: string;
  /** -1 (the default) leaves it to the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (the default) leaves it to the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Iterable<[string, string]>;
  /** Explicit replica assignment: partition -> broker ids. */
  assignments?: Map<number, number[]>;
}

export interface TopicResult {
  name: string;
  topicId: string;
  error: KafkaError | null;
}

export interface TopicListing {
  name: string;
  topicId: string;
  isInternal: boolean;
}

export interface TopicPartitionInfo {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  /** Eligible leader replicas; null when the broker cannot tell (no DescribeTopicPartitions). */
  elr: number[] | null;
  lastKnownElr: number[] | null;
}

export interface TopicDescription {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: TopicPartitionInfo[];
}

export interface AdminOptions extends ClusterOptions {
  cluster?: Cluster;
}

/** Kafka's admin default for CreateTopics / DeleteTopics / CreatePartitions. */
const OPERATION_TIMEOUT_MS = 60_000;

export class Admin {
  readonly cluster: Cluster;
  readonly coordinators: GroupCoordinators;
  private readonly ownsCluster: boolean;

  constructor(options: AdminOptions = {}) {
    const { cluster, ...clusterOptions } = options;
    this.cluster = cluster ?? new Cluster({ clientId: 'kt-admin', ...clusterOptions });
    this.ownsCluster = !cluster;
    this.coordinators = new GroupCoordinators(this.cluster);
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  close(): void {
    if (this.ownsCluster) this.cluster.close();
  }

  async createTopics(topics: readonly NewTopic[], options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicResult[]> {
    const usesDefaults = topics.some((t) => !t.assignments && ((t.numPartitions ?? -1) < 0 || (t.replicationFactor ?? -1) < 0));
    const { response } = await this.cluster.request(
      'controller',
      19,
      {
        topics: topics.map((t) => ({
          name: t.name,
          numPartitions: t.assignments ? -1 : (t.numPartitions ?? -1),
          replicationFactor: t.assignments ? -1 : (t.replicationFactor ?? -1),
          assignments: [...(t.assignments ?? [])].map(([partitionIndex, brokerIds]) => ({ partitionIndex, brokerIds })),
          configs: [...(t.configs ?? [])].map(([name, value]) => ({ name, value })),
        })),
        timeoutMs: options.timeoutMs ?? OPERATION_TIMEOUT_MS,
        validateOnly: options.validateOnly ?? false,
      },
      // Leaving partitions or replication factor to the broker needs v4 (KIP-464).
      { minVersion: usesDefaults ? 4 : 0 },
    );
    return (response.topics as Message[]).map((t) => ({
      name: t.name,
      topicId: t.topicId ?? ZERO_UUID,
      error: t.errorCode === 0 ? null : kafkaError(t.errorCode, t.errorMessage),
    }));
  }

  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}): Promise<TopicResult[]> {
    const { response } = await this.cluster.request('controller', 20, (v) => ({
      topics: v >= 6 ? names.map((name) => ({ name, topicId: ZERO_UUID })) : [],
      topicNames: v < 6 ? names : [],
      timeoutMs: options.timeoutMs ?? OPERATION_TIMEOUT_MS,
    }));
    return (response.responses as Message[]).map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId ?? ZERO_UUID,
      error: t.errorCode === 0 ? null : kafkaError(t.errorCode, t.errorMessage),
    }));
  }

  /** Topic names, sorted; internal topics only when asked (Kafka's ListTopicsOptions.listInternal). */
  async listTopics(options: { listInternal?: boolean } = {}): Promise<TopicListing[]> {
    const snapshot = await this.cluster.refreshMetadata(null);
    return snapshot.topics
      .filter((t) => t.errorCode === 0 && (options.listInternal || !t.isInternal))
      .map((t) => ({ name: t.name, topicId: t.topicId, isInternal: t.isInternal }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Partitions, leaders, replicas and ISR of each topic, through DescribeTopicPartitions when the
   * broker has it (it adds ELR) and Metadata otherwise, as Kafka's Admin does. Unknown topics fail.
   */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    try {
      return await this.describeWithDescribeTopicPartitions(names);
    } catch (err) {
      if (!(err instanceof UnsupportedVersionError)) throw err;
    }
    const snapshot = await this.cluster.refreshMetadata(names);
    return names.map((name) => {
      const t = snapshot.topics.find((x) => x.name === name);
      if (!t || t.errorCode !== 0) throw kafkaError(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `Topic ${name}`);
      return {
        name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, elr: null, lastKnownElr: null })),
      };
    });
  }

  /** Non-secret config entries of topics, by topic name. */
  async describeTopicConfigs(names: readonly string[]): Promise<Map<string, ConfigEntry[]>> {
    const found = await describeConfigs(this.cluster, names.map((name) => ({ type: ResourceType.TOPIC, name })));
    return new Map(names.map((name) => [name, found.get(resourceKey({ type: ResourceType.TOPIC, name })) ?? []]));
  }

  describeConfigs(resources: readonly ConfigResource[]): Promise<Map<string, ConfigEntry[]>> {
    return describeConfigs(this.cluster, resources);
  }

  incrementalAlterConfigs(changes: readonly { resource: ConfigResource; changes: ConfigChange[] }[], validateOnly = false): Promise<void> {
    return incrementalAlterConfigs(this.cluster, changes, validateOnly);
  }

  /** Grow topics to the given total partition counts. */
  async createPartitions(counts: ReadonlyMap<string, number>, options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<TopicResult[]> {
    const { response } = await this.cluster.request('controller', 37, {
      topics: [...counts].map(([name, count]) => ({ name, count, assignments: null })),
      timeoutMs: options.timeoutMs ?? OPERATION_TIMEOUT_MS,
      validateOnly: options.validateOnly ?? false,
    });
    return (response.results as Message[]).map((r) => ({
      name: r.name,
      topicId: ZERO_UUID,
      error: r.errorCode === 0 ? null : kafkaError(r.errorCode, r.errorMessage),
    }));
  }

  /** Move partitions' log start offsets forward; returns the new low watermarks. */
  async deleteRecords(targets: readonly { topic: string; partition: number; offset: number }[]): Promise<Map<string, number>> {
    await this.cluster.refreshMetadata([...new Set(targets.map((t) => t.topic))]);
    const byLeader = new Map<number, typeof targets[number][]>();
    for (const t of targets) {
      const leader = this.cluster.leaderFor(t.topic, t.partition);
      if (leader < 0) throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, `${t.topic}-${t.partition}`);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), t]);
    }
    const out = new Map<string, number>();
    for (const [node, group] of byLeader) {
      const topics = new Map<string, Message[]>();
      for (const t of group) topics.set(t.topic, [...(topics.get(t.topic) ?? []), { partitionIndex: t.partition, offset: t.offset }]);
      const { response } = await this.cluster.request(node, 21, {
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
        timeoutMs: OPERATION_TIMEOUT_MS,
      });
      for (const t of response.topics as Message[]) {
        for (const p of t.partitions as Message[]) {
          if (p.errorCode !== 0) throw kafkaError(p.errorCode, null, `${t.name}-${p.partitionIndex}`);
          out.set(`${t.name}-${p.partitionIndex}`, p.lowWatermark);
        }
      }
    }
    return out;
  }

  async describeCluster(): Promise<{ clusterId: string | null; controllerId: number; brokers: BrokerNode[] }> {
    const snapshot = await this.cluster.refreshMetadata([]);
    return { clusterId: snapshot.clusterId, controllerId: snapshot.controllerId, brokers: snapshot.brokers };
  }

  /** Groups on every broker, optionally only those in some states or of some types. */
  listGroups(options: ListGroupsOptions = {}): Promise<GroupListing[]> {
    return groups.listGroups(this.cluster, options);
  }

  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return groups.describeGroups(this.cluster, this.coordinators, groupIds);
  }

  deleteGroups(groupIds: readonly string[]): Promise<Map<string, KafkaError | null>> {
    return groups.deleteGroups(this.coordinators, groupIds);
  }

  deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<{ error: KafkaError | null; partitions: PartitionResult[] }> {
    return groups.deleteOffsets(this.coordinators, groupId, partitions);
  }

  /** A group's committed offsets (null: of every partition it committed), keyed by tpKey. */
  listGroupOffsets(groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<Map<string, CommittedOffset>> {
    return fetchCommittedOffsets(this.coordinators, groupId, partitions);
  }

  /** Commit offsets for a group from outside it; the coordinator refuses while it has members. */
  alterGroupOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    return commitOffsets(this.coordinators, groupId, offsets);
  }

  private async describeWithDescribeTopicPartitions(names: readonly string[]): Promise<TopicDescription[]> {
    const byName = new Map<string, TopicDescription>();
    let cursor: Message | null = null;
    do {
      const { response }: { response: Message } = await this.cluster.request('any', 75, {
        topics: names.map((name) => ({ name })),
        responsePartitionLimit: 2000,
        cursor,
      });
      for (const t of response.topics as Message[]) {
        if (t.errorCode !== 0) throw kafkaError(t.errorCode, null, `Topic ${t.name}`);
        let d = byName.get(t.name);
        if (!d) {
          d = { name: t.name, topicId: t.topicId, isInternal: t.isInternal, partitions: [] };
          byName.set(t.name, d);
        }
        for (const p of t.partitions as Message[]) {
          d.partitions.push({
            partition: p.partitionIndex,
            leader: p.leaderId,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            elr: p.eligibleLeaderReplicas ?? null,
            lastKnownElr: p.lastKnownElr ?? null,
          });
        }
      }
      cursor = response.nextCursor ?? null;
    } while (cursor);
    return names.map((name) => {
      const d = byName.get(name);
      if (!d) throw kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, `Topic ${name}`);
      d.partitions.sort((a, b) => a.partition - b.partition);
      return d;
    });
  }
}
