/**
 * DeleteRecords (key 21), versions 0-2.
 *
 * Moves each partition's log start offset up to the given offset (-1: the high watermark); segments
 * wholly below it are deleted. Offsets beyond the high watermark get OFFSET_OUT_OF_RANGE. The
 * response's low watermark is the new log start offset.
 *
 * v1 no wire change; v2 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DeleteRecordsRequest, DeleteRecordsResponse } from '../../protocol/messages/21-delete-records.js';
import { OffsetOutOfRangeError } from '../../log/errors.js';
import { defineHandler } from '../handler.js';

export default defineHandler({
  apiKey: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  request: DeleteRecordsRequest,
  response: DeleteRecordsResponse,
  handle(request, ctx) {
    const image = ctx.services.metadata();
    return {
      throttleTimeMs: 0,
      topics: (request.topics as Message[]).map((t) => ({
        name: t.name,
        partitions: (t.partitions as Message[]).map((p) => {
          const found = ctx.services.replicaManager.leaderFor(image, t.name, p.partitionIndex);
          if ('errorCode' in found) return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: found.errorCode };
          try {
            const lowWatermark = found.hosted.log.deleteRecordsBefore(p.offset);
            return { partitionIndex: p.partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
          } catch (err) {
            if (!(err instanceof OffsetOutOfRangeError)) throw err;
            return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
          }
        }),
      })),
    };
  },
});
