/**
 * ListOffsets: the earliest, latest or first-at-a-timestamp offset of partitions, asked of each
 * partition's leader, with a metadata refresh and retry when leadership moved.
 */
import type { Message } from '../protocol/codec.js';
import type { Cluster } from './cluster.js';
import { TimeoutError, isRetriable, isRetriableError, kafkaError } from './errors.js';
import { backoffMs, sleep } from './timing.js';

/** Kafka's special timestamps for ListOffsets. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const MAX_TIMESTAMP = -3;

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OffsetQuery extends TopicPartition {
  /** A timestamp in ms, or EARLIEST_TIMESTAMP / LATEST_TIMESTAMP / MAX_TIMESTAMP. */
  timestamp: number;
}

export interface OffsetAnswer extends TopicPartition {
  /** -1 when no record has a timestamp at or after the one asked for. */
  offset: number;
  timestamp: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Partitions grouped by topic, topics in first-seen order (how requests list them). */
export function byTopic<T extends TopicPartition>(tps: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const tp of tps) out.set(tp.topic, [...(out.get(tp.topic) ?? []), tp]);
  return out;
}

export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  options: { isolationLevel?: IsolationLevel; timeoutMs?: number } = {},
): Promise<Map<string, OffsetAnswer>> {
  const deadline = Date.now() + (options.timeoutMs ?? cluster.requestTimeoutMs);
  const isolation = options.isolationLevel === 'read_committed' ? 1 : 0;
  const answers = new Map<string, OffsetAnswer>();
  // Partitions a broker left out of its answer are asked again one per request; some brokers
  // (librdkafka's mock cluster) garble multi-partition ListOffsets responses.
  const solo = new Set<string>();
  let pending = [...queries];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const retry: OffsetQuery[] = [];
    let lastError: Error | undefined;
    const requests: [number, OffsetQuery[]][] = [];
    const byLeader = new Map<number, OffsetQuery[]>();
    for (const q of pending) {
      const leader = cluster.leaderFor(q.topic, q.partition);
      if (leader < 0) retry.push(q);
      else if (solo.has(tpKey(q.topic, q.partition))) requests.push([leader, [q]]);
      else byLeader.set(leader, [...(byLeader.get(leader) ?? []), q]);
    }
    requests.push(...byLeader);
    await Promise.all(
      requests.map(async ([node, qs]) => {
        try {
          const { response, version } = await cluster.request(node, 2, (v) => listOffsetsRequest(v, qs, isolation), {
            minVersion: qs.some((q) => q.timestamp === MAX_TIMESTAMP) ? 7 : 0,
          });
          const unanswered = new Set(qs);
          for (const t of response.topics as Message[]) {
            for (const p of t.partitions as Message[]) {
              const q = qs.find((x) => x.topic === t.name && x.partition === p.partitionIndex);
              if (!q) continue;
              unanswered.delete(q);
              if (p.errorCode === 0) {
                const offset = version === 0 ? (p.oldStyleOffsets[0] ?? -1) : p.offset;
                answers.set(tpKey(q.topic, q.partition), { topic: q.topic, partition: q.partition, offset, timestamp: p.timestamp ?? -1 });
              } else if (isRetriable(p.errorCode)) {
                lastError = kafkaError(p.errorCode, null, `ListOffsets for ${q.topic}-${q.partition}`);
                retry.push(q);
              } else {
                throw kafkaError(p.errorCode, null, `ListOffsets for ${q.topic}-${q.partition}`);
              }
            }
          }
          for (const q of unanswered) {
            solo.add(tpKey(q.topic, q.partition));
            lastError = new TimeoutError(`the broker did not answer ListOffsets for ${q.topic}-${q.partition}`);
            retry.push(q);
          }
        } catch (err) {
          if (!isRetriableError(err)) throw err;
          lastError = err as Error;
          retry.push(...qs);
        }
      }),
    );
    pending = retry;
    if (pending.length === 0) break;
    const wait = backoffMs(attempt, 50, 500);
    if (Date.now() + wait >= deadline) {
      throw lastError ?? new TimeoutError(`Timed out looking up offsets of ${pending.map((q) => `${q.topic}-${q.partition}`).join(', ')}`);
    }
    await sleep(wait);
    await cluster.refreshMetadata([...new Set(pending.map((q) => q.topic))]).catch(() => undefined);
  }
  return answers;
}

function listOffsetsRequest(version: number, queries: readonly OffsetQuery[], isolationLevel: number): Message {
  const byTopic = new Map<string, Message[]>();
  for (const q of queries) {
    const list = byTopic.get(q.topic) ?? [];
    list.push({ partitionIndex: q.partition, currentLeaderEpoch: -1, timestamp: q.timestamp, maxNumOffsets: 1 });
    byTopic.set(q.topic, list);
  }
  return {
    replicaId: -1,
    isolationLevel: version >= 2 ? isolationLevel : 0,
    topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    timeoutMs: 30_000,
  };
}
