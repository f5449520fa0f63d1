/**
 * The controller's operations on a node that is not the active controller: each is sent to the
 * active controller over the controller channel as the Kafka request that carries it, and its
 * response turned back into the operation's result, so the broker handlers, auto topic creation,
 * the coordinators' internal topics and producer id blocks work the same on every node.
 *
 * This is how Kafka's brokers reach the controller for their own needs (AutoTopicCreationManager
 * sends CreateTopics, RPCProducerIdManager AllocateProducerIds, the lifecycle manager
 * BrokerRegistration, all straight to the controller listener). Kafka wraps client requests in
 * Envelope (58) to carry the client's principal; kt has no authentication, so the envelope would
 * carry nothing and the operation is forwarded directly instead.
 */
import { SUPPORTED_FEATURES } from '../../metadata/features.js';
import { randomUuid } from '../../metadata/meta-properties.js';
import { SECURITY_PROTOCOLS } from '../../metadata/record-types.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { BrokerRegistrationReply, BrokerRegistrationRequest } from '../cluster-control.js';
import type { ConfigResourceChange } from '../config-control.js';
import type { ProducerIdBlock } from '../producer-ids.js';
import type { CreateTopicResult, LocalBrokerRegistration } from '../quorum-controller.js';
import type { Outcome, TopicDefaults, TopicRequest } from '../topic-control.js';
import { CONTROLLER_REQUEST_DEADLINE_MS, type ControllerChannel } from './controller-channel.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class RemoteController {
  constructor(
    private readonly channel: ControllerChannel,
    private readonly clusterId: string,
  ) {}

  async createTopics(topics: TopicRequest[], _defaults: TopicDefaults, validateOnly: boolean): Promise<CreateTopicResult[]> {
    // The controller applies its own num.partitions / default.replication.factor to -1, as Kafka's does.
    const body = { topics: topics.map((t) => ({ name: t.name, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, assignments: t.assignments, configs: t.configs })), timeoutMs: CONTROLLER_REQUEST_DEADLINE_MS, validateOnly };
    const response = await this.channel.send(19, 7, body);
    return (response.topics as Message[]).map((t) => ({ name: t.name, topicId: t.topicId, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, errorCode: t.errorCode, errorMessage: t.errorMessage ?? null }));
  }

  async deleteTopics(targets: { name?: string; topicId?: string }[]): Promise<(Outcome & { name: string | null; topicId: string })[]> {
    const body = { topics: targets.map((t) => ({ name: t.name ?? null, topicId: t.topicId ?? ZERO_UUID })), timeoutMs: CONTROLLER_REQUEST_DEADLINE_MS };
    const response = await this.channel.send(20, 6, body);
    return (response.responses as Message[]).map((r) => ({ name: r.name ?? null, topicId: r.topicId, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null }));
  }

  async createPartitions(requests: { name: string; count: number; assignments: { brokerIds: number[] }[] | null }[], validateOnly: boolean): Promise<(Outcome & { name: string })[]> {
    const body = { topics: requests.map((r) => ({ name: r.name, count: r.count, assignments: r.assignments })), timeoutMs: CONTROLLER_REQUEST_DEADLINE_MS, validateOnly };
    const response = await this.channel.send(37, 3, body);
    return (response.results as Message[]).map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage ?? null }));
  }

  /** AlterConfigs (replace-all changes) and IncrementalAlterConfigs (the rest), answered in the order asked. */
  async alterConfigs(changes: ConfigResourceChange[], validateOnly: boolean): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(changes.length);
    const legacy = changes.map((c, i) => [c, i] as const).filter(([c]) => c.replaceAll);
    const incremental = changes.map((c, i) => [c, i] as const).filter(([c]) => !c.replaceAll);
    if (legacy.length > 0) {
      const resources = legacy.map(([c]) => ({ resourceType: c.resourceType, resourceName: c.resourceName, configs: c.changes.map((x) => ({ name: x.name, value: x.value })) }));
      const response = await this.channel.send(33, 2, { resources, validateOnly });
      (response.responses as Message[]).forEach((r, j) => (outcomes[legacy[j]![1]] = { errorCode: r.errorCode, errorMessage: r.errorMessage ?? null }));
    }
    if (incremental.length > 0) {
      const resources = incremental.map(([c]) => ({ resourceType: c.resourceType, resourceName: c.resourceName, configs: c.changes.map((x) => ({ name: x.name, configOperation: x.op, value: x.value })) }));
      const response = await this.channel.send(44, 1, { resources, validateOnly });
      (response.responses as Message[]).forEach((r, j) => (outcomes[incremental[j]![1]] = { errorCode: r.errorCode, errorMessage: r.errorMessage ?? null }));
    }
    return outcomes.map((o) => o ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'no answer for this resource' });
  }

  async allocateProducerIds(brokerId: number, brokerEpoch: number): Promise<ProducerIdBlock> {
    const response = await this.channel.send(67, 0, { brokerId, brokerEpoch });
    return { errorCode: response.errorCode, producerIdStart: response.producerIdStart, producerIdLen: response.producerIdLen };
  }

  /**
   * BrokerRegistration; a registration from inside the process (no lifecycle manager) is then
   * unfenced with one BrokerHeartbeat, as QuorumController.registerBroker does locally.
   */
  async registerBroker(req: BrokerRegistrationRequest | LocalBrokerRegistration): Promise<BrokerRegistrationReply> {
    const local = !('incarnationId' in req);
    const body = local
      ? {
          brokerId: req.nodeId,
          clusterId: this.clusterId,
          incarnationId: randomUuid(),
          listeners: req.endpoints.map((e) => ({ name: e.name, host: e.host, port: e.port, securityProtocol: Math.max(0, SECURITY_PROTOCOLS.indexOf(e.securityProtocol)) })),
          features: SUPPORTED_FEATURES.map((f) => ({ name: f.name, minSupportedVersion: f.minVersion, maxSupportedVersion: f.maxVersion })),
          rack: req.rack,
        }
      : { ...req, clusterId: req.clusterId ?? this.clusterId };
    const response = await this.channel.send(62, 0, body);
    const reply = { errorCode: response.errorCode, errorMessage: null, brokerEpoch: response.brokerEpoch };
    if (!local || reply.errorCode !== ErrorCode.NONE) return reply;
    const heartbeat = { brokerId: req.nodeId, brokerEpoch: reply.brokerEpoch, currentMetadataOffset: -1, wantFence: false, wantShutDown: false };
    const hb = await this.channel.send(63, 0, heartbeat);
    return hb.errorCode === ErrorCode.NONE ? reply : { ...reply, errorCode: hb.errorCode };
  }

  /**
   * The replication operations carry the Kafka bodies as they are (replication-control.ts,
   * reassignment.ts); their responses come back the same. AlterPartition at the sender's version.
   */
  alterPartition(request: Message, version = 3): Promise<Message> {
    return this.channel.send(56, version, request);
  }

  electLeaders(request: Message): Promise<Message> {
    return this.channel.send(43, 2, request);
  }

  alterPartitionReassignments(request: Message): Promise<Message> {
    return this.channel.send(45, 0, request);
  }

  listPartitionReassignments(request: Message): Promise<Message> {
    return this.channel.send(46, 0, request);
  }
}
