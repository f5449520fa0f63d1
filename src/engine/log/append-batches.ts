/**
 * Walking the batches of an append before anything is written: the leader assigns offsets (and
 * checks idempotent/transactional batches against the producer state), a follower checks that the
 * leader's offsets continue the log. Only batch headers are read; nothing is decoded, except the
 * single record of a control batch.
 */
import { BATCH_OVERHEAD, batchSizeAt, readInt64, setBaseOffset, setPartitionLeaderEpoch, stampLogAppendTime } from '../records/batch-header.js';
import { ProducerStateError, UnexpectedAppendOffsetError } from './errors.js';
import type { AppendOrigin } from './producer-state/producer-append-info.js';
import { ProducerAppend } from './producer-state/producer-append.js';
import type { BatchMetadata } from './producer-state/producer-state-entry.js';
import type { ProducerStateManager } from './producer-state/producer-state-manager.js';

const CONTROL_BIT = 0x20;

export interface LeaderAppendParams {
  name: string;
  baseOffset: number;
  leaderEpoch: number;
  /** The broker time to stamp (LogAppendTime), else -1. */
  logAppendTime: number;
  origin: 'client' | 'coordinator';
  transactionVersion: number;
  producerState: ProducerStateManager;
}

export interface LeaderAppendPlan {
  lastOffset: number;
  maxTimestamp: number;
  /** The producer-state changes to commit once written; undefined when no batch had a producer id. */
  producers: ProducerAppend | undefined;
  /** Set when the append is a client's retry: nothing must be written. */
  duplicate: BatchMetadata | undefined;
}

/**
 * Assign offsets from `baseOffset` by patching each batch's base offset and leader epoch in place
 * (and under LogAppendTime its timestamp and CRC). A batch without a producer id costs one int64
 * read more than before producer state existed; one with a producer id a map lookup and a few
 * comparisons. Throws ProducerStateError when the producer state refuses a batch.
 */
export function planLeaderAppend(records: Buffer, p: LeaderAppendParams): LeaderAppendPlan {
  let next = p.baseOffset;
  let maxTimestamp = -1;
  let producers: ProducerAppend | undefined;
  for (let at = 0; at < records.length; ) {
    const size = batchSizeAt(records, at);
    if (size < BATCH_OVERHEAD || at + size > records.length) throw new Error(`Malformed batch at byte ${at} of an append to ${p.name}`);
    setBaseOffset(records, at, next);
    if (p.leaderEpoch >= 0) setPartitionLeaderEpoch(records, at, p.leaderEpoch);
    if (p.logAppendTime >= 0) stampLogAppendTime(records, at, p.logAppendTime);
    if (readInt64(records, at + 43) >= 0) {
      if (p.origin === 'client' && (records[at + 22]! & CONTROL_BIT) !== 0) throw new ProducerStateError('INVALID_RECORD', `Control batches are not allowed in a produce to ${p.name}`);
      producers ??= new ProducerAppend(p.producerState, p.origin, p.transactionVersion);
      const duplicate = producers.add(records, at);
      if (duplicate) return { lastOffset: -1, maxTimestamp: -1, producers: undefined, duplicate };
    }
    const ts = readInt64(records, at + 35);
    if (ts > maxTimestamp) maxTimestamp = ts;
    next += records.readInt32BE(at + 23) + 1;
    at += size;
  }
  return { lastOffset: next - 1, maxTimestamp, producers, duplicate: undefined };
}

export interface FollowerAppendPlan {
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  /** [leader epoch, base offset] of every batch. */
  epochs: [number, number][];
}

/** A follower's batches keep the leader's offsets: they must start at or after the log end and increase. */
export function planFollowerAppend(records: Buffer, logEndOffset: number, name: string): FollowerAppendPlan {
  const firstOffset = readInt64(records, 0);
  if (firstOffset < logEndOffset) throw new UnexpectedAppendOffsetError(firstOffset, logEndOffset, name);
  let prevLast = firstOffset - 1;
  let maxTimestamp = -1;
  const epochs: [number, number][] = [];
  for (let at = 0; at < records.length; ) {
    const size = batchSizeAt(records, at);
    if (size < BATCH_OVERHEAD || at + size > records.length) throw new Error(`Malformed batch at byte ${at} of an append to ${name}`);
    const base = readInt64(records, at);
    if (base <= prevLast) throw new UnexpectedAppendOffsetError(base, prevLast + 1, name);
    prevLast = base + records.readInt32BE(at + 23);
    maxTimestamp = Math.max(maxTimestamp, readInt64(records, at + 35));
    epochs.push([records.readInt32BE(at + 12), base]);
    at += size;
  }
  return { firstOffset, lastOffset: prevLast, maxTimestamp, epochs };
}

/** The producer-state effect of a follower's batches (no validation: the leader did it). */
export function followerProducerAppend(records: Buffer, producerState: ProducerStateManager, origin: AppendOrigin = 'replication'): ProducerAppend | undefined {
  let producers: ProducerAppend | undefined;
  for (let at = 0; at < records.length; at += batchSizeAt(records, at)) {
    if (readInt64(records, at + 43) >= 0) (producers ??= new ProducerAppend(producerState, origin)).add(records, at);
  }
  return producers;
}
