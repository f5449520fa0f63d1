/**
 * OffsetForLeaderEpoch (key 23), versions 0-4.
 *
 * For each partition, the largest leader epoch not above the requested one and the offset where the
 * next epoch began (the log end offset for the current epoch), from the partition's leader epoch
 * cache. Consumers use it after a leader change to detect truncated data; followers will use it to
 * find where to truncate.
 *
 * v1 returns the leader epoch; v2 current leader epoch fencing, throttle time; v3 replica id;
 * v4 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse } from '../../protocol/messages/23-offset-for-leader-epoch.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  request: OffsetForLeaderEpochRequest,
  response: OffsetForLeaderEpochResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        topic: t.topic,
        partitions: (t.partitions as Message[]).map((p) => {
          const found = ctx.services.replicaManager.leaderFor(image, t.topic, p.partition);
          const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
          if ('errorCode' in found) return answer(found.errorCode);
          if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== found.state.leaderEpoch) {
            return answer(p.currentLeaderEpoch < found.state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
          }
          const log = found.hosted.log;
          const { epoch, endOffset } = log.leaderEpochCache.endOffsetFor(p.leaderEpoch, log.logEndOffset);
          return answer(ErrorCode.NONE, epoch, endOffset);
        }),
      })),
    };
  },
});
