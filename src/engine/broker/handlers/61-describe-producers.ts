/**
 * DescribeProducers (key 61), version 0 (flexible): the idempotent and transactional producers each
 * partition's log remembers — producer id and epoch, last sequence and timestamp, coordinator epoch,
 * and the first offset of an open transaction (what `kt transactions describe-producers` and
 * kafka-transactions.sh find-hanging read).
 *
 * As Kafka's KafkaApis/ReplicaManager.activeProducerState: a topic not in the metadata is
 * UNKNOWN_TOPIC_OR_PARTITION for each partition asked; a partition this broker does not host is
 * NOT_LEADER_OR_FOLLOWER when it exists, else UNKNOWN_TOPIC_OR_PARTITION.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DescribeProducersRequest, DescribeProducersResponse } from '../../protocol/messages/61-describe-producers.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  request: DescribeProducersRequest,
  response: DescribeProducersResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    const replicas = ctx.services.replicaManager;
    const failed = (partitionIndex: number, errorCode: number) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] });
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => {
        const topic = image.topic(t.name);
        return {
          name: t.name,
          partitions: (t.partitionIndexes as number[]).map((partitionIndex) => {
            if (!topic) return failed(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const hosted = replicas.get(t.name, partitionIndex);
            if (!hosted) {
              return failed(partitionIndex, topic.partitions.has(partitionIndex) ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            }
            return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: hosted.log.activeProducers() };
          }),
        };
      }),
    };
  },
  errorResponse(request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] })),
      })),
    };
  },
});
