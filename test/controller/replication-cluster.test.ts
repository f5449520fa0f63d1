/**
 * The replication operations through every node of a three-node KRaft cluster (real processes):
 * brokers that are not the active controller forward ElectLeaders, AlterPartitionReassignments and
 * ListPartitionReassignments over the controller channel (RemoteController); AlterPartition is
 * served on the active controller's CONTROLLER listener only (NOT_CONTROLLER on a standby).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { connectTo, createTopicVia, metadataFrom, startTestCluster, waitForBrokers, waitForController, type TestCluster } from '../helpers/cluster.js';
import { waitFor } from '../helpers/kt.js';

let cluster: TestCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('replication operations on a KRaft cluster', () => {
  it('forwards elections and reassignments from any node; AlterPartition only on the active controller', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true });
    const controller = await waitForController(cluster);
    await waitForBrokers(cluster);
    expect(await createTopicVia(cluster.nodes[0]!, 'rep', { partitions: 3, replicationFactor: 3 }), cluster.logs()).toBe(0);
    for (const node of cluster.nodes) {
      const conn = await connectTo(node);
      try {
        const list = await conn.send(46, 0, { timeoutMs: 5000, topics: null });
        expect(list, cluster.logs()).toMatchObject({ errorCode: 0, topics: [] });
        const elect = await conn.send(43, 2, { electionType: 0, topicPartitions: [{ topic: 'rep', partitions: [0, 1, 2] }], timeoutMs: 5000 });
        for (const r of elect.replicaElectionResults[0].partitionResult) expect([ErrorCode.NONE, ErrorCode.ELECTION_NOT_NEEDED]).toContain(r.errorCode);
      } finally {
        conn.close();
      }
    }
    // Drop a replica of partition 0 through a node that is not the controller: it completes at once.
    const other = cluster.nodes.find((n) => n.nodeId !== controller.nodeId)!;
    const md = await metadataFrom(other);
    const replicas = md.topics.find((t) => t.name === 'rep')!.partitions.find((p) => p.partition === 0)!.replicas;
    const target = replicas.slice(0, 2);
    const conn = await connectTo(other);
    try {
      const res = await conn.send(45, 0, { timeoutMs: 5000, topics: [{ name: 'rep', partitions: [{ partitionIndex: 0, replicas: target }] }] });
      expect(res.responses[0].partitions[0].errorCode, cluster.logs()).toBe(0);
    } finally {
      conn.close();
    }
    for (const node of cluster.nodes) {
      await waitFor(async () => {
        const p = (await metadataFrom(node)).topics.find((t) => t.name === 'rep')!.partitions.find((q) => q.partition === 0)!;
        return p.replicas.join(',') === target.join(',');
      }, `node ${node.nodeId} to see partition 0 on ${target}`);
    }
    // AlterPartition with a broker epoch nobody has: the active controller answers STALE_BROKER_EPOCH, a standby NOT_CONTROLLER.
    const voters = cluster.voters.split(',').map((v) => /^(\d+)@(.+):(\d+)$/.exec(v)!);
    for (const [, id, host, port] of voters) {
      const c = await BrokerConnection.open(host!, Number(port));
      try {
        const res = await c.send(56, 3, { brokerId: Number(id), brokerEpoch: 987654321, topics: [] });
        expect(res.errorCode).toBe(Number(id) === controller.nodeId ? ErrorCode.STALE_BROKER_EPOCH : ErrorCode.NOT_CONTROLLER);
      } finally {
        c.close();
      }
    }
  }, 90_000);
});
