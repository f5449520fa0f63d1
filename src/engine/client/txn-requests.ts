/**
 * The producer's requests to the transaction and group coordinators: InitProducerId,
 * AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit and EndTxn (the versions of the last two
 * follow the transaction's protocol, txn-version.ts). Each call retries what Kafka's
 * client retries (a moved or loading coordinator, CONCURRENT_TRANSACTIONS while the previous
 * transaction's markers are being written) until its deadline, and returns the error code it ends
 * with; which codes are fatal and which only abort the transaction is txn-errors.ts's business.
 */
import type { Message } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Cluster, RequestOptions } from './cluster.js';
import type { GroupCoordinators } from './coordinator.js';
import { TimeoutError, isRetriableError, kafkaError } from './errors.js';
import { type TopicPartition, byTopic, tpKey } from './list-offsets.js';
import type { ProducerIdAndEpoch } from './producer-sequences.js';
import { backoffMs, sleep } from './timing.js';

/** Clients send AddPartitionsToTxn up to v3; v4+ is the brokers' batched, verify-only form. */
const ADD_PARTITIONS_CLIENT_VERSIONS: Versions = { maxVersion: 3 };

type Versions = Pick<RequestOptions, 'minVersion' | 'maxVersion'>;

/** Retried at the same coordinator after a short wait (Java retries them every 20-100 ms). */
const RETRY_IN_PLACE: ReadonlySet<number> = new Set([ErrorCode.CONCURRENT_TRANSACTIONS, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

export interface Deadline {
  at: number;
  what: string;
}

async function call(
  coordinators: GroupCoordinators,
  key: string,
  apiKey: number,
  body: (version: number) => Message,
  errorOf: (response: Message, version: number) => number,
  deadline: Deadline,
  versions: Versions = {},
): Promise<{ response: Message; version: number; code: number }> {
  for (let attempt = 0; ; attempt++) {
    const left = deadline.at - Date.now();
    if (left <= 0) throw new TimeoutError(`Timeout expired while ${deadline.what}`);
    const { response, version } = await coordinators.request(key, apiKey, body, errorOf, { timeoutMs: left, ...versions });
    const code = errorOf(response, version);
    if (!RETRY_IN_PLACE.has(code)) return { response, version, code };
    const wait = backoffMs(attempt, 20, 500);
    if (Date.now() + wait >= deadline.at) throw new TimeoutError(`Timeout expired while ${deadline.what}: ${kafkaError(code).message}`);
    await sleep(wait);
  }
}

/**
 * InitProducerId. A transactional id goes to its coordinator; an idempotent producer asks any
 * broker. `current` (v3+, KIP-360) lets the coordinator bump the epoch of the producer id it knows
 * instead of fencing it.
 */
export async function initProducerId(
  cluster: Cluster,
  coordinators: GroupCoordinators | null,
  transactionalId: string | null,
  transactionTimeoutMs: number,
  current: ProducerIdAndEpoch | null,
  deadline: Deadline,
): Promise<{ code: number; identity: ProducerIdAndEpoch; version: number }> {
  const body = (v: number): Message => ({
    transactionalId,
    transactionTimeoutMs,
    producerId: v >= 3 && current ? current.producerId : -1,
    producerEpoch: v >= 3 && current ? current.epoch : -1,
  });
  const identityOf = (r: Message) => ({ producerId: r.producerId as number, epoch: r.producerEpoch as number });
  if (coordinators && transactionalId !== null) {
    const { response, version, code } = await call(coordinators, transactionalId, 22, body, (r) => r.errorCode, deadline);
    return { code, identity: identityOf(response), version };
  }
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      const { response, version } = await cluster.request('any', 22, body, { timeoutMs: Math.max(1, deadline.at - Date.now()) });
      if (!RETRY_IN_PLACE.has(response.errorCode) && !kafkaErrorRetriable(response.errorCode)) return { code: response.errorCode, identity: identityOf(response), version };
      failure = kafkaError(response.errorCode, null, 'InitProducerId');
    } catch (err) {
      if (!isRetriableError(err)) throw err;
      failure = err;
    }
    const wait = backoffMs(attempt);
    if (Date.now() + wait >= deadline.at) throw new TimeoutError(`Timeout expired while ${deadline.what}: ${(failure as Error).message}`);
    await sleep(wait);
  }
}

const kafkaErrorRetriable = (code: number): boolean => code !== ErrorCode.NONE && isRetriableError(kafkaError(code));

/** AddPartitionsToTxn (v0-3): each partition's error code, keyed by tpKey. */
export async function addPartitionsToTxn(
  coordinators: GroupCoordinators,
  transactionalId: string,
  identity: ProducerIdAndEpoch,
  partitions: readonly TopicPartition[],
  deadline: Deadline,
): Promise<Map<string, number>> {
  const topics = [...byTopic(partitions)].map(([name, tps]) => ({ name, partitions: tps.map((tp) => tp.partition) }));
  const body = () => ({
    v3AndBelowTransactionalId: transactionalId,
    v3AndBelowProducerId: identity.producerId,
    v3AndBelowProducerEpoch: identity.epoch,
    v3AndBelowTopics: topics,
  });
  const results = (r: Message): Message[] =>
    (r.resultsByTopicV3AndBelow as Message[]).flatMap((t) => (t.resultsByPartition as Message[]).map((p) => ({ ...p, topic: t.name })));
  // A coordinator-wide problem is reported on every partition; any one of them tells.
  const errorOf = (r: Message) => {
    const codes = results(r).map((p) => p.partitionErrorCode as number);
    return codes.find((c) => RETRY_IN_PLACE.has(c) || c === ErrorCode.NOT_COORDINATOR || c === ErrorCode.COORDINATOR_NOT_AVAILABLE) ?? ErrorCode.NONE;
  };
  const { response } = await call(coordinators, transactionalId, 24, body, errorOf, deadline, ADD_PARTITIONS_CLIENT_VERSIONS);
  const out = new Map<string, number>();
  for (const p of results(response)) out.set(tpKey(p.topic, p.partitionIndex), p.partitionErrorCode);
  return out;
}

export async function addOffsetsToTxn(
  coordinators: GroupCoordinators,
  transactionalId: string,
  identity: ProducerIdAndEpoch,
  groupId: string,
  deadline: Deadline,
): Promise<number> {
  const body = () => ({ transactionalId, producerId: identity.producerId, producerEpoch: identity.epoch, groupId });
  return (await call(coordinators, transactionalId, 25, body, (r) => r.errorCode, deadline)).code;
}

export interface GroupMetadata {
  groupId: string;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
}

export interface TxnOffset extends TopicPartition {
  offset: number;
  leaderEpoch?: number;
  metadata?: string | null;
}

/** TxnOffsetCommit at the group's coordinator: the first partition error, or NONE. */
export async function txnOffsetCommit(
  groupCoordinators: GroupCoordinators,
  transactionalId: string,
  identity: ProducerIdAndEpoch,
  group: GroupMetadata,
  offsets: readonly TxnOffset[],
  deadline: Deadline,
  versions: Versions = {},
): Promise<number> {
  const topics = [...byTopic(offsets)].map(([name, list]) => ({
    name,
    partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, committedMetadata: o.metadata ?? '' })),
  }));
  const body = () => ({
    transactionalId,
    groupId: group.groupId,
    producerId: identity.producerId,
    producerEpoch: identity.epoch,
    generationId: group.generationId ?? -1,
    memberId: group.memberId ?? '',
    groupInstanceId: group.groupInstanceId ?? null,
    topics,
  });
  const firstError = (r: Message) =>
    (r.topics as Message[]).flatMap((t) => (t.partitions as Message[]).map((p) => p.errorCode as number)).find((c) => c !== ErrorCode.NONE) ?? ErrorCode.NONE;
  for (let attempt = 0; ; attempt++) {
    const { code } = await call(groupCoordinators, group.groupId, 28, body, firstError, deadline, versions);
    // Java retries these at the group coordinator too (TxnOffsetCommitHandler).
    if (code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && code !== ErrorCode.REQUEST_TIMED_OUT) return code;
    if (Date.now() + backoffMs(attempt) >= deadline.at) return code;
    await sleep(backoffMs(attempt));
  }
}

/** EndTxn; from v5 (KIP-890 part 2) the answer carries the producer id and epoch to use next. */
export async function endTxn(
  coordinators: GroupCoordinators,
  transactionalId: string,
  identity: ProducerIdAndEpoch,
  commit: boolean,
  deadline: Deadline,
  versions: Versions = {},
): Promise<{ code: number; next: ProducerIdAndEpoch | null }> {
  const body = () => ({ transactionalId, producerId: identity.producerId, producerEpoch: identity.epoch, committed: commit });
  const { response, version, code } = await call(coordinators, transactionalId, 26, body, (r) => r.errorCode, deadline, versions);
  const next = version >= 5 && code === ErrorCode.NONE && response.producerEpoch >= 0 ? { producerId: response.producerId as number, epoch: response.producerEpoch as number } : null;
  return { code, next };
}
