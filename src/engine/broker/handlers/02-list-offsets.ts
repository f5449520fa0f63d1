/**
 * ListOffsets (key 2), versions 0-10. v0 answers with a list of old-style offsets.
 *
 * Per partition, by the requested timestamp: -1 latest (the high watermark, or the last stable
 * offset for read_committed), -2 earliest (log start offset), -3 the record with the largest
 * timestamp (v7+), -4 earliest local (v8+; the log start offset, kt keeps no remote tier),
 * -5 latest tiered (v9+; nothing is tiered: -1), otherwise the first offset whose timestamp is at
 * least the one given (-1 when there is none).
 *
 * As in Kafka's Partition.fetchOffsetForTimestamp, everything but earliest is bounded by what the
 * isolation level may read: an answer at or past the high watermark (read_committed: the last stable
 * offset) is no answer (-1), so a consumer never learns of records it cannot fetch yet.
 *
 * v2 isolation level; v4 current leader epoch fencing and the leader epoch of the answer;
 * v6 flexible; v10 timeout for remote lookups.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/messages/02-list-offsets.js';
import type { PartitionLog } from '../../log/partition-log.js';
import { READ_COMMITTED } from '../fetch-reader.js';
import { defineHandler } from '../handler.js';

const LATEST = -1, EARLIEST = -2, MAX_TIMESTAMP = -3, EARLIEST_LOCAL = -4, LATEST_TIERED = -5;

export default defineHandler({
  apiKey: 2,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 10,
  request: ListOffsetsRequest,
  response: ListOffsetsResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    const replicas = ctx.services.replicaManager;
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => {
          const found = replicas.leaderFor(image, t.name, p.partitionIndex);
          const answer = (errorCode: number, offset = -1, timestamp = -1, leaderEpoch = -1) => ({
            partitionIndex: p.partitionIndex,
            errorCode,
            timestamp,
            offset,
            leaderEpoch,
          });
          if ('errorCode' in found) return answer(found.errorCode);
          if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch !== found.state.leaderEpoch) {
            return answer(p.currentLeaderEpoch < found.state.leaderEpoch ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH);
          }
          const log = found.hosted.log;
          const located = locate(log, p.timestamp, request.isolationLevel);
          const result = answer(ErrorCode.NONE, located.offset, located.timestamp, located.leaderEpoch);
          return ctx.apiVersion === 0 ? { ...result, oldStyleOffsets: located.offset >= 0 ? [located.offset] : [] } : result;
        }),
      })),
    };
  },
});

function locate(log: PartitionLog, timestamp: number, isolationLevel: number): { offset: number; timestamp: number; leaderEpoch: number } {
  const epochAt = (offset: number) => log.leaderEpochCache.epochForOffset(offset);
  const lastFetchable = isolationLevel === READ_COMMITTED ? log.lastStableOffset : log.highWatermark;
  const none = { offset: -1, timestamp: -1, leaderEpoch: -1 };
  switch (timestamp) {
    case LATEST:
      return { offset: lastFetchable, timestamp: -1, leaderEpoch: log.latestEpoch };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: log.logStartOffset, timestamp: -1, leaderEpoch: epochAt(log.logStartOffset) };
    case LATEST_TIERED:
      return none;
    case MAX_TIMESTAMP: {
      const found = log.maxTimestampAndOffset();
      return found && found.offset < lastFetchable ? found : none;
    }
    default: {
      const found = log.offsetForTimestamp(timestamp);
      return found && found.offset < lastFetchable ? found : none;
    }
  }
}
