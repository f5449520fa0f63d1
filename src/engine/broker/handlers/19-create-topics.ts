/**
 * CreateTopics (key 19), versions 0-7.
 *
 * Forwards the topics to the controller, which validates each one (name, duplicates, partitions,
 * replication factor against the registered brokers, replica assignment, topic configs) and commits
 * TopicRecord, ConfigRecord and PartitionRecord batches to the metadata log. -1 partitions or
 * replication factor take num.partitions / default.replication.factor. validateOnly checks without
 * creating.
 *
 * v1 validateOnly and error messages; v2 throttle time; v4 -1 defaults allowed; v5 flexible, the
 * response echoes partitions, replication factor and the topic's configs; v7 topic ids.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/messages/19-create-topics.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  async handle(request, ctx) {
    const { controller, config } = ctx.services;
    const results = await controller.createTopics(
      request.topics.map((t: Message) => ({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments,
        configs: t.configs,
      })),
      { numPartitions: config.int('num.partitions'), replicationFactor: config.int('default.replication.factor') },
      request.validateOnly,
    );
    return {
      throttleTimeMs: 0,
      topics: results.map((r) => {
        const created = r.errorCode === ErrorCode.NONE;
        return {
          name: r.name,
          topicId: created && !request.validateOnly ? r.topicId : undefined,
          errorCode: r.errorCode,
          errorMessage: r.errorMessage,
          numPartitions: r.numPartitions,
          replicationFactor: r.replicationFactor,
          configs: created && ctx.apiVersion >= 5 ? ctx.services.topicConfigEntries(r.name) : null,
        };
      }),
    };
  },
  errorResponse(request, errorCode) {
    return {
      topics: request.topics.map((t: Message) => ({ name: t.name, errorCode, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: null })),
    };
  },
});
