/** Typed errors of the log layer; the broker maps each to a Kafka error code. */

/** OFFSET_OUT_OF_RANGE: a read (or DeleteRecords) outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends Error {
  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
    readonly partition: string,
  ) {
    super(`Offset ${offset} is out of range for ${partition}: valid offsets are [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/** RECORD_BATCH_TOO_LARGE: an append bigger than a whole segment. */
export class RecordBatchTooLargeError extends Error {
  constructor(readonly size: number, readonly segmentBytes: number, partition: string) {
    super(`Append of ${size} bytes to ${partition} exceeds segment.bytes ${segmentBytes}`);
    this.name = 'RecordBatchTooLargeError';
  }
}

/** A follower append whose first offset is below the log end offset (replication bug or race). */
export class UnexpectedAppendOffsetError extends Error {
  constructor(readonly firstOffset: number, readonly logEndOffset: number, partition: string) {
    super(`Unexpected offset in append to ${partition}: first offset ${firstOffset} is less than the log end offset ${logEndOffset}`);
    this.name = 'UnexpectedAppendOffsetError';
  }
}

/** KAFKA_STORAGE_ERROR: a log dir that cannot be used, or an I/O failure on a log. */
export class LogDirError extends Error {
  constructor(readonly dir: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LogDirError';
  }
}

/** Operation on a log that was closed or deleted. */
export class LogClosedError extends Error {
  constructor(partition: string) {
    super(`Log for ${partition} is closed`);
    this.name = 'LogClosedError';
  }
}

/**
 * An idempotent or transactional append the producer state refuses. `code` is the Kafka error name
 * the broker answers with (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, UNKNOWN_PRODUCER_ID,
 * INVALID_TXN_STATE, TRANSACTION_COORDINATOR_FENCED, ...).
 */
export class ProducerStateError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ProducerStateError';
  }
}
