/**
 * DescribeConfigs (key 32), versions 0-4. v0 is deprecated upstream but still accepted by Kafka 3.9
 * and costs nothing; kafkajs sends v0-v2, librdkafka and the Java client v1+.
 *
 * TOPIC: every topic config with its value in force — the topic's override, else the broker's
 * server key (dynamic per-broker, dynamic cluster default, static, default) — and its source.
 * Unknown topics get UNKNOWN_TOPIC_OR_PARTITION, illegal names INVALID_TOPIC_EXCEPTION.
 * BROKER: this node's id describes every broker key; "" describes the cluster-wide dynamic
 * defaults only, as Kafka does; another id is INVALID_REQUEST. BROKER_LOGGER: kt has no per-logger
 * levels, so this node's id answers an empty list. configurationKeys null or empty means all keys.
 *
 * v1 includeSynonyms; the response's configSource and synonyms replace isDefault. v2 no wire change
 * (throttling after the response). v3 includeDocumentation; configType and documentation. v4 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { DescribeConfigsRequest, DescribeConfigsResponse } from '../../protocol/messages/32-describe-configs.js';
import { ConfigResourceType } from '../../metadata/record-types.js';
import { topicNameProblem } from '../../metadata/topic-names.js';
import { defineHandler, type RequestContext } from '../handler.js';
import { describeBrokerConfigs, describeTopicConfigs, type DescribedConfig, type DescribeOptions } from '../topic-configs.js';

const KNOWN_TYPES: readonly number[] = [ConfigResourceType.Topic, ConfigResourceType.Broker, ConfigResourceType.BrokerLogger];

export default defineHandler({
  apiKey: 32,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  request: DescribeConfigsRequest,
  response: DescribeConfigsResponse,
  handle(request, ctx) {
    const resources = request.resources as Message[];
    // Kafka fails the whole request when a resource type is unknown: authorizing it throws.
    const unknown = resources.find((r) => !KNOWN_TYPES.includes(r.resourceType));
    if (unknown) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected resource type ${unknown.resourceType} for resource ${unknown.resourceName}`);
    const opts = (r: Message): DescribeOptions => ({
      keys: r.configurationKeys,
      includeSynonyms: ctx.apiVersion >= 1 && request.includeSynonyms,
      includeDocumentation: ctx.apiVersion >= 3 && request.includeDocumentation,
    });
    return { throttleTimeMs: 0, results: resources.map((r) => describe(r, opts(r), ctx)) };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      results: request.resources.map((r: Message) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })),
    };
  },
});

function describe(resource: Message, opts: DescribeOptions, ctx: RequestContext): Message {
  const { resourceType, resourceName } = resource;
  const answer = (configs: DescribedConfig[], errorCode: number = ErrorCode.NONE, errorMessage: string | null = null): Message => ({
    errorCode,
    errorMessage,
    resourceType,
    resourceName,
    configs,
  });
  const invalid = (message: string) => answer([], ErrorCode.INVALID_REQUEST, message);
  const { config, nodeId } = ctx.services;
  const image = ctx.services.metadata();

  if (resourceType === ConfigResourceType.Topic) {
    const problem = topicNameProblem(resourceName);
    if (problem) return answer([], ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    const topic = image.topic(resourceName);
    if (!topic) return answer([], ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return answer(describeTopicConfigs(topic, config, image, nodeId, opts));
  }

  const isInt = /^[-+]?\d+$/.test(resourceName);
  if (resourceType === ConfigResourceType.Broker) {
    if (resourceName === '') return answer(describeBrokerConfigs(config, image, nodeId, '', opts));
    if (!isInt) return invalid(`Broker id must be an integer, but it is: ${resourceName}`);
    if (Number(resourceName) !== nodeId) return invalid(`Unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`);
    return answer(describeBrokerConfigs(config, image, nodeId, resourceName, opts));
  }

  if (resourceName === '') return invalid('Broker id must not be empty');
  if (!isInt) return invalid(`Broker id must be an integer, but it is: ${resourceName}`);
  if (Number(resourceName) !== nodeId) return invalid(`Unexpected broker id, expected ${nodeId} but received ${resourceName}`);
  return answer([]);
}
