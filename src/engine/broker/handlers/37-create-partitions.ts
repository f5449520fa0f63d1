/**
 * CreatePartitions (key 37), versions 0-3.
 *
 * Adds partitions to existing topics (never removes); new replicas are placed like new topics'
 * unless the request assigns them. The controller commits one PartitionRecord per new partition.
 *
 * v1 no wire change; v2 flexible; v3 no wire change.
 */
import type { Message } from '../../protocol/codec.js';
import { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/messages/37-create-partitions.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  request: CreatePartitionsRequest,
  response: CreatePartitionsResponse,
  async handle(request, ctx) {
    const results = await ctx.services.controller.createPartitions(
      request.topics.map((t: Message) => ({ name: t.name, count: t.count, assignments: t.assignments })),
      request.validateOnly,
    );
    return {
      throttleTimeMs: 0,
      results: results.map((r) => ({ name: r.name, errorCode: r.errorCode, errorMessage: r.errorMessage })),
    };
  },
});
