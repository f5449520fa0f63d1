/**
 * The metadata image: what the broker believes about the cluster — its id, the registered brokers,
 * the topics with their partitions (leader, leader epoch, replicas, ISR) and configs.
 *
 * Handlers read it and never change it. The controller's metadata log is the only writer: replaying
 * that log (MetadataRecord by MetadataRecord) rebuilds the same image after a restart, and the
 * multi-node quorum will only change how the log is replicated, not this image.
 */
export interface BrokerEndpoint {
  name: string;
  host: string;
  port: number;
  securityProtocol: string;
}

export interface BrokerRegistration {
  nodeId: number;
  endpoints: BrokerEndpoint[];
  rack: string | null;
  fenced: boolean;
  incarnationId?: string;
  /** The epoch the controller gave this registration (RegisterBrokerRecord.brokerEpoch). */
  brokerEpoch?: number;
  /** Feature ranges the broker said it supports when it registered. */
  supportedFeatures?: { name: string; minSupportedVersion: number; maxSupportedVersion: number }[];
  /** In controlled shutdown: still serving, but neither a new leader nor a new ISR member. */
  inControlledShutdown?: boolean;
}

export interface PartitionState {
  partition: number;
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  replicas: number[];
  isr: number[];
  /** A reassignment in progress (AlterPartitionReassignments): replicas being added, and being removed once they are in. */
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface TopicImage {
  name: string;
  topicId: string;
  partitions: Map<number, PartitionState>;
  /** Topic-level config overrides; defaults come from the broker config. */
  configs: Map<string, string>;
}

export class MetadataImage {
  readonly brokers = new Map<number, BrokerRegistration>();
  readonly topicsByName = new Map<string, TopicImage>();
  readonly topicsById = new Map<string, TopicImage>();
  /** Finalized feature levels, e.g. metadata.version. */
  readonly features = new Map<string, number>();
  /** Cluster-level (broker default) config overrides. */
  readonly brokerConfigs = new Map<string, string>();
  /** Offset of the last metadata log record applied; the finalized-features epoch clients see. */
  offset = -1;
  /** First producer id not yet handed out (ProducerIdsRecord). */
  nextProducerId = 0;

  constructor(
    readonly clusterId: string,
    public controllerId: number,
  ) {}

  topic(name: string): TopicImage | undefined {
    return this.topicsByName.get(name);
  }

  /** Brokers that can serve: registered and not fenced, in node id order. */
  liveBrokers(): BrokerRegistration[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Registered, unfenced and not in controlled shutdown: may lead, and may join an ISR. */
  isActiveBroker(brokerId: number): boolean {
    const b = this.brokers.get(brokerId);
    return b !== undefined && !b.fenced && !b.inControlledShutdown;
  }

  endpointFor(nodeId: number, listenerName: string): BrokerEndpoint | undefined {
    return this.brokers.get(nodeId)?.endpoints.find((e) => e.name === listenerName);
  }

  putTopic(topic: TopicImage): void {
    this.topicsByName.set(topic.name, topic);
    this.topicsById.set(topic.topicId, topic);
  }

  removeTopic(topicId: string): TopicImage | undefined {
    const topic = this.topicsById.get(topicId);
    if (topic) {
      this.topicsById.delete(topicId);
      this.topicsByName.delete(topic.name);
    }
    return topic;
  }
}
