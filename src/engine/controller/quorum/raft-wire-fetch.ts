/**
 * Fetch (1) and FetchSnapshot (59) of `__cluster_metadata-0` between kt's decoded messages and
 * the Raft client's. kt's quorum sends Fetch v12, the first version with the Raft fields
 * (ClusterId, LastFetchedEpoch, DivergingEpoch, CurrentLeader, SnapshotId), and serves v12-17
 * (v13+ name the topic by id, v15+ carry ReplicaState instead of ReplicaId). Records travel as the
 * leader's Kafka record batches (raft-batch-codec.ts).
 *
 * Fetch's HighWatermark request field (Kafka 4.1, KIP-1166) is not in kt's declarations: requests
 * decode with it "unknown" (Number.MAX_SAFE_INTEGER), and the leader's RaftManager fills in the
 * high watermark it last sent that replica, which gives the leader the same knowledge.
 */
import type { Message } from '../../protocol/codec.js';
import type { FetchRequest, FetchResponse, FetchSnapshotRequest, FetchSnapshotResponse } from '../../raft/index.js';
import { METADATA_TOPIC } from '../metadata-log.js';
import { decodeRaftBatches, encodeRaftBatches } from './raft-batch-codec.js';

export const FETCH_WIRE_VERSION = 12;
export const FETCH_SNAPSHOT_WIRE_VERSION = 0;
/** Kafka's Uuid.METADATA_TOPIC_ID (0, 1) in kt's base64 form: the topic id of __cluster_metadata. */
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

const NO_EPOCH_END = { epoch: -1, endOffset: -1 };

export function fetchRequestToWire(r: FetchRequest): Message {
  return {
    clusterId: r.clusterId,
    replicaId: r.replicaId,
    maxWaitMs: r.maxWaitMs,
    minBytes: 0,
    maxBytes: 0x7fffffff,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID, partitions: [{ partition: 0, currentLeaderEpoch: r.currentLeaderEpoch, fetchOffset: r.fetchOffset, lastFetchedEpoch: r.lastFetchedEpoch, logStartOffset: r.logStartOffset, partitionMaxBytes: 0x7fffffff }] }],
    forgottenTopicsData: [],
    rackId: '',
  };
}

/** The Raft fetch in a Fetch request, or undefined when it does not name __cluster_metadata-0. */
export function fetchRequestFromWire(body: Message, version: number): FetchRequest | undefined {
  const topic = (body.topics as Message[]).find((t) => (version >= 13 ? t.topicId === METADATA_TOPIC_ID : t.topic === METADATA_TOPIC));
  const p = (topic?.partitions as Message[] | undefined)?.find((x) => x.partition === 0);
  if (!p) return undefined;
  const replicaId: number = version >= 15 ? (body.replicaState?.replicaId ?? -1) : body.replicaId;
  return {
    kind: 'FetchRequest',
    clusterId: body.clusterId ?? null,
    replicaId,
    maxWaitMs: body.maxWaitMs,
    currentLeaderEpoch: p.currentLeaderEpoch,
    fetchOffset: p.fetchOffset,
    lastFetchedEpoch: p.lastFetchedEpoch,
    logStartOffset: p.logStartOffset,
    highWatermark: Number.MAX_SAFE_INTEGER,
  };
}

export function fetchResponseToWire(r: FetchResponse, version: number): Message {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: METADATA_TOPIC,
        topicId: METADATA_TOPIC_ID,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: r.errorCode,
            highWatermark: r.highWatermark,
            lastStableOffset: r.highWatermark,
            logStartOffset: r.logStartOffset,
            divergingEpoch: r.divergingEpoch ? { epoch: r.divergingEpoch.epoch, endOffset: r.divergingEpoch.endOffset } : NO_EPOCH_END,
            currentLeader: r.currentLeader,
            snapshotId: r.snapshotId ? { endOffset: r.snapshotId.endOffset, epoch: r.snapshotId.epoch } : NO_EPOCH_END,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: r.records.length > 0 ? encodeRaftBatches(r.records) : null,
          },
        ],
      },
    ],
    nodeEndpoints: version >= 16 ? [] : undefined,
  };
}

export function fetchResponseFromWire(body: Message): FetchResponse {
  const p: Message | undefined = (body.responses as Message[] | undefined)?.[0]?.partitions?.[0];
  const leader = { leaderId: -1, leaderEpoch: -1 };
  if (!p) return { kind: 'FetchResponse', errorCode: body.errorCode || 42, highWatermark: -1, logStartOffset: -1, currentLeader: leader, records: [] };
  const diverging = p.divergingEpoch && p.divergingEpoch.epoch >= 0 ? { epoch: p.divergingEpoch.epoch, endOffset: p.divergingEpoch.endOffset } : undefined;
  const snapshot = p.snapshotId && p.snapshotId.epoch >= 0 && p.snapshotId.endOffset >= 0 ? { epoch: p.snapshotId.epoch, endOffset: p.snapshotId.endOffset } : undefined;
  return {
    kind: 'FetchResponse',
    errorCode: body.errorCode || p.errorCode,
    highWatermark: p.highWatermark,
    logStartOffset: p.logStartOffset,
    ...(diverging ? { divergingEpoch: diverging } : {}),
    currentLeader: { leaderId: p.currentLeader?.leaderId ?? -1, leaderEpoch: p.currentLeader?.leaderEpoch ?? -1 },
    ...(snapshot ? { snapshotId: snapshot } : {}),
    records: p.records && p.records.length > 0 ? decodeRaftBatches(p.records as Buffer) : [],
  };
}

// ---- FetchSnapshot ---------------------------------------------------------------------------

export function fetchSnapshotRequestToWire(r: FetchSnapshotRequest): Message {
  return {
    clusterId: r.clusterId,
    replicaId: r.replicaId,
    maxBytes: r.maxBytes,
    topics: [{ name: METADATA_TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: r.currentLeaderEpoch, snapshotId: { endOffset: r.snapshotId.endOffset, epoch: r.snapshotId.epoch }, position: r.position }] }],
  };
}

export function fetchSnapshotRequestFromWire(body: Message): FetchSnapshotRequest | undefined {
  const topic = (body.topics as Message[]).find((t) => t.name === METADATA_TOPIC);
  const p = (topic?.partitions as Message[] | undefined)?.find((x) => x.partition === 0);
  if (!p) return undefined;
  return {
    kind: 'FetchSnapshotRequest',
    clusterId: body.clusterId ?? null,
    replicaId: body.replicaId,
    maxBytes: body.maxBytes,
    currentLeaderEpoch: p.currentLeaderEpoch,
    snapshotId: { endOffset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch },
    position: p.position,
  };
}

export function fetchSnapshotResponseToWire(r: FetchSnapshotResponse): Message {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [{ index: 0, errorCode: r.errorCode, snapshotId: { endOffset: r.snapshotId.endOffset, epoch: r.snapshotId.epoch }, currentLeader: r.currentLeader, size: r.size, position: r.position, unalignedRecords: Buffer.from(r.unalignedRecords) }],
      },
    ],
  };
}

export function fetchSnapshotResponseFromWire(body: Message): FetchSnapshotResponse {
  const p: Message | undefined = (body.topics as Message[] | undefined)?.[0]?.partitions?.[0];
  const leader = { leaderId: -1, leaderEpoch: -1 };
  if (!p) return { kind: 'FetchSnapshotResponse', errorCode: body.errorCode || 42, snapshotId: { endOffset: -1, epoch: -1 }, currentLeader: leader, size: 0, position: 0, unalignedRecords: new Uint8Array(0) };
  return {
    kind: 'FetchSnapshotResponse',
    errorCode: body.errorCode || p.errorCode,
    snapshotId: { endOffset: p.snapshotId.endOffset, epoch: p.snapshotId.epoch },
    currentLeader: { leaderId: p.currentLeader.leaderId, leaderEpoch: p.currentLeader.leaderEpoch },
    size: p.size,
    position: p.position,
    unalignedRecords: p.unalignedRecords ?? new Uint8Array(0),
  };
}
