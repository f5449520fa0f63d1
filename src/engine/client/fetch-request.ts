/**
 * Fetch requests as a consumer sends them (replica id -1, no fetch session: every request is a
 * full fetch) and their responses flattened to one entry per partition. From v13 topics travel
 * by id, so the version is capped at 12 when a topic's id is unknown (brokers before topic ids).
 */
import type { Message } from '../protocol/codec.js';
import { ZERO_UUID } from '../protocol/primitives.js';
import type { AbortedTransaction } from './fetch-records.js';

export interface FetchTarget {
  topic: string;
  topicId: string;
  partition: number;
  fetchOffset: number;
}

export interface FetchSettings {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  readCommitted: boolean;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  abortedTransactions: AbortedTransaction[] | null;
  records: Buffer | null;
}

/** The highest Fetch version the request can use given which topic ids are known. */
export function maxFetchVersion(targets: readonly FetchTarget[]): number {
  return targets.some((t) => t.topicId === ZERO_UUID) ? 12 : 17;
}

export function fetchRequest(targets: readonly FetchTarget[], s: FetchSettings): Message {
  const byTopic = new Map<string, { topic: string; topicId: string; partitions: Message[] }>();
  for (const t of targets) {
    let entry = byTopic.get(t.topic);
    if (!entry) {
      entry = { topic: t.topic, topicId: t.topicId, partitions: [] };
      byTopic.set(t.topic, entry);
    }
    entry.partitions.push({
      partition: t.partition,
      currentLeaderEpoch: -1,
      fetchOffset: t.fetchOffset,
      lastFetchedEpoch: -1,
      logStartOffset: -1,
      partitionMaxBytes: s.partitionMaxBytes,
    });
  }
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1 },
    maxWaitMs: s.maxWaitMs,
    minBytes: s.minBytes,
    maxBytes: s.maxBytes,
    isolationLevel: s.readCommitted ? 1 : 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...byTopic.values()],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** Partitions of a response; `nameOf` maps topic ids back to names for v13+. */
export function fetchedPartitions(response: Message, nameOf: (topicId: string) => string | undefined): FetchedPartition[] {
  const out: FetchedPartition[] = [];
  for (const t of response.responses as Message[]) {
    const topic = t.topic || nameOf(t.topicId);
    if (topic === undefined) continue;
    for (const p of t.partitions as Message[]) {
      out.push({
        topic,
        partition: p.partitionIndex,
        errorCode: p.errorCode,
        highWatermark: p.highWatermark,
        lastStableOffset: p.lastStableOffset ?? -1,
        logStartOffset: p.logStartOffset ?? -1,
        abortedTransactions: p.abortedTransactions ?? null,
        records: p.records ?? null,
      });
    }
  }
  return out;
}
