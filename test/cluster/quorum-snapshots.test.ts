/**
 * Metadata snapshots on the KRaft quorum path, with real processes: three combined nodes that
 * snapshot after a few KiB of committed records and keep almost no log (metadata.max.retention.bytes
 * tiny, small segments), so the log really is cleaned behind the snapshots. A node killed with
 * SIGKILL while the leader's log start moves past its log end can only catch up through FetchSnapshot;
 * a whole cluster restarted loads its snapshots instead of replaying from offset 0. The time for a
 * node to catch up 100,000 metadata records through a snapshot is measured and printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import os from 'node:os';
import { nodeDataDir } from '../../src/engine/cluster/local-cluster-config.js';
import { PartitionRaftLog } from '../../src/engine/controller/quorum/partition-raft-log.js';
import { requestToWire, responseFromWire } from '../../src/engine/controller/quorum/raft-wire.js';
import { fetchResponseToWire, fetchSnapshotRequestFromWire, fetchSnapshotResponseToWire } from '../../src/engine/controller/quorum/raft-wire-fetch.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { codecFor } from '../../src/engine/protocol/codec.js';
import { apiByKey } from '../../src/engine/protocol/messages/index.js';
import { Reader, Writer } from '../../src/engine/protocol/primitives.js';
import { FileQuorumStateStore, RaftClient } from '../../src/engine/raft/index.js';
import { parseSnapshotPath } from '../../src/engine/metadata/snapshot-id.js';
import { FileSnapshotStore } from '../../src/engine/metadata/snapshot-store.js';
import { MetadataSnapshots } from '../../src/engine/metadata/metadata-snapshots.js';
import { DEFAULT_SNAPSHOT_SETTINGS } from '../../src/engine/metadata/snapshot-settings.js';
import { alignLogStart } from '../../src/engine/controller/quorum/quorum-snapshots.js';
import { silentLogger } from '../../src/engine/logger.js';
import { encodeSnapshotBatches } from '../../src/engine/metadata/snapshot-format.js';
import { waitFor } from '../helpers/kt.js';
import {
  connectTo,
  createTopicVia,
  deleteTopicVia,
  metadataFrom,
  startTestCluster,
  waitForBrokers,
  waitForController,
  type NodeAddress,
  type TestCluster,
} from '../helpers/cluster.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const SNAPSHOTTING = {
  'metadata.log.max.record.bytes.between.snapshots': '4096',
  'metadata.max.retention.bytes': '1',
  'metadata.log.segment.bytes': '8192',
};

/** The complete snapshots in a node's `__cluster_metadata-0`, oldest first. */
function snapshotsOf(c: TestCluster, nodeId: number): { endOffset: number; epoch: number }[] {
  const dir = path.join(nodeDataDir(c.dir, nodeId), '__cluster_metadata-0');
  return fs
    .readdirSync(dir)
    .map((f) => parseSnapshotPath(f))
    .filter((p) => p?.kind === 'complete')
    .map((p) => p!.id)
    .sort((a, b) => a.endOffset - b.endOffset);
}

/** The metadata log's first segment base offset (files are named by it). */
function firstSegmentOf(c: TestCluster, nodeId: number): number {
  const dir = path.join(nodeDataDir(c.dir, nodeId), '__cluster_metadata-0');
  const bases = fs.readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).map((f) => Number(f.slice(0, 20)));
  return Math.min(...bases);
}

/** DescribeQuorum asked of `node`: every replica's log end offset as it reports them. */
async function logEnds(node: NodeAddress): Promise<Map<number, number>> {
  const conn = await connectTo(node);
  try {
    const response = await conn.send(55, conn.versionFor(55)!, { topics: [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }] });
    const p = response.topics[0]!.partitions[0]!;
    return new Map([...p.currentVoters, ...p.observers].map((r: { replicaId: number; logEndOffset: number }) => [r.replicaId, r.logEndOffset]));
  } finally {
    conn.close();
  }
}

/** What Metadata says of every topic, as one comparable string. */
async function view(node: NodeAddress): Promise<string> {
  const md = await metadataFrom(node, 5000);
  const topics = md.topics.map((t) => `${t.name}:${t.topicId}:${t.partitions.map((p) => `${p.partition}@${p.leader}[${p.replicas.join(',')}]`).join(' ')}`).sort();
  return `${md.brokers.map((b) => b.nodeId).sort().join(',')} | ${topics.join('; ')}`;
}

async function waitForSameViews(c: TestCluster, timeoutMs = 30_000): Promise<string> {
  let views: string[] = [];
  await waitFor(
    async () => {
      views = await Promise.all(c.nodes.map((n) => view(n).catch((e: Error) => `error: ${e.message}`)));
      return views.every((v) => v === views[0] && !v.startsWith('error'));
    },
    'every node to answer the same Metadata',
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message}\n${views.join('\n')}`);
  });
  return views[0]!;
}

/** IncrementalAlterConfigs SET of `keys` on topic `topic`, through `node`: one ConfigRecord per key. */
async function setTopicConfigs(node: NodeAddress, topics: string[], keys: [string, string][]): Promise<void> {
  const conn = await connectTo(node, 10_000);
  try {
    const resources = topics.map((t) => ({ resourceType: 2, resourceName: t, configs: keys.map(([name, value]) => ({ name, configOperation: 0, value })) }));
    const response = await conn.send(44, conn.versionFor(44, 1)!, { resources, validateOnly: false });
    for (const r of response.responses) if (r.errorCode !== 0) throw new Error(`IncrementalAlterConfigs ${r.resourceName}: ${r.errorCode} ${r.errorMessage}`);
  } finally {
    conn.close();
  }
}

/** Encode with kt's codec and decode again, as the wire would. */
function viaWire(apiKey: number, version: number, kind: 'request' | 'response', body: Record<string, unknown>): Record<string, unknown> {
  const spec = kind === 'request' ? apiByKey(apiKey)!.request : apiByKey(apiKey)!.response;
  const w = new Writer();
  codecFor(spec, version).write(w, body);
  return codecFor(spec, version).read(new Reader(Buffer.concat(w.chunksOut())));
}

describe('snapshots between the Raft client and kt', () => {
  it('Fetch names the snapshot and FetchSnapshot carries its chunks through kt\'s codec', () => {
    const fetch = viaWire(1, 12, 'response', fetchResponseToWire({ kind: 'FetchResponse', errorCode: 0, highWatermark: 90, logStartOffset: 80, currentLeader: { leaderId: 1, leaderEpoch: 4 }, snapshotId: { endOffset: 80, epoch: 3 }, records: [] }, 12));
    expect(responseFromWire('FetchRequest', fetch)).toMatchObject({ logStartOffset: 80, snapshotId: { endOffset: 80, epoch: 3 } });
    const request = { kind: 'FetchSnapshotRequest' as const, clusterId: 'c', replicaId: 2, maxBytes: 1024, currentLeaderEpoch: 4, snapshotId: { endOffset: 80, epoch: 3 }, position: 1024 };
    const wire = requestToWire(request);
    expect([wire.apiKey, wire.version]).toEqual([59, 0]);
    expect(fetchSnapshotRequestFromWire(viaWire(59, 0, 'request', wire.body))).toEqual(request);
    const chunk = Buffer.from(Array.from({ length: 1024 }, (_, i) => i % 251));
    const body = viaWire(59, 0, 'response', fetchSnapshotResponseToWire({ kind: 'FetchSnapshotResponse', errorCode: 0, snapshotId: { endOffset: 80, epoch: 3 }, currentLeader: { leaderId: 1, leaderEpoch: 4 }, size: 4096, position: 1024, unalignedRecords: chunk }));
    const res = responseFromWire('FetchSnapshotRequest', body);
    expect(res).toMatchObject({ errorCode: 0, snapshotId: { endOffset: 80, epoch: 3 }, currentLeader: { leaderId: 1, leaderEpoch: 4 }, size: 4096, position: 1024 });
    expect(res.kind === 'FetchSnapshotResponse' && Buffer.from(res.unalignedRecords).equals(chunk)).toBe(true);
  });

  it('createSnapshot on the metadata partition keeps the log the retention policy keeps, then moves its start and deletes older snapshots', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-quorum-snapshots-'));
    try {
      const partitionDir = path.join(dir, '__cluster_metadata-0');
      const partition = PartitionLog.open(partitionDir, { topic: '__cluster_metadata', partition: 0, config: parseLogConfig({ 'retention.ms': '-1', 'segment.bytes': '200' }) });
      const store = new FileSnapshotStore(partitionDir);
      let keep: { endOffset: number; epoch: number } | undefined;
      const client = new RaftClient({ nodeId: 1, voters: [1], log: new PartitionRaftLog(partition), quorumStateStore: new FileQuorumStateStore(path.join(partitionDir, 'quorum-state'), [1]), snapshotStore: store, transport: { send: () => undefined }, snapshotRetention: () => keep });
      client.start(0);
      client.tick(client.nextDeadlineMs());
      for (let i = 0; i < 20; i++) client.append([new TextEncoder().encode(`record-${i}`)], 5000);
      const snap = (endOffset: number) => Buffer.concat([...encodeSnapshotBatches({ endOffset, epoch: client.epoch }, 0, [])]);
      client.createSnapshot({ endOffset: 10, epoch: client.epoch }, snap(10));
      expect(partition.logStartOffset).toBe(0); // retention keeps everything: the log stays whole
      keep = { endOffset: 10, epoch: client.epoch };
      client.createSnapshot({ endOffset: 21, epoch: client.epoch }, snap(21));
      expect(partition.logStartOffset).toBe(10);
      expect(store.list().map((id) => id.endOffset)).toEqual([10, 21]);
      keep = { endOffset: 21, epoch: client.epoch };
      for (let i = 0; i < 5; i++) client.append([new TextEncoder().encode(`more-${i}`)], 5000);
      client.createSnapshot({ endOffset: 26, epoch: client.epoch }, snap(26));
      expect(partition.logStartOffset).toBe(21);
      expect(store.list().map((id) => id.endOffset)).toEqual([21, 26]);
      partition.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('at start the log begins at the oldest snapshot, a corrupt latest one is set aside, and a cleaned log without one is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-quorum-align-'));
    try {
      const partitionDir = path.join(dir, '__cluster_metadata-0');
      const open = () => PartitionLog.open(partitionDir, { topic: '__cluster_metadata', partition: 0, config: parseLogConfig({ 'retention.ms': '-1', 'segment.bytes': '100000' }), context: { logger: silentLogger } });
      const partition = open();
      const raftLog = new PartitionRaftLog(partition);
      for (let i = 0; i < 30; i++) raftLog.append({ baseOffset: i, epoch: i < 10 ? 1 : 2, records: [new TextEncoder().encode(`r${i}`)] });
      const snapshots = new MetadataSnapshots(new FileSnapshotStore(partitionDir), DEFAULT_SNAPSHOT_SETTINGS, silentLogger);
      snapshots.store.write({ endOffset: 5, epoch: 1 }, Buffer.concat([...encodeSnapshotBatches({ endOffset: 5, epoch: 1 }, 0, [])]));
      snapshots.store.write({ endOffset: 12, epoch: 2 }, Buffer.concat([...encodeSnapshotBatches({ endOffset: 12, epoch: 2 }, 0, [])]));
      // The newest snapshot on disk is damaged.
      fs.writeFileSync(path.join(partitionDir, `${'20'.padStart(20, '0')}-${'2'.padStart(10, '0')}.checkpoint`), Buffer.from('not a snapshot'));
      snapshots.store.added({ endOffset: 20, epoch: 2 });
      expect(alignLogStart(partition, snapshots, silentLogger)).toBe(1);
      expect(partition.logStartOffset).toBe(5);
      expect(snapshots.store.list().map((id) => id.endOffset)).toEqual([5, 12]);
      expect(fs.readdirSync(partitionDir).some((f) => f.endsWith('.checkpoint.corrupt'))).toBe(true);
      // Snapshots before the log start are stale; a log starting later with none reaching it cannot be rebuilt.
      partition.deleteRecordsBefore(13);
      expect(() => alignLogStart(partition, snapshots, silentLogger)).toThrow(/Cannot rebuild the metadata/);
      partition.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metadata snapshots on a three-node quorum', () => {
  it('a node down while the log was cleaned past its end catches up through FetchSnapshot; a restarted cluster loads its snapshots', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true, overrides: SNAPSHOTTING });
    await waitForBrokers(cluster);
    const controller = await waitForController(cluster);
    const leader = cluster.node(controller.nodeId);
    const down = cluster.nodes.find((n) => n.nodeId !== controller.nodeId)!;
    for (let i = 0; i < 5; i++) expect(await createTopicVia(leader, `before-${i}`, { partitions: 2 })).toBe(0);
    await waitForSameViews(cluster);

    await down.kill('SIGKILL');
    // The leader's log end bounds the killed node's: once every running node's log starts past it,
    // only a snapshot can bring the killed node back.
    const downEnd = (await logEnds(leader)).get(leader.nodeId)!;
    let n = 0;
    await waitFor(
      async () => {
        for (let i = 0; i < 10; i++, n++) {
          expect(await createTopicVia(leader, `churn-${n}`, { partitions: 3 })).toBe(0);
          if (n % 3 !== 0) expect(await deleteTopicVia(leader, `churn-${n}`)).toBe(0);
        }
        return cluster!.nodes.filter((x) => x.running).every((x) => firstSegmentOf(cluster!, x.nodeId) > downEnd && (snapshotsOf(cluster!, x.nodeId)[0]?.endOffset ?? 0) > downEnd);
      },
      `the running nodes' metadata logs to start past ${downEnd}`,
      120_000,
    );
    // Retention keeps at least the latest snapshot, and the log continues from the oldest kept.
    for (const x of cluster.nodes.filter((y) => y.running)) expect(snapshotsOf(cluster, x.nodeId).length).toBeGreaterThanOrEqual(1);

    await down.start();
    // It says it started only once it applied what the leader had committed when it first heard
    // from it: its topics are the leader's at once, not after a while.
    const topicsPart = (v: string) => v.slice(v.indexOf(' | '));
    expect(topicsPart(await view(down))).toBe(topicsPart(await view(leader)));
    await waitFor(() => /Installed snapshot fetched from the leader/.test(down.output()), `node ${down.nodeId} to install a snapshot from the leader`, 30_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${down.output().slice(-4000)}`);
    });
    const views = await waitForSameViews(cluster);
    expect(views).toContain(`churn-${Math.floor((n - 1) / 3) * 3}:`);
    expect(views).not.toContain('churn-1:');
    // It keeps the fetched snapshot, and its old log went with the older snapshots.
    expect(snapshotsOf(cluster, down.nodeId)[0]!.endOffset).toBeGreaterThan(downEnd);

    // The whole cluster restarted: each node loads its latest snapshot and replays only what follows.
    for (const x of cluster.nodes) await x.stop();
    await Promise.all(cluster.nodes.map((x) => x.start()));
    for (const x of cluster.nodes) expect(x.output()).toMatch(/Loaded snapshot \d{20}-\d{10}: \d+ records/);
    expect(await waitForSameViews(cluster)).toBe(views);
  }, 240_000);

  it('keeps snapshotting and serving snapshots while the active controller is killed again and again', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true, overrides: SNAPSHOTTING });
    await waitForBrokers(cluster);
    const acknowledged = new Set<string>();
    const deleted = new Set<string>();
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const active = await waitForController(cluster);
      const survivor = cluster.nodes.find((x) => x.running && x.nodeId !== active.nodeId)!;
      let stop = false;
      const churning = (async () => {
        while (!stop) {
          const name = `k-${round}-${n++}`;
          if ((await createTopicVia(survivor, name, { partitions: 2, timeoutMs: 20_000 }).catch(() => -1)) !== 0) continue;
          acknowledged.add(name);
          if (n % 2 !== 0) continue;
          // A delete that was not acknowledged may still have committed: then the topic's fate is unknown.
          acknowledged.delete(name);
          if ((await deleteTopicVia(survivor, name, 20_000).catch(() => -1)) === 0) deleted.add(name);
        }
      })();
      const snapshotsBefore = snapshotsOf(cluster, survivor.nodeId).at(-1)?.endOffset ?? 0;
      await waitFor(() => (snapshotsOf(cluster!, survivor.nodeId).at(-1)?.endOffset ?? 0) > snapshotsBefore, `a new snapshot on node ${survivor.nodeId}`, 30_000);
      await cluster.node(active.nodeId).kill('SIGKILL');
      await waitForController(cluster, { not: active.nodeId, timeoutMs: 30_000 });
      const after = snapshotsOf(cluster, survivor.nodeId).at(-1)?.endOffset ?? 0;
      await waitFor(() => (snapshotsOf(cluster!, survivor.nodeId).at(-1)?.endOffset ?? 0) > after, `a snapshot under the new controller on node ${survivor.nodeId}`, 30_000);
      stop = true;
      await churning;
      await cluster.node(active.nodeId).start();
    }
    const views = await waitForSameViews(cluster);
    for (const t of acknowledged) expect(views).toContain(` ${t}:`);
    for (const t of deleted) expect(views).not.toContain(` ${t}:`);
  }, 240_000);

  it('measures how long a node takes to catch up 100,000 metadata records through a snapshot', async () => {
    cluster = await startTestCluster({ nodes: 3, fastTimeouts: true, overrides: { ...SNAPSHOTTING, 'metadata.log.max.record.bytes.between.snapshots': String(256 * 1024), 'metadata.log.segment.bytes': String(256 * 1024) } });
    await waitForBrokers(cluster);
    const controller = await waitForController(cluster);
    const leader = cluster.node(controller.nodeId);
    const down = cluster.nodes.find((x) => x.nodeId !== controller.nodeId)!;
    const topics = Array.from({ length: 100 }, (_, i) => `configured-${i}`);
    for (const t of topics) expect(await createTopicVia(leader, t)).toBe(0);
    await waitForSameViews(cluster);
    await down.kill('SIGKILL');
    const before = (await logEnds(leader)).get(leader.nodeId)!;
    // 100 topics x 20 keys: 2,000 ConfigRecords a request (one batch), 50 requests; the image the
    // snapshot holds stays at about 2,300 records.
    const keys = ['retention.ms', 'segment.ms', 'flush.ms', 'delete.retention.ms', 'file.delete.delay.ms', 'max.compaction.lag.ms', 'min.compaction.lag.ms', 'retention.bytes', 'segment.bytes', 'max.message.bytes', 'flush.messages', 'index.interval.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'min.insync.replicas', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'local.retention.ms', 'local.retention.bytes', 'min.cleanable.dirty.ratio'];
    const writeStarted = Date.now();
    for (let round = 0; round < 50; round++) {
      const value = (k: string) => (k === 'min.cleanable.dirty.ratio' ? `0.${(round % 9) + 1}` : k === 'min.insync.replicas' ? String((round % 2) + 1) : String(100_000 + round));
      await setTopicConfigs(leader, topics, keys.map((k) => [k, value(k)]));
    }
    const after = (await logEnds(leader)).get(leader.nodeId)!;
    console.log(`wrote ${after - before} metadata records in ${Date.now() - writeStarted} ms`);
    expect(after - before).toBeGreaterThanOrEqual(100_000);
    await waitFor(() => cluster!.nodes.filter((x) => x.running).every((x) => firstSegmentOf(cluster!, x.nodeId) > before), 'the running nodes to clean their logs past the killed node', 60_000);
    const restartedAt = Date.now();
    await down.start();
    await waitForSameViews(cluster, 60_000);
    const caughtUpMs = Date.now() - restartedAt;
    const installed = /Installed snapshot fetched from the leader (\d+)-\d+: (\d+) records, (\d+) bytes/.exec(down.output());
    expect(installed, down.output().slice(-3000)).not.toBeNull();
    console.log(`snapshot fetched: ${installed![1]} end offset, ${installed![2]} records, ${installed![3]} bytes`);
    console.log(`catch-up of ${after - before} metadata records through a snapshot: ${caughtUpMs} ms from restart to the same Metadata as the others`);
  }, 300_000);
});
