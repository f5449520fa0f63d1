/**
 * The transaction coordinator on a replicated __transaction_state partition, in-process with the
 * real parts: a ReplicaManager leading the partition on a real log with broker 2 in the ISR, whose
 * fetch position the test moves. Every state change is answered once the ISR has it; a
 * transaction's markers go out only once its PrepareCommit is replicated (also when a new leader
 * resumes it after replaying its log to the end); losing the leadership answers NOT_COORDINATOR.
 * And markers for a partition another broker leads go to that broker as WriteTxnMarkers.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplicaManager } from '../../src/engine/broker/replica-manager.js';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import type { MarkerPartitionResult, TxnMarker, TxnMarkerChannel } from '../../src/engine/coordinator/transaction/marker-channel.js';
import { MarkerRouter } from '../../src/engine/coordinator/transaction/marker-router.js';
import { TRANSACTION_STATE_TOPIC } from '../../src/engine/coordinator/transaction/partitioner.js';
import { TransactionCoordinator } from '../../src/engine/coordinator/transaction/transaction-coordinator.js';
import { ReplicationBarrier } from '../../src/engine/coordinator/replication.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import { logManagerConfigFromServerProps } from '../../src/engine/log/log-manager-config.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { localReplicaChanges } from '../../src/engine/metadata/local-replica-changes.js';
import { emptyChange } from '../../src/engine/metadata/replay.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, waitFor } from '../helpers/kt.js';
import { addPartitions, initPid, loggedBatches, produceTxn } from './coordinator-helpers.js';

async function settles<T>(p: T | Promise<T>, ms = 30): Promise<boolean> {
  if (!(p instanceof Promise)) return true;
  const pending = Symbol('pending');
  return (await Promise.race([p, new Promise((r) => setTimeout(() => r(pending), ms))])) !== pending;
}

class SpyMarkers implements TxnMarkerChannel {
  readonly written: TxnMarker[] = [];
  async write(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    this.written.push(marker);
    return marker.partitions.map((p) => ({ ...p, errorCode: ErrorCode.NONE }));
  }
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const DATA = [{ topic: 'data', partition: 0 }];

async function setup() {
  const dir = tempLogDir();
  const config = new BrokerConfig(new Map(Object.entries({ 'transaction.state.log.num.partitions': '1' })));
  const image = new MetadataImage('cluster', 1);
  for (const id of [1, 2]) {
    image.brokers.set(id, { nodeId: id, endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: id === 1 ? 9092 : 1, securityProtocol: 'PLAINTEXT' }], rack: null, fenced: false });
  }
  const state = { partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1, 2], isr: [1, 2], addingReplicas: [], removingReplicas: [] };
  const txnTopic = { name: TRANSACTION_STATE_TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: new Map([[0, state]]), configs: new Map() } as never;
  const data = { partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1], addingReplicas: [], removingReplicas: [] };
  const dataTopic = { name: 'data', topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: new Map([[0, data]]), configs: new Map() } as never;
  image.putTopic(txnTopic);
  image.putTopic(dataTopic);
  const logs = LogManager.open({ config: logManagerConfigFromServerProps({ 'log.dirs': dir }), logger: silentLogger });
  const rm = new ReplicaManager(1, logs, config, () => parseLogConfig({}), silentLogger, { metadata: () => image, alterPartition: () => new Promise(() => {}) });
  const created = emptyChange();
  created.createdPartitions.push({ topic: txnTopic, partition: 0 }, { topic: dataTopic, partition: 0 });
  localReplicaChanges(created, image, 1);
  rm.applyMetadata(created, image);
  const markers = new SpyMarkers();
  let nextPid = 1000;
  const tc = new TransactionCoordinator({
    config,
    nodeId: 1,
    log: silentLogger,
    metadata: () => image,
    replicaManager: rm,
    controller: {} as never,
    markers,
    producerIds: { generate: async () => nextPid++ },
  });
  await tc.startup();
  const hosted = rm.get(TRANSACTION_STATE_TOPIC, 0)!;
  const t = {
    tc,
    rm,
    hosted,
    markers,
    followerCatchesUp: () => rm.replication.recordFollowerFetch(hosted, 2, hosted.log.logEndOffset),
    moveLeader(leader: number) {
      state.leader = leader;
      state.leaderEpoch += 1;
      state.partitionEpoch += 1;
      const change = emptyChange();
      change.changedLeaders.push({ topic: txnTopic, partition: 0 });
      localReplicaChanges(change, image, 1);
      rm.applyMetadata(change, image);
      tc.onMetadataChange(change, image);
    },
    leaderEpoch: () => state.leaderEpoch,
  };
  cleanups.push(() => {
    tc.close();
    rm.replication.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return t;
}

/** Run `op`, check it waits for the ISR, let broker 2 catch up, and return its answer. */
async function replicated<T>(t: { followerCatchesUp(): void }, op: () => T | Promise<T>): Promise<T> {
  const answer = op();
  expect(await settles(answer)).toBe(false);
  t.followerCatchesUp();
  return answer;
}

describe('transaction coordinator writes on a replicated __transaction_state partition', () => {
  it('answers InitProducerId, AddPartitionsToTxn and EndTxn once replicated, and sends markers only after PrepareCommit is', async () => {
    const t = await setup();
    expect(await replicated(t, () => t.tc.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 60_000 }))).toEqual({ errorCode: 0, producerId: 1000, producerEpoch: 0 });
    expect(await replicated(t, () => t.tc.addPartitions('tx', 1000, 0, DATA))).toBe(ErrorCode.NONE);
    const end = t.tc.endTransaction({ transactionalId: 'tx', producerId: 1000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 });
    expect(await settles(end, 60)).toBe(false);
    expect(t.markers.written).toEqual([]);
    t.followerCatchesUp();
    expect((await end).errorCode).toBe(ErrorCode.NONE);
    await waitFor(() => t.markers.written.length === 1, 'the COMMIT markers');
    expect(t.markers.written[0]).toMatchObject({ producerId: 1000, commit: true, partitions: DATA, coordinatorEpoch: 0 });
    await t.tc.completions.get('tx');
    expect(t.tc.describeTransactions(['tx'])[0].transactionState).toBe('CompleteCommit');
  });

  it('answers NOT_COORDINATOR when the leadership moves before the write is replicated', async () => {
    const t = await setup();
    const init = t.tc.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 60_000 });
    expect(await settles(init)).toBe(false);
    t.moveLeader(2);
    expect((await init).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(t.tc.state.status('tx')).toBe(ErrorCode.NOT_COORDINATOR);
  });

  it('a new leader replays to the log end and resumes a decided commit only once it is replicated', async () => {
    const t = await setup();
    await replicated(t, () => t.tc.initProducerId({ transactionalId: 'tx', transactionTimeoutMs: 60_000 }));
    await replicated(t, () => t.tc.addPartitions('tx', 1000, 0, DATA));
    const end = t.tc.endTransaction({ transactionalId: 'tx', producerId: 1000, producerEpoch: 0, commit: true, fromClient: true, clientTransactionVersion: 1 });
    expect(await settles(end)).toBe(false);
    t.moveLeader(2);
    expect((await end).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    t.moveLeader(1);
    expect(t.hosted.log.highWatermark).toBeLessThan(t.hosted.log.logEndOffset);
    await waitFor(() => t.tc.state.status('tx') === ErrorCode.NONE, 'the partition to load');
    expect(t.tc.describeTransactions(['tx'])[0].transactionState).toBe('PrepareCommit');
    await new Promise((r) => setTimeout(r, 50));
    expect(t.markers.written).toEqual([]);
    t.followerCatchesUp();
    await waitFor(() => t.markers.written.length === 1, 'the resumed COMMIT markers');
    expect(t.markers.written[0]).toMatchObject({ producerId: 1000, commit: true, coordinatorEpoch: t.leaderEpoch() });
  });
});

describe('markers for partitions led by another broker', () => {
  it('go to that broker as WriteTxnMarkers', async () => {
    const kt = await startKt();
    cleanups.push(() => kt.stop());
    const conn = await kt.connect();
    await conn.send(19, 4, { topics: [{ name: 'remote', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    await waitFor(() => kt.server.replicaManager.get('remote', 0) !== undefined, 'the topic');
    const { producerId, producerEpoch } = await initPid(conn, 'remote-tx');
    expect(await addPartitions(conn, 'remote-tx', producerId, producerEpoch, { remote: [0] })).toEqual({ 'remote-0': 0 });
    expect((await produceTxn(conn, 'remote-tx', 'remote', 0, { producerId, producerEpoch, baseSequence: 0 }, ['a'])).errorCode).toBe(0);

    // A coordinator on broker 9 whose image says broker 1 (the running kt) leads remote-0.
    const image = new MetadataImage('cluster', 1);
    image.brokers.set(1, { nodeId: 1, endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: kt.port, securityProtocol: 'PLAINTEXT' }], rack: null, fenced: false });
    image.putTopic({ name: 'remote', topicId: 'AAAAAAAAAAAAAAAAAAAAAw', partitions: new Map([[0, { partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1] }]]), configs: new Map() } as never);
    const local = new SpyMarkers();
    const router = new MarkerRouter({ nodeId: 9, config: new BrokerConfig(new Map()), metadata: () => image, local, barrier: new ReplicationBarrier(() => undefined, 1000), log: silentLogger });
    cleanups.push(() => router.close());
    const results = await router.write({ producerId, producerEpoch, coordinatorEpoch: 0, commit: true, partitions: [{ topic: 'remote', partition: 0 }] });
    expect(results).toEqual([{ topic: 'remote', partition: 0, errorCode: ErrorCode.NONE }]);
    expect(local.written).toEqual([]);
    expect(loggedBatches(kt, 'remote', 0).map((b) => b.marker ?? b.values.join())).toEqual(['a', 'commit']);
  });
});
