/**
 * What a produced batch must pass before it reaches a log (Kafka's LogValidator and the checks in
 * ReplicaManager.appendToLocalLog): exactly one magic-2 batch, an intact CRC, no control batch from a
 * client, a sequence for an idempotent producer, the size limits, timestamps within
 * message.timestamp.before/after.max.ms, and keys on a compacted topic.
 */
import {
  batchAttributes,
  batchMaxTimestamp,
  BATCH_OVERHEAD,
  batchSizeAt,
  isControl,
  readInt64,
  validateBatches,
} from '../records/batch-header.js';
import { hasCompactPolicy } from '../log/log-config.js';
import { ErrorCode } from '../protocol/errors.js';
import { decodeBatch } from '../records/record-batch.js';
import { failed, type AppendResult, type HostedPartition } from './hosted-partition.js';

export function validateProduce(hosted: HostedPartition, records: Buffer | null, fromClient: boolean): AppendResult | undefined {
  if (!records || records.length === 0) return failed(ErrorCode.INVALID_RECORD, 'Produce request carries no record batch');
  const size = batchSizeAt(records, 0);
  if (size !== records.length) {
    return failed(ErrorCode.INVALID_RECORD, 'Produce requests with version 3 and above must contain exactly one record batch');
  }
  // A coordinator's own batch was built in this process a moment ago: its CRC needs no re-check.
  const check = validateBatches(records, fromClient);
  switch (check.kind) {
    case 'ok':
      break;
    case 'unsupported-magic':
      return failed(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Produce requests must contain record batches with magic 2, found magic ${check.magic}`);
    case 'truncated':
      return failed(ErrorCode.CORRUPT_MESSAGE, 'Record batch is truncated');
    default:
      return failed(ErrorCode.CORRUPT_MESSAGE, `Record batch is corrupt: ${check.reason}`);
  }
  if (fromClient) {
    // Kafka's LogValidator.validateBatch rules for client batches.
    if (isControl(batchAttributes(records))) {
      return failed(ErrorCode.INVALID_RECORD, `Clients are not allowed to write control records in topic partition ${hosted.topicName}-${hosted.partition}`);
    }
    const producerId = readInt64(records, 43);
    const baseSequence = records.readInt32BE(53);
    if (producerId >= 0 && baseSequence < 0) {
      return failed(ErrorCode.INVALID_RECORD, `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId} in topic partition ${hosted.topicName}-${hosted.partition}`);
    }
  }
  if (records.length > hosted.config.maxMessageBytes) {
    return failed(ErrorCode.MESSAGE_TOO_LARGE, `The request included a message larger than the max message size the server will accept (${records.length} > ${hosted.config.maxMessageBytes})`);
  }
  if (records.length > hosted.config.segmentBytes) return failed(ErrorCode.RECORD_LIST_TOO_LARGE);
  if (hosted.config.messageTimestampType === 'CreateTime') {
    const now = Date.now();
    for (const ts of [readInt64(records, 27), batchMaxTimestamp(records)]) {
      if (ts < 0) continue;
      if (now - ts > hosted.config.messageTimestampBeforeMaxMs || ts - now > hosted.config.messageTimestampAfterMaxMs) {
        return failed(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${ts} of a record is out of range (message.timestamp.before.max.ms / after.max.ms)`);
      }
    }
  }
  // Coordinator records always have keys; only client batches are decoded to look for a null one.
  if (fromClient && hasCompactPolicy(hosted.config) && records.length > BATCH_OVERHEAD) {
    try {
      if (decodeBatch(records).records.some((r) => r.key === null)) {
        return failed(ErrorCode.INVALID_RECORD, 'Compacted topic cannot accept message without key in topic partition');
      }
    } catch (err) {
      return failed(ErrorCode.CORRUPT_MESSAGE, (err as Error).message);
    }
  }
  return undefined;
}
