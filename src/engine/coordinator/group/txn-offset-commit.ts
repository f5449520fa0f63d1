/**
 * TxnOffsetCommit, after Kafka's OffsetMetadataManager.commitTransactionalOffset: the consumed
 * positions a transactional producer sends with its output (sendOffsetsToTransaction). The group
 * checks the committer as for OffsetCommit but with the transactional relaxations (see
 * validateCommit); then the valid partitions are written to the group's __consumer_offsets
 * partition in one transactional batch of the producer, and held as the producer's pending offsets.
 * They become the group's committed offsets when the transaction's COMMIT marker lands on that
 * partition (GroupCoordinator.completeTransaction), and are dropped by its ABORT marker.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { CoordinatorContext } from './context.js';
import { validateCommit } from './offset-commit.js';
import type { OffsetValue } from './offset-store.js';
import { txnOffsetWriteError } from './offsets-log.js';
import { offsetCommitRecord } from './records.js';

export interface TxnCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+; -1, '' and null from older clients, which carry no member. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null }[] }[];
  apiVersion: number;
}

export interface TxnCommitResult {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export function txnCommitResult(req: Pick<TxnCommitRequest, 'topics'>, errorCode: number): TxnCommitResult {
  return { topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })) };
}

/**
 * KIP-890 part 1 for TxnOffsetCommit: NONE when the group's __consumer_offsets partition is in the
 * producer's ongoing transaction (AddOffsetsToTxn added it), else the transaction coordinator's error.
 */
export type TxnPartitionVerifier = (transactionalId: string, producerId: number, producerEpoch: number, topic: string, partition: number) => number;

/** `verify`: the verification of the group's partition, when it is to be asked (see TxnPartitionVerifier). */
export function commitTransactionalOffsets(ctx: CoordinatorContext, req: TxnCommitRequest, verify?: () => number): TxnCommitResult {
  if (verify) {
    const refused = verificationError(verify(), req.apiVersion);
    if (refused !== ErrorCode.NONE) return txnCommitResult(req, refused);
  }
  const validated = validateCommit(
    ctx,
    { groupId: req.groupId, generationIdOrMemberEpoch: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId, apiVersion: req.apiVersion },
    true,
  );
  if (typeof validated === 'number') return txnCommitResult(req, validated);
  const now = ctx.timer.now();
  const image = ctx.metadata();
  const accepted: { topic: string; partition: number; value: OffsetValue }[] = [];
  const result = req.topics.map((t) => {
    const topic = image.topic(t.name);
    return {
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = ErrorCode.NONE;
        if (!topic?.partitions.has(p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        // Kafka compares the string's length (UTF-16 units), not its encoded size.
        else if (p.committedMetadata !== null && p.committedMetadata.length > ctx.config.offsetMetadataMaxBytes) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
        else {
          accepted.push({
            topic: t.name,
            partition: p.partitionIndex,
            // Transactional commits never carry a retention time: the broker's offsets.retention.minutes applies.
            value: { offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata ?? '', commitTimestamp: now, expireTimestamp: null },
          });
        }
        return { partitionIndex: p.partitionIndex, errorCode };
      }),
    };
  });
  if (accepted.length === 0) return { topics: result };
  const records = accepted.map((a) => offsetCommitRecord(req.groupId, a.topic, a.partition, a.value));
  const written = ctx.append(req.groupId, records, { producerId: req.producerId, producerEpoch: req.producerEpoch });
  if (written.errorCode !== ErrorCode.NONE) {
    const error = txnOffsetWriteError(written.errorCode);
    for (const t of result) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE) p.errorCode = error;
    return { topics: result };
  }
  accepted.forEach((a, i) => ctx.pending.put(req.producerId, req.groupId, a.topic, a.partition, { ...a.value, recordOffset: written.baseOffset + i }));
  return { topics: result };
}

/**
 * What a refused verification answers, as Kafka's AddPartitionsToTxnManager and coordinator runtime
 * map it: a fenced producer is INVALID_PRODUCER_EPOCH; TRANSACTION_ABORTABLE is new in v4 (older
 * clients get INVALID_TXN_STATE); the transaction coordinator's retriable errors become
 * COORDINATOR_NOT_AVAILABLE, which clients retry.
 */
function verificationError(code: number, apiVersion: number): number {
  switch (code) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.PRODUCER_FENCED:
      return ErrorCode.INVALID_PRODUCER_EPOCH;
    case ErrorCode.TRANSACTION_ABORTABLE:
      return apiVersion >= 4 ? code : ErrorCode.INVALID_TXN_STATE;
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
    case ErrorCode.CONCURRENT_TRANSACTIONS:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    default:
      return code;
  }
}
