/**
 * Metadata (key 3), versions 0-12.
 *
 * Describes the live brokers (their endpoint on the listener the request came in on), the cluster
 * id, the controller, and the requested topics with each partition's leader, leader epoch,
 * replicas, ISR and offline replicas. A null topic list (v1+) or an empty one in v0 means all topics.
 * Unknown topics are created when both the request (v4+ allowAutoTopicCreation) and the broker
 * (auto.create.topics.enable) allow it, else get UNKNOWN_TOPIC_OR_PARTITION; illegal names get
 * INVALID_TOPIC_EXCEPTION. v10+ returns
 * topic ids, and v12 looks topics up by id when the name is null.
 *
 * v1 rack, controller id, isInternal; v2 cluster id; v3 throttle time; v4 allowAutoTopicCreation;
 * v5 offline replicas; v7 leader epoch; v8 authorized operations; v9 flexible; v10 topic ids;
 * v11 drops cluster authorized operations; v12 lookup by topic id.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { MetadataRequest, MetadataResponse } from '../../protocol/messages/03-metadata.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import type { MetadataImage, TopicImage } from '../../metadata/image.js';
import { isInternalTopic, topicNameProblem } from '../../metadata/topic-names.js';
import { CLUSTER_OPERATIONS, OPERATIONS_NOT_REQUESTED, TOPIC_OPERATIONS } from '../acl-operations.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { reportedControllerId } from '../controller-id.js';

export default defineHandler({
  apiKey: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  request: MetadataRequest,
  response: MetadataResponse,
  async handle(request, ctx) {
    const wantsAll = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    if (!wantsAll && (ctx.apiVersion < 4 || request.allowAutoTopicCreation)) {
      const current = ctx.services.metadata();
      const missing = (request.topics as Message[])
        .map((t) => t.name as string | null)
        .filter((n): n is string => n !== null && !current.topic(n) && topicNameProblem(n) === undefined && !isInternalTopic(n));
      if (missing.length > 0) await ctx.services.autoCreateTopics(missing);
    }
    const image = ctx.services.metadata();
    const topics = wantsAll
      ? [...image.topicsByName.values()].map((t) => describeTopic(t, image, ctx, request))
      : (request.topics as Message[]).map((t) => describeRequested(t, image, ctx, request));
    return {
      throttleTimeMs: 0,
      brokers: image.liveBrokers().flatMap((b) => {
        const ep = b.endpoints.find((e) => e.name === ctx.listenerName);
        return ep ? [{ nodeId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack }] : [];
      }),
      clusterId: image.clusterId,
      controllerId: reportedControllerId(image, ctx.listenerName),
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
  },
});

function describeRequested(wanted: Message, image: MetadataImage, ctx: RequestContext, request: Message): Message {
  const byId = wanted.name === null || wanted.name === undefined;
  const topic = byId ? image.topicsById.get(wanted.topicId) : image.topic(wanted.name);
  if (topic) return describeTopic(topic, image, ctx, request);
  const problem = byId ? undefined : topicNameProblem(wanted.name);
  return {
    errorCode: problem ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    name: wanted.name ?? null,
    topicId: byId ? wanted.topicId : ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPERATIONS_NOT_REQUESTED,
  };
}

function describeTopic(topic: TopicImage, image: MetadataImage, ctx: RequestContext, request: Message): Message {
  const partitions = [...topic.partitions.values()]
    .sort((a, b) => a.partition - b.partition)
    .map((p) => {
      const leaderReachable = image.endpointFor(p.leader, ctx.listenerName) !== undefined && !image.brokers.get(p.leader)?.fenced;
      return {
        errorCode: leaderReachable ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p.partition,
        leaderId: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr,
        offlineReplicas: p.replicas.filter((r) => !image.brokers.has(r) || image.brokers.get(r)!.fenced),
      };
    });
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions,
    topicAuthorizedOperations: request.includeTopicAuthorizedOperations ? TOPIC_OPERATIONS : OPERATIONS_NOT_REQUESTED,
  };
}
