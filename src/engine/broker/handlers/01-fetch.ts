/**
 * Fetch (key 1), versions 0-17 (0-3 stay advertised for librdkafka 2.0's feature checks, as for Produce).
 *
 * Reads each partition from its fetch offset up to the high watermark (read_uncommitted) or the last
 * stable offset (read_committed, with the aborted transactions overlapping what was read), within
 * partitionMaxBytes and the response's maxBytes; the first batch is returned even when it alone
 * exceeds them. With fewer than minBytes available the fetch waits in the purgatory until writes
 * bring enough visible bytes (for read_committed: bytes a marker made stable) or maxWaitMs passes.
 * v7+ fetch sessions (fetch-session.ts) let clients send only changed partitions and get back only
 * partitions with news (a moved last stable offset is news).
 *
 * A fetch with a replica id (v0-14 replicaId, v15+ replicaState) comes from a follower: it reads to
 * the log end offset and moves the follower's position at the leader (fetch-reader.ts).
 *
 * v1 throttle time; v3 response maxBytes; v4 isolation level, last stable offset, aborted transactions; v5 log start offset; v7 fetch
 * sessions and top-level error; v9 current leader epoch; v11 rack id, preferred read replica;
 * v12 flexible, diverging epoch; v13 topic ids; v15 replica state; v16 node endpoints;
 * v17 replica directory id.
 */
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import { FetchRequest, FetchResponse } from '../../protocol/messages/01-fetch.js';
import { FetchSessionCache, newSessionPartition, type RequestedPartition, type SessionPartition } from '../fetch-session.js';
import { READ_COMMITTED, readPartitions, type PartitionRead } from '../fetch-reader.js';
import { hostKey } from '../replica-manager.js';
import { defineHandler, type RequestContext } from '../handler.js';

export default defineHandler({
  apiKey: 1,
  name: 'Fetch',
  minVersion: 0,
  maxVersion: 17,
  request: FetchRequest,
  response: FetchResponse,
  async handle(request, ctx) {
    const byId = ctx.apiVersion >= 13;
    const image = ctx.services.metadata();
    const topicKey = (t: Message) => (byId ? t.topicId : t.topic);
    const requested: RequestedPartition[] = (request.topics as Message[]).flatMap((t) =>
      (t.partitions as Message[]).map((p) => ({
        topicKey: topicKey(t),
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        partitionMaxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
        lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
        logStartOffset: p.logStartOffset,
      })),
    );
    const forgotten = (request.forgottenTopicsData as Message[]).flatMap((t) =>
      (t.partitions as number[]).map((partition) => ({ topicKey: topicKey(t), partition })),
    );

    const sessions = ctx.services.fetchSessions;
    const resolved =
      ctx.apiVersion >= 7
        ? sessions.resolve(request.sessionId, request.sessionEpoch, requested, forgotten)
        : { kind: 'fetch' as const, sessionId: 0, incremental: false, partitions: requested.map(newSessionPartition) };
    if (resolved.kind === 'error') return { throttleTimeMs: 0, errorCode: resolved.errorCode, sessionId: 0, responses: [] };

    const nameOf = (key: string) => (byId ? image.topicsById.get(key)?.name : key);
    const reads: (PartitionRead & { key: SessionPartition })[] = resolved.partitions.map((p) => ({
      topic: nameOf(p.topicKey) ?? '',
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      partitionMaxBytes: p.partitionMaxBytes,
      currentLeaderEpoch: p.currentLeaderEpoch,
      lastFetchedEpoch: p.lastFetchedEpoch,
      key: p,
    }));
    const replicaId: number = ctx.apiVersion >= 15 ? (request.replicaState?.replicaId ?? -1) : request.replicaId;
    const maxBytes: number = request.maxBytes;
    let outcome = readPartitions(ctx.services.replicaManager, image, reads, maxBytes, request.isolationLevel, replicaId);
    if (request.maxWaitMs > 0 && outcome.totalBytes < request.minBytes && !outcome.anyError && reads.length > 0) {
      await ctx.services.replicaManager.purgatory.wait(
        reads.map((r) => hostKey(r.topic, r.partition)),
        request.minBytes - outcome.totalBytes,
        request.maxWaitMs,
        replicaId >= 0 ? 'replica' : request.isolationLevel === READ_COMMITTED ? 'read_committed' : 'read_uncommitted',
      );
      outcome = readPartitions(ctx.services.replicaManager, ctx.services.metadata(), reads, maxBytes, request.isolationLevel, replicaId);
    }

    const byTopic = new Map<string, Message[]>();
    outcome.results.forEach((res, i) => {
      const read = reads[i];
      const unknownId = byId && read.topic === '';
      const errorCode = unknownId ? ErrorCode.UNKNOWN_TOPIC_ID : res.errorCode;
      const send = FetchSessionCache.mustSend(read.key, {
        errorCode,
        hasRecords: res.records.length > 0,
        highWatermark: res.highWatermark,
        lastStableOffset: res.lastStableOffset,
        logStartOffset: res.logStartOffset,
      });
      if (resolved.incremental && !send) return;
      let list = byTopic.get(read.key.topicKey);
      if (!list) byTopic.set(read.key.topicKey, (list = []));
      list.push({
        partitionIndex: read.partition,
        errorCode,
        highWatermark: res.highWatermark,
        lastStableOffset: res.lastStableOffset,
        logStartOffset: res.logStartOffset,
        currentLeader: errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || errorCode === ErrorCode.FENCED_LEADER_EPOCH ? res.currentLeader : undefined,
        abortedTransactions: res.abortedTransactions,
        divergingEpoch: res.divergingEpoch,
        preferredReadReplica: -1,
        records: res.records,
      });
    });
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: resolved.sessionId,
      responses: [...byTopic].map(([key, partitions]) => (byId ? { topicId: key, partitions } : { topic: key, partitions })),
      nodeEndpoints: nodeEndpoints(ctx, outcome.results.some((r) => r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER)),
    };
  },
});

/** v16+: endpoints of the leaders named in currentLeader hints (KIP-951), when any were sent. */
function nodeEndpoints(ctx: RequestContext, anyMoved: boolean): Message[] {
  if (!anyMoved) return [];
  return ctx.services
    .metadata()
    .liveBrokers()
    .flatMap((b) => {
      const ep = b.endpoints.find((e) => e.name === ctx.listenerName);
      return ep ? [{ nodeId: b.nodeId, host: ep.host, port: ep.port, rack: b.rack }] : [];
    });
}
