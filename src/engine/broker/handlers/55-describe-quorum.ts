/**
 * DescribeQuorum (key 55), versions 0-2 (flexible from v0): the KRaft quorum of
 * `__cluster_metadata` — leader, epoch, high watermark, and each voter's and observer's log end
 * offset — as kafka-metadata-quorum.sh and Admin.describeMetadataQuorum read it.
 *
 * v0: leader id and epoch, high watermark, voters' and observers' log end offsets.
 * v1: each replica's last fetch and last caught-up timestamps (KIP-836).
 * v2: error messages, each replica's directory id and the voters' endpoints (`nodes`, KIP-853).
 *
 * As Kafka's KafkaRaftClient.handleDescribeQuorumRequest: a request for anything but exactly
 * `__cluster_metadata` partition 0 gets UNKNOWN_TOPIC_OR_PARTITION for every partition asked; on
 * the CONTROLLER listener a node that is not the quorum's leader answers NOT_LEADER_OR_FOLLOWER.
 * On the broker listener, as Kafka's brokers, a node that is not the leader forwards the request to
 * the active controller (BrokerServices.forwardToController) and returns its answer; the leader,
 * and the single-node path, answer from their own view (BrokerServices.quorumInfo).
 */
import type { Message } from '../../protocol/codec.js';
import { errorMessage } from '../../protocol/error-table.js';
import { ErrorCode } from '../../protocol/errors.js';
import { DescribeQuorumRequest, DescribeQuorumResponse } from '../../protocol/messages/55-describe-quorum.js';
import { ZERO_UUID } from '../../protocol/primitives.js';
import { defineHandler } from '../handler.js';
import type { QuorumReplicaInfo } from '../services.js';

const METADATA_TOPIC = '__cluster_metadata';

const replica = (r: QuorumReplicaInfo) => ({
  replicaId: r.replicaId,
  replicaDirectoryId: r.replicaDirectoryId ?? ZERO_UUID,
  logEndOffset: r.logEndOffset,
  lastFetchTimestamp: r.lastFetchTimestamp,
  lastCaughtUpTimestamp: r.lastCaughtUpTimestamp,
});

export default defineHandler({
  apiKey: 55,
  name: 'DescribeQuorum',
  minVersion: 0,
  maxVersion: 2,
  request: DescribeQuorumRequest,
  response: DescribeQuorumResponse,
  async handle(request, ctx) {
    const topics = request.topics as Message[];
    const partitions = (topics[0]?.partitions ?? []) as Message[];
    const valid = topics.length === 1 && topics[0]!.topicName === METADATA_TOPIC && partitions.length === 1 && partitions[0]!.partitionIndex === 0;
    const failed = (partitionIndex: number, code: number) => ({
      partitionIndex,
      errorCode: code,
      errorMessage: errorMessage(code),
      leaderId: -1,
      leaderEpoch: -1,
      highWatermark: -1,
      currentVoters: [],
      observers: [],
    });
    if (!valid) {
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics: topics.map((t) => ({
          topicName: t.topicName,
          partitions: (t.partitions as Message[]).map((p) => failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)),
        })),
        nodes: [],
      };
    }
    const quorum = ctx.services.quorumInfo();
    const leader = quorum !== undefined && quorum.leaderId === ctx.services.nodeId;
    if (!leader && ctx.services.forwardToController) {
      // The active controller's decoded answer, at the client's version: returned as it came.
      return (await ctx.services.forwardToController(55, ctx.apiVersion, request as Message)) as never;
    }
    if (!quorum || !leader) {
      return { errorCode: ErrorCode.NONE, errorMessage: null, topics: [{ topicName: METADATA_TOPIC, partitions: [failed(0, ErrorCode.NOT_LEADER_OR_FOLLOWER)] }], nodes: [] };
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      topics: [
        {
          topicName: METADATA_TOPIC,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: ErrorCode.NONE,
              errorMessage: null,
              leaderId: quorum.leaderId,
              leaderEpoch: quorum.leaderEpoch,
              highWatermark: quorum.highWatermark,
              currentVoters: quorum.currentVoters.map(replica),
              observers: quorum.observers.map(replica),
            },
          ],
        },
      ],
      nodes: quorum.nodes.map((n) => ({ nodeId: n.nodeId, listeners: n.listeners.map((l) => ({ name: l.name, host: l.host, port: l.port })) })),
    };
  },
});
