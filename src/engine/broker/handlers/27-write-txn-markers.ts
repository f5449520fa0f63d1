/**
 * WriteTxnMarkers (key 27), versions 0-1: a transaction coordinator asks a partition leader to end a
 * producer's transaction with a COMMIT (transactionResult true) or ABORT marker in each named
 * partition. On one node kt's own coordinator writes its markers directly (txn-marker-writer.ts);
 * this is the same work for a coordinator elsewhere, and for tools.
 *
 * Per partition: UNKNOWN_TOPIC_OR_PARTITION when this broker does not host it, NOT_LEADER_OR_FOLLOWER
 * when it does not lead it, TRANSACTION_COORDINATOR_FENCED for a coordinator epoch older than the
 * producer's, INVALID_PRODUCER_EPOCH for an older producer epoch; __consumer_offsets partitions also
 * complete the transaction's offset commits once the marker is written. As in Kafka (markers are
 * appended with acks=-1), each partition is answered once its marker is replicated to the ISR, so the
 * coordinator logs the transaction complete only when no failover can lose a marker; a partition
 * whose replication fails answers the replica manager's error (REQUEST_TIMED_OUT,
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND, NOT_LEADER_OR_FOLLOWER) and the coordinator tries again.
 *
 * v1 flexible.
 */
import type { Message } from '../../protocol/codec.js';
import { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/messages/27-write-txn-markers.js';
import { defineHandler } from '../handler.js';
import { writeTxnMarker } from '../txn-marker-writer.js';
import { ReplicationBarrier } from '../../coordinator/replication.js';

/** How long a marker may wait for its partition's ISR (Kafka uses the request timeout of the coordinator's request). */
const MARKER_REPLICATION_TIMEOUT_MS = 30_000;

export default defineHandler({
  apiKey: 27,
  name: 'WriteTxnMarkers',
  minVersion: 0,
  maxVersion: 1,
  request: WriteTxnMarkersRequest,
  response: WriteTxnMarkersResponse,
  async handle(request, ctx) {
    const { replicaManager, log } = ctx.services;
    const groups = () => ctx.services.groupCoordinator;
    const barrier = new ReplicationBarrier(() => replicaManager, MARKER_REPLICATION_TIMEOUT_MS);
    // Every marker is appended first (synchronously, in request order), then the answers wait.
    const answers = (request.markers as Message[]).map((m) => {
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
      return { m, topics, results };
    });
    return {
      markers: await Promise.all(
        answers.map(async ({ m, topics, results }) => {
          const codes = await Promise.all(
            results.map(async (r) => (r.errorCode === 0 ? ((await barrier.wait(r.topic, r.partition)) ?? r.errorCode) : r.errorCode)),
          );
          let next = 0;
          return {
            producerId: m.producerId,
            topics: topics.map((t) => ({
              name: t.name,
              partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({ partitionIndex, errorCode: codes[next++]! })),
            })),
          };
        }),
      ),
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
