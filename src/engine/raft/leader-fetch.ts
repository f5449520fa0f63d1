/**
 * How the leader answers Fetch and FetchSnapshot from followers and observers (Kafka's
 * handleFetchRequest / handleFetchSnapshotRequest on the leader side). Pure functions over the
 * leader's log, snapshots and replica progress, so the client only decides when to call them.
 */
import { validateFetchPosition } from './fetch-validation.js';
import type { LeaderProgress } from './leader-progress.js';
import { RaftError, type FetchRequest, type FetchResponse, type FetchSnapshotRequest, type FetchSnapshotResponse } from './messages.js';
import type { RaftConfig } from './raft-config.js';
import type { RaftLog } from './raft-log.js';
import type { SnapshotStore } from './snapshot-store.js';

export interface LeaderContext {
  localId: number;
  epoch: number;
  log: RaftLog;
  snapshots: SnapshotStore;
  progress: LeaderProgress;
  config: RaftConfig;
}

/** What answering a fetch decided: a response now, or hold it until data or the HW moves. */
export type FetchAnswer = { response: FetchResponse; highWatermarkMoved: boolean } | { park: true; highWatermarkMoved: boolean };

export function answerFetch(ctx: LeaderContext, request: FetchRequest, nowMs: number, mayPark: boolean): FetchAnswer {
  const base = {
    kind: 'FetchResponse' as const,
    errorCode: RaftError.NONE,
    highWatermark: ctx.progress.hw,
    logStartOffset: ctx.log.startOffset(),
    currentLeader: { leaderId: ctx.localId, leaderEpoch: ctx.epoch },
    records: [],
  };
  const position = validateFetchPosition(ctx.log, ctx.snapshots, request.fetchOffset, request.lastFetchedEpoch);
  if (position.kind === 'diverging') {
    return { response: { ...base, divergingEpoch: position.divergingEpoch }, highWatermarkMoved: false };
  }
  if (position.kind === 'snapshot') {
    ctx.progress.acknowledge(request.replicaId);
    return { response: { ...base, snapshotId: position.snapshotId }, highWatermarkMoved: false };
  }
  // A valid position proves the replica holds the leader's log up to the fetch offset.
  const moved = ctx.progress.recordFetch(request.replicaId, request.fetchOffset, ctx.log.endOffset(), nowMs);
  const records = request.fetchOffset < ctx.log.endOffset() ? ctx.log.read(request.fetchOffset, ctx.config.fetchMaxRecords) : [];
  // Hold a fetch with nothing to return until data arrives or the HW moves, unless the fetcher
  // has yet to learn the current HW.
  const fetcherKnowsHw = request.highWatermark >= ctx.progress.hw;
  if (records.length === 0 && mayPark && request.maxWaitMs > 0 && !moved && fetcherKnowsHw) return { park: true, highWatermarkMoved: false };
  return { response: { ...base, highWatermark: ctx.progress.hw, records }, highWatermarkMoved: moved };
}

export function answerFetchSnapshot(ctx: LeaderContext, request: FetchSnapshotRequest): FetchSnapshotResponse {
  const base = {
    kind: 'FetchSnapshotResponse' as const,
    snapshotId: request.snapshotId,
    currentLeader: { leaderId: ctx.localId, leaderEpoch: ctx.epoch },
    size: 0,
    position: request.position,
    unalignedRecords: new Uint8Array(0),
  };
  const size = ctx.snapshots.size(request.snapshotId);
  if (size === undefined) return { ...base, errorCode: RaftError.SNAPSHOT_NOT_FOUND };
  if (request.position < 0 || request.position > size) return { ...base, errorCode: RaftError.POSITION_OUT_OF_RANGE, size };
  // Downloading a snapshot is contact with the leader for check quorum, as a fetch is.
  ctx.progress.acknowledge(request.replicaId);
  const maxBytes = Math.max(1, Math.min(request.maxBytes, ctx.config.fetchSnapshotMaxBytes));
  const chunk = ctx.snapshots.read(request.snapshotId, request.position, maxBytes);
  return { ...base, errorCode: RaftError.NONE, size, unalignedRecords: chunk };
}
