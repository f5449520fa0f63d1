/**
 * The group coordinator on a replicated __consumer_offsets partition, in-process with the real
 * parts: a ReplicaManager leading the partition on a real log with a second replica (broker 2) in
 * the ISR whose fetch position the test moves through the replication's public API. An answer that
 * follows a write waits until the ISR has the write (or fails with the coordinator's error); losing
 * the leadership answers NOT_COORDINATOR; regaining it under a newer epoch replays the log to its
 * end, above the lagging high watermark.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ReplicaManager } from '../../src/engine/broker/replica-manager.js';
import { BrokerConfig } from '../../src/engine/config/broker-config.js';
import { groupConfigFrom } from '../../src/engine/coordinator/group/config.js';
import { GroupCoordinator } from '../../src/engine/coordinator/group/group-coordinator.js';
import type { CommitResult } from '../../src/engine/coordinator/group/offset-commit.js';
import { OFFSETS_TOPIC } from '../../src/engine/coordinator/group/partitioner.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import { logManagerConfigFromServerProps } from '../../src/engine/log/log-manager-config.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { localReplicaChanges } from '../../src/engine/metadata/local-replica-changes.js';
import { emptyChange } from '../../src/engine/metadata/replay.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { tempLogDir, waitFor } from '../helpers/kt.js';

/** Whether a promise has settled within a few turns of the event loop. */
async function settles<T>(p: T | Promise<T>, ms = 30): Promise<boolean> {
  if (!(p instanceof Promise)) return true;
  const pending = Symbol('pending');
  return (await Promise.race([p, new Promise((r) => setTimeout(() => r(pending), ms))])) !== pending;
}

interface Cluster {
  image: MetadataImage;
  rm: ReplicaManager;
  gc: GroupCoordinator;
  /** Broker 2 fetches at the leader's log end: the high watermark catches up. */
  followerCatchesUp(): void;
  /** The partition's leader becomes `leader` with the next leader epoch. */
  moveLeader(leader: number): void;
  close(): void;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function cluster(overrides: Record<string, string> = {}): Promise<Cluster> {
  const dir = tempLogDir();
  const config = new BrokerConfig(new Map(Object.entries({ 'offsets.topic.num.partitions': '1', 'group.initial.rebalance.delay.ms': '0', ...overrides })));
  const image = new MetadataImage('cluster', 1);
  for (const id of [1, 2]) {
    // Broker 2's port is closed: this broker, following it, only retries its fetches.
    image.brokers.set(id, { nodeId: id, endpoints: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: id === 1 ? 9092 : 1, securityProtocol: 'PLAINTEXT' }], rack: null, fenced: false });
  }
  const state = { partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1, 2], isr: [1, 2], addingReplicas: [], removingReplicas: [] };
  const topic = { name: OFFSETS_TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', partitions: new Map([[0, state]]), configs: new Map() };
  image.putTopic(topic as never);
  // The topic whose offsets are committed (not hosted here: commits only check that it exists).
  const t = { partition: 0, leader: 1, leaderEpoch: 0, partitionEpoch: 0, replicas: [1], isr: [1], addingReplicas: [], removingReplicas: [] };
  image.putTopic({ name: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAg', partitions: new Map([[0, t]]), configs: new Map() } as never);
  const logs = LogManager.open({ config: logManagerConfigFromServerProps({ 'log.dirs': dir }), logger: silentLogger });
  const rm = new ReplicaManager(1, logs, config, () => parseLogConfig({ 'cleanup.policy': 'compact' }), silentLogger, {
    metadata: () => image,
    alterPartition: () => new Promise(() => {}),
  });
  const created = emptyChange();
  created.createdPartitions.push({ topic: topic as never, partition: 0 });
  localReplicaChanges(created, image, 1);
  rm.applyMetadata(created, image);
  const gc = new GroupCoordinator({ config: groupConfigFrom(config), nodeId: 1, log: silentLogger, metadata: () => image, replicaManager: rm, controller: {} as never });
  await gc.startup();
  const c: Cluster = {
    image,
    rm,
    gc,
    followerCatchesUp() {
      const hosted = rm.get(OFFSETS_TOPIC, 0)!;
      rm.replication.recordFollowerFetch(hosted, 2, hosted.log.logEndOffset);
    },
    moveLeader(leader) {
      state.leader = leader;
      state.leaderEpoch += 1;
      state.partitionEpoch += 1;
      const change = emptyChange();
      change.changedLeaders.push({ topic: topic as never, partition: 0 });
      localReplicaChanges(change, image, 1);
      rm.applyMetadata(change, image);
      gc.onMetadataChange(change, image);
    },
    close() {
      gc.close();
      rm.replication.close();
      logs.shutdown?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(() => c.close());
  return c;
}

const commit = (gc: GroupCoordinator, offset: number) =>
  gc.commitOffsets({
    groupId: 'g',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    apiVersion: 8,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: '' }] }],
  });

const codes = (r: CommitResult) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

const fetched = (gc: GroupCoordinator) => {
  const r = gc.fetchOffsets({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0] }], memberId: null, memberEpoch: -1, requireStable: false } as never);
  return r.topics[0]?.partitions[0]?.committedOffset;
};

describe('group coordinator writes on a replicated __consumer_offsets partition', () => {
  it('answers an offset commit only once the ISR has it', async () => {
    const c = await cluster();
    const hosted = c.rm.get(OFFSETS_TOPIC, 0)!;
    const answer = commit(c.gc, 42);
    expect(hosted.log.logEndOffset).toBeGreaterThan(hosted.log.highWatermark);
    expect(await settles(answer)).toBe(false);
    c.followerCatchesUp();
    expect(codes(await answer)).toEqual([ErrorCode.NONE]);
    expect(fetched(c.gc)).toBe(42);
    // Nothing pending any more: the next answer that writes nothing is immediate.
    expect(c.gc.heartbeat({ groupId: 'g', generationId: -1, memberId: 'x', groupInstanceId: null })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers COORDINATOR_NOT_AVAILABLE when the ISR does not get the commit within offsets.commit.timeout.ms', async () => {
    const c = await cluster({ 'offsets.commit.timeout.ms': '100' });
    const started = Date.now();
    expect(codes(await commit(c.gc, 7))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('holds the SyncGroup answers of every member until the assignment is replicated', async () => {
    const c = await cluster();
    const protocols = [{ name: 'range', metadata: Buffer.from('m') }];
    const joinReq = { groupId: 'g', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols, reason: null, apiVersion: 3, clientId: 'c', clientHost: '/127.0.0.1' };
    // The group's first generation is written at the end of the join phase: let it replicate.
    const join = c.gc.joinGroup(joinReq);
    await waitFor(async () => {
      c.followerCatchesUp();
      return settles(join, 5);
    }, 'the join phase');
    const joined = await join;
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    const sync = c.gc.syncGroup({ groupId: 'g', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId: joined.memberId, assignment: Buffer.from('a') }] });
    expect(await settles(sync)).toBe(false);
    c.followerCatchesUp();
    const synced = await sync;
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    expect(synced.assignment.toString()).toBe('a');
  });

  it('answers NOT_COORDINATOR once the leadership moves away, and replays the log to its end when it comes back', async () => {
    const c = await cluster();
    const hosted = c.rm.get(OFFSETS_TOPIC, 0)!;
    const answer = commit(c.gc, 5);
    expect(await settles(answer)).toBe(false);
    c.moveLeader(2);
    expect(codes(await answer)).toEqual([ErrorCode.NOT_COORDINATOR]);
    expect(c.gc.groupStatus('g')).toBe(ErrorCode.NOT_COORDINATOR);
    expect(c.gc.group('g')).toBeUndefined();

    // Elected again (a newer epoch): the high watermark still lags, yet the replay reads to the log end.
    c.moveLeader(1);
    expect(hosted.log.highWatermark).toBeLessThan(hosted.log.logEndOffset);
    await waitFor(() => c.gc.groupStatus('g') === ErrorCode.NONE, 'the partition to load');
    expect(fetched(c.gc)).toBe(5);
    // A write now also waits for what the replay found above the high watermark.
    const next = commit(c.gc, 6);
    expect(await settles(next)).toBe(false);
    c.followerCatchesUp();
    expect(codes(await next)).toEqual([ErrorCode.NONE]);
  });
});
