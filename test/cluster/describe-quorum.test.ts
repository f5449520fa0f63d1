/**
 * DescribeQuorum (key 55) on a 3-node kt cluster: every node's broker listener gives the quorum
 * leader's view (a node that is not the leader forwards the request to the active controller, as
 * Kafka's brokers do), so every voter has a log end offset, a lag >= 0 and real timestamps, and
 * MaxFollowerLagTimeMs (as kafka-metadata-quorum computes it) is never negative: the leader's own
 * row reads the current time, as Kafka's LeaderState.describeQuorum. On the CONTROLLER listener a
 * controller that is not the leader answers NOT_LEADER_OR_FOLLOWER, as Kafka's Raft client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { connectTo, startTestCluster, waitForController, type NodeAddress, type TestCluster } from '../helpers/cluster.js';

interface Row {
  replicaId: number;
  logEndOffset: number;
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

interface Answer {
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: Row[];
}

async function describeQuorum(node: NodeAddress): Promise<Answer> {
  const conn = await connectTo(node);
  try {
    const version = conn.versionFor(55);
    if (version === undefined) throw new Error(`node ${node.nodeId} does not serve DescribeQuorum`);
    const response = await conn.send(55, version, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    const p = response.topics[0]!.partitions[0]!;
    return {
      errorCode: response.errorCode !== 0 ? response.errorCode : p.errorCode,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      highWatermark: Number(p.highWatermark),
      voters: p.currentVoters.map((v) => ({ replicaId: v.replicaId, logEndOffset: Number(v.logEndOffset), lastFetchTimestamp: Number(v.lastFetchTimestamp), lastCaughtUpTimestamp: Number(v.lastCaughtUpTimestamp) })),
    };
  } finally {
    conn.close();
  }
}

/** kafka-metadata-quorum's MaxFollowerLagTimeMs: the leader's last caught-up time minus the oldest voter's. */
function maxFollowerLagTimeMs(a: Answer): number {
  const leader = a.voters.find((v) => v.replicaId === a.leaderId)!;
  return leader.lastCaughtUpTimestamp - Math.min(...a.voters.map((v) => v.lastCaughtUpTimestamp));
}

function expectLeaderView(a: Answer, via: number, leaderId: number): void {
  const what = `via node ${via}: ${JSON.stringify(a)}`;
  expect(a.errorCode, what).toBe(ErrorCode.NONE);
  expect(a.leaderId, what).toBe(leaderId);
  expect(a.voters.map((v) => v.replicaId).sort(), what).toEqual([1, 2, 3]);
  const leader = a.voters.find((v) => v.replicaId === a.leaderId)!;
  for (const v of a.voters) {
    expect(v.logEndOffset, what).toBeGreaterThanOrEqual(0);
    expect(leader.logEndOffset - v.logEndOffset, what).toBeGreaterThanOrEqual(0);
    expect(v.lastFetchTimestamp, what).toBeGreaterThan(0);
    expect(v.lastCaughtUpTimestamp, what).toBeGreaterThan(0);
  }
  expect(maxFollowerLagTimeMs(a), what).toBeGreaterThanOrEqual(0);
}

describe('DescribeQuorum on a 3-node cluster', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3 });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it("every node's broker listener answers with the leader's view, and MaxFollowerLagTimeMs stays >= 0", async () => {
    const { nodeId: leaderId } = await waitForController(cluster);
    // Let the followers fetch at least once in the leader's epoch.
    await new Promise((r) => setTimeout(r, 1000));
    for (const round of [0, 1]) {
      if (round === 1) await new Promise((r) => setTimeout(r, 3000));
      const answers = [];
      for (const node of cluster.nodes) {
        const a = await describeQuorum(node);
        expectLeaderView(a, node.nodeId, leaderId);
        answers.push(a);
      }
      expect(new Set(answers.map((a) => a.leaderEpoch)).size).toBe(1);
    }
  }, 60_000);

  it('on the CONTROLLER listener the leader answers and the other controllers say NOT_LEADER_OR_FOLLOWER', async () => {
    const { nodeId: leaderId } = await waitForController(cluster);
    for (const node of cluster.nodes) {
      const a = await describeQuorum({ nodeId: node.nodeId, host: node.host, port: node.controllerPort });
      if (node.nodeId === leaderId) expectLeaderView(a, node.nodeId, leaderId);
      else expect(a.errorCode, `via controller ${node.nodeId}: ${JSON.stringify(a)}`).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
  }, 60_000);
});
