/**
 * WriteTxnMarkers (key 27), versions 0-1: a transaction coordinator asks a partition leader to end a
 * producer's transaction with a COMMIT (transactionResult true) or ABORT marker in each named
 * partition. On one node kt's own coordinator writes its markers directly (txn-marker-writer.ts);
 * this is the same work for a coordinator elsewhere, and for tools.
 *
 * Per partition: UNKNOWN_TOPIC_OR_PARTITION when this broker does not host it, NOT_LEADER_OR_FOLLOWER
 * when it does not lead it, TRANSACTION_COORDINATOR_FENCED for a coordinator epoch older than the
 * producer's, INVALID_PRODUCER_EPOCH for an older producer epoch; __consumer_offsets partitions also
 * complete the transaction's offset commits once the marker is written.
 *
 * v1 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/messages/27-write-txn-markers.js';
import { defineHandler } from '../handler.js';
import { writeTxnMarker } from '../txn-marker-writer.js';

export default defineHandler({
  apiKey: 27,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  request: WriteTxnMarkersRequest,
  response: WriteTxnMarkersResponse,
  handle(request, ctx) {
    const { replicaManager, log } = ctx.services;
    const groups = () => ctx.services.groupCoordinator;
    return {
      markers: (request.markers as Message[]).map((m) => {
        const topics = m.topics as Message[];
        const results = writeTxnMarker(
          replicaManager,
          groups,
          ctx.services.metadata(),
          {
            producerId: m.producerId,
            producerEpoch: m.producerEpoch,
            coordinatorEpoch: m.coordinatorEpoch,
            commit: m.transactionResult,
            partitions: topics.flatMap((t) => (t.partitionIndexes as number[]).map((partition) => ({ topic: t.name as string, partition }))),
          },
          log,
        );
        let next = 0;
        return {
          producerId: m.producerId,
          topics: topics.map((t) => ({
            name: t.name,
            partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({ partitionIndex, errorCode: results[next++]!.errorCode })),
          })),
        };
      }),
    };
  },
  errorResponse(request, errorCode) {
    return {
      markers: (request.markers as Message[]).map((m) => ({
        producerId: m.producerId,
        topics: (m.topics as Message[]).map((t) => ({
          name: t.name,
          partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({ partitionIndex, errorCode })),
        })),
      })),
    };
  },
});
