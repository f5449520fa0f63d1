/**
 * The quorum controller: the single writer of cluster metadata. Every change — a broker registering,
 * a topic created, a config altered — is validated against the image, written to the metadata log
 * as Kafka's metadata records, and only then applied to the image by replaying those same records.
 * A restart replays the log and arrives at the same image.
 *
 * Operations run one at a time (a promise chain), so a request is always validated against the image
 * its records will be applied to. On one node a batch commits once durably appended; the Raft quorum
 * replaces that step without changing anything here.
 */
import type { Logger } from '../logger.js';
import { MetadataImage } from '../metadata/image.js';
import { BOOTSTRAP_FEATURE_LEVELS, SUPPORTED_FEATURES } from '../metadata/features.js';
import { RecordType, SECURITY_PROTOCOLS } from '../metadata/record-types.js';
import { applyMetadataRecord, emptyChange, type MetadataChange } from '../metadata/replay.js';
import { randomUuid } from '../metadata/meta-properties.js';
import { ErrorCode } from '../protocol/errors.js';
import { planConfigChange, type ConfigResourceChange } from './config-control.js';
import type { MetadataLog } from './metadata-log.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';
import { planAllocateProducerIds, type ProducerIdBlock } from './producer-ids.js';
import { planCreatePartitions, planCreateTopic, planDeleteTopic, type Outcome, type TopicDefaults, type TopicRequest } from './topic-control.js';

export type MetadataListener = (change: MetadataChange, image: MetadataImage) => void;

export interface BrokerRegistrationRequest {
  nodeId: number;
  endpoints: { name: string; host: string; port: number; securityProtocol: string }[];
  rack: string | null;
}

export interface CreateTopicResult extends Outcome {
  name: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
}

export class QuorumController {
  readonly image: MetadataImage;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: MetadataListener[] = [];

  constructor(
    private readonly log: MetadataLog,
    clusterId: string,
    readonly nodeId: number,
    private readonly logger: Logger,
  ) {
    this.image = new MetadataImage(clusterId, nodeId);
  }

  onChange(listener: MetadataListener): void {
    this.listeners.push(listener);
  }

  /**
   * Rebuild the image from the log; bootstrap the features on a brand-new log (metadata.version and
   * transaction.version 2, one FeatureLevelRecord each, as Kafka 4.0 formats a new cluster). A log
   * written before transaction.version existed keeps it at level 0, as Kafka keeps an upgraded
   * cluster's features until an operator finalizes them (kafka-features.sh upgrade): its producers go
   * on with AddPartitionsToTxn and the epoch kept per transaction.
   */
  async start(): Promise<void> {
    const change = emptyChange();
    let count = 0;
    for (const { offset, record } of this.log.replay()) {
      applyMetadataRecord(this.image, record.type, record.data, offset, change);
      count++;
    }
    this.logger.info(`replayed ${count} metadata records up to offset ${this.image.offset}`);
    this.publish(change);
    if (this.log.endOffset === 0) {
      await this.commit(BOOTSTRAP_FEATURE_LEVELS.map((f) => metadataRecord(RecordType.FeatureLevel, { name: f.name, featureLevel: f.featureLevel })));
    }
  }

  /** Run `op` after every operation before it; it sees the image as of its turn. */
  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async commit(records: MetadataRecord[]): Promise<MetadataChange> {
    const change = emptyChange();
    if (records.length === 0) return change;
    const base = await this.log.append(records);
    records.forEach((r, i) => applyMetadataRecord(this.image, r.type, r.data, base + i, change));
    this.publish(change);
    return change;
  }

  private publish(change: MetadataChange): void {
    for (const l of this.listeners) l(change, this.image);
  }

  registerBroker(req: BrokerRegistrationRequest): Promise<void> {
    return this.serialize(async () => {
      await this.commit([
        metadataRecord(RecordType.RegisterBroker, {
          brokerId: req.nodeId,
          incarnationId: randomUuid(),
          brokerEpoch: this.log.endOffset,
          endPoints: req.endpoints.map((e) => ({
            name: e.name,
            host: e.host,
            port: e.port,
            securityProtocol: Math.max(0, SECURITY_PROTOCOLS.indexOf(e.securityProtocol)),
          })),
          features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
          rack: req.rack,
          fenced: false,
          inControlledShutdown: false,
          logDirs: [],
        }),
      ]);
    });
  }

  createTopics(topics: TopicRequest[], defaults: TopicDefaults, validateOnly: boolean): Promise<CreateTopicResult[]> {
    return this.serialize(async () => {
      const pending = new Set<string>();
      const seen = new Map<string, number>();
      for (const t of topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
      const plans = topics.map((t) => {
        if ((seen.get(t.name) ?? 0) > 1) {
          return { name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Create topics request from client contains a duplicate topic', topicId: '', numPartitions: -1, replicationFactor: -1, records: [] };
        }
        const plan = planCreateTopic(this.image, t, defaults, pending);
        if (plan.errorCode === ErrorCode.NONE) pending.add(t.name);
        return { name: t.name, ...plan };
      });
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  deleteTopics(targets: { name?: string; topicId?: string }[]): Promise<(Outcome & { name: string | null; topicId: string })[]> {
    return this.serialize(async () => {
      const plans = targets.map((t) => {
        const topic = t.name !== undefined ? this.image.topic(t.name) : this.image.topicsById.get(t.topicId!);
        const plan = planDeleteTopic(topic, t.name ?? t.topicId!);
        return { ...plan, name: topic?.name ?? t.name ?? null, topicId: topic?.topicId ?? t.topicId ?? '' };
      });
      await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  createPartitions(
    requests: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[],
    validateOnly: boolean,
  ): Promise<(Outcome & { name: string })[]> {
    return this.serialize(async () => {
      const plans = requests.map((r) => ({ name: r.name, ...planCreatePartitions(this.image, r.name, r.count, r.assignments) }));
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  alterConfigs(changes: ConfigResourceChange[], validateOnly: boolean): Promise<Outcome[]> {
    return this.serialize(async () => {
      const plans = changes.map((c) => planConfigChange(this.image, this.nodeId, c));
      if (!validateOnly) await this.commit(plans.flatMap((p) => p.records));
      return plans.map(({ records: _records, ...result }) => result);
    });
  }

  /** Hand `brokerId` the next block of producer ids, recorded in the metadata log before it is returned. */
  allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<ProducerIdBlock> {
    return this.serialize(async () => {
      const { records, ...block } = planAllocateProducerIds(this.image, brokerId, brokerEpoch);
      await this.commit(records);
      return block;
    });
  }
}
