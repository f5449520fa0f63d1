/**
 * Typed failures of the record codec. The broker maps these to Kafka error codes (CORRUPT_MESSAGE,
 * UNSUPPORTED_FOR_MESSAGE_FORMAT), so every way a batch can be malformed must surface as one of
 * them rather than as a RangeError from a Buffer read or a native decompressor's own error.
 */

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
  /** Byte position in the buffer being decoded, when known (for logs and recovery truncation). */
  readonly position: number | undefined;

  constructor(message: string, position?: number, options?: { cause?: unknown }) {
    super(position === undefined ? message : `${message} (at byte ${position})`, options);
    this.position = position;
  }
}

export class UnsupportedMagicError extends Error {
  override readonly name = 'UnsupportedMagicError';

  constructor(
    readonly magic: number,
    readonly position?: number,
  ) {
    super(`record format magic ${magic} is not supported (only magic 2 record batches are)`);
  }
}
