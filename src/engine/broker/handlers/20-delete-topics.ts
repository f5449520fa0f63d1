/**
 * DeleteTopics (key 20), versions 0-6.
 *
 * The controller commits a RemoveTopicRecord per topic; the broker then deletes the partition logs.
 * Refused with TOPIC_DELETION_DISABLED when delete.topic.enable is false; internal topics
 * (__consumer_offsets, __transaction_state) cannot be deleted, as in Kafka.
 *
 * v1 throttle time; v4 flexible; v5 error messages; v6 topics by name or by id.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/20-delete-topics.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import { isInternalTopic } from '../../metadata/topic-names.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  async handle(request, ctx) {
    const targets: { name?: string; topicId?: string }[] =
      ctx.apiVersion >= 6
        ? request.topics.map((t: Message) => (t.name !== null ? { name: t.name } : { topicId: t.topicId }))
        : request.topicNames.map((name: string) => ({ name }));
    const refuse = (t: { name?: string; topicId?: string }, errorCode: number, errorMessage: string) => ({
      name: t.name ?? null,
      topicId: t.topicId ?? ZERO_UUID,
      errorCode,
      errorMessage,
    });
    if (!ctx.services.config.bool('delete.topic.enable')) {
      return { responses: targets.map((t) => refuse(t, ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.')) };
    }
    const image = ctx.services.metadata();
    const internal = (t: { name?: string; topicId?: string }) =>
      isInternalTopic(t.name ?? image.topicsById.get(t.topicId!)?.name ?? '');
    const allowed = targets.filter((t) => !internal(t));
    const results = await ctx.services.controller.deleteTopics(allowed);
    const byTarget = new Map(allowed.map((t, i) => [t, results[i]]));
    return {
      throttleTimeMs: 0,
      responses: targets.map((t) => {
        const r = byTarget.get(t);
        if (!r) return refuse(t, ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic ${t.name ?? t.topicId} is an internal topic and cannot be deleted.`);
        return { name: r.name, topicId: r.topicId || ZERO_UUID, errorCode: r.errorCode, errorMessage: r.errorMessage };
      }),
    };
  },
});
