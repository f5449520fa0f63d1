/**
 * A node catching up about 100,000 metadata records through a snapshot. In a 3-node combined
 * cluster one standby node is stopped; topics with 20 configs each (22 records a topic: Topic,
 * Partition and 20 ConfigRecords) are created until the log holds `records` more records; the
 * active controller snapshots its image and, with the metadata log's retention shrunk, deletes the
 * log before the snapshot, so the stopped node's log ends before the leader's log start and it can
 * only catch up by fetching the snapshot (FetchSnapshot) and then the log after it. Timed from
 * spawning it again to (a) it reporting it started (kt starts serving only once its metadata has
 * caught up) and (b) the leader seeing its log reach the high watermark of the moment it was
 * spawned. Its own log line "Installed snapshot fetched from the leader" says whether a snapshot was
 * fetched and how many records it held.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { connectTo, settledController, startGuardedCluster, waitUntil, within } from './cluster-nodes.js';
import type { Message } from '../engine/protocol/codec.js';

/**
 * Small segments, a snapshot every 1 MiB of batches, and retention that keeps only the latest
 * snapshot and the log after it (a single snapshot is never cleaned: the second one moves the log
 * start to its end).
 */
const SNAPSHOT_OVERRIDES = {
  'metadata.log.segment.bytes': String(512 * 1024),
  'metadata.log.max.record.bytes.between.snapshots': String(1024 * 1024),
  'metadata.max.retention.bytes': '1',
};

/** Explicit topic configs (Kafka's defaults, or near them): each one a ConfigRecord. */
const TOPIC_CONFIGS: [string, string][] = [
  ['cleanup.policy', 'delete'], ['compression.type', 'producer'], ['delete.retention.ms', '86400000'], ['file.delete.delay.ms', '60000'],
  ['flush.messages', '9223372036854775807'], ['flush.ms', '9223372036854775807'], ['index.interval.bytes', '4096'], ['max.message.bytes', '1048588'],
  ['min.insync.replicas', '1'], ['min.compaction.lag.ms', '0'], ['segment.jitter.ms', '0'], ['segment.ms', '604800000'],
  ['message.timestamp.type', 'CreateTime'], ['preallocate', 'false'], ['unclean.leader.election.enable', 'false'], ['min.cleanable.dirty.ratio', '0.5'],
  ['retention.ms', '604800000'], ['retention.bytes', '-1'], ['compression.gzip.level', '-1'], ['compression.zstd.level', '3'],
];
const RECORDS_PER_TOPIC = 2 + TOPIC_CONFIGS.length;
const TOPICS_PER_REQUEST = 50;

export interface CatchUpFigures {
  /** Records written while the node was down (log offsets, so control batches included). */
  recordsBehind: number;
  loadSeconds: number;
  startedMs: number;
  caughtUpMs: number;
  /** From the node's log: records in the snapshot it fetched, or undefined when it fetched none. */
  snapshotRecords?: number;
}

/** Base offsets of the metadata log segments on a node's disk. */
function segmentBases(clusterDir: string, nodeId: number): number[] {
  const dir = join(clusterDir, `node-${nodeId}`, 'data', '__cluster_metadata-0');
  return readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => Number(f.slice(0, -4)));
}

export async function measureSnapshotCatchUp(records: number, progress: (s: string) => void): Promise<CatchUpFigures> {
  const { cluster, stop } = await startGuardedCluster(3, true, SNAPSHOT_OVERRIDES);
  try {
    const leader0 = await settledController(cluster);
    const behind = cluster.nodes.find((n) => n.nodeId !== leader0.leaderId)!;
    const via = cluster.nodes.find((n) => n.nodeId !== behind.nodeId)!;
    await behind.stop(10_000);
    const endBefore = (await settledController(cluster)).highWatermark;

    progress(`catch-up: node ${behind.nodeId} stopped at offset ${endBefore}; creating topics of ${RECORDS_PER_TOPIC} records through node ${via.nodeId}`);
    const conn = await connectTo(via);
    const t0 = performance.now();
    let hw = endBefore;
    try {
      // NOT_CONTROLLER or a timeout (a busy quorum may hold an election meanwhile) puts the topic
      // back in the queue. TOPIC_ALREADY_EXISTS counts as created: names are unique to this run, so
      // an earlier send created it (the forwarding node re-sends a request to the controller when
      // the answer is slow, and the second send finds the topics the first one created).
      const retry: string[] = [];
      for (let t = 0; hw - endBefore < records || retry.length > 0; ) {
        const names = retry.splice(0, TOPICS_PER_REQUEST);
        while (names.length < TOPICS_PER_REQUEST && hw - endBefore < records) names.push(`catchup-${t++}`);
        const topics = names.map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: TOPIC_CONFIGS.map(([key, value]) => ({ name: key, value })) }));
        const response = (await within(conn.send(19, conn.versionFor(19, 7)!, { topics, timeoutMs: 60_000, validateOnly: false }) as Promise<Message>, 90_000, 'CreateTopics')) as Message;
        for (const r of response.topics as Message[]) {
          if (r.errorCode === 0 || r.errorCode === 36) continue;
          if (r.errorCode !== 41 && r.errorCode !== 7) throw new Error(`creating ${r.name}: error ${r.errorCode} ${r.errorMessage ?? ''}`);
          retry.push(r.name);
        }
        hw = (await settledController(cluster)).highWatermark;
      }
    } finally {
      conn.close();
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    const leader = await settledController(cluster);
    progress(`catch-up: ${hw - endBefore} records in ${loadSeconds.toFixed(1)} s; waiting for node ${leader.leaderId} to drop the log before offset ${endBefore}`);
    // Whether the node fetched a snapshot is read from its own log below; this only gives the
    // leader time to clean its log (and says so when it did not).
    const dropped = await waitUntil(() => Math.min(...segmentBases(cluster.dir, leader.leaderId)) > endBefore, 'log cleaning', 30_000, 200).then(() => true, () => false);
    if (!dropped) progress(`catch-up: node ${leader.leaderId} still holds its metadata log from before offset ${endBefore}`);

    const target = leader.highWatermark;
    const spawnedAt = performance.now();
    await behind.start();
    const startedMs = performance.now() - spawnedAt;
    await waitUntil(async () => {
      const view = await settledController(cluster, { timeoutMs: 5000 }).catch(() => undefined);
      return (view?.voterEnds.get(behind.nodeId) ?? -1) >= target;
    }, `node ${behind.nodeId} to reach offset ${target}`, 120_000);
    const caughtUpMs = performance.now() - spawnedAt;
    const installed = /Installed snapshot fetched from the leader \S+: (\d+) records/.exec(behind.output());
    return { recordsBehind: target - endBefore, loadSeconds, startedMs, caughtUpMs, snapshotRecords: installed ? Number(installed[1]) : undefined };
  } finally {
    await stop();
  }
}
