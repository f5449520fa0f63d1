/**
 * Building blocks of the replication fault tests (test/replication-faults/): what each replica of a
 * partition really holds, read from its log files on disk (not through the broker, which would only
 * show what it chooses to serve), the partition's leader and ISR as one node's Metadata reports it,
 * topic creation with explicit replica assignments and configs, and a raw Produce to one node alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { nodeDataDir } from '../../src/engine/cluster/local-cluster-config.js';
import type { LocalCluster } from '../../src/engine/cluster/local-cluster.js';
import { batchSizeAt, readBatchHeader, type BatchHeader } from '../../src/engine/records/batch-header.js';
import { buildBatch, decodeBatch } from '../../src/engine/records/record-batch.js';
import { connectTo, metadataFrom, within, type NodeAddress } from './cluster.js';

export interface StoredRecord {
  offset: number;
  value: string | null;
  leaderEpoch: number;
}

export interface ReplicaLog {
  nodeId: number;
  /** Whether the partition's directory exists on that node. */
  present: boolean;
  /** Every complete batch, as the bytes stored (a follower stores the leader's batches verbatim). */
  batches: Buffer[];
  headers: BatchHeader[];
  records: StoredRecord[];
  /** The offset after the last stored batch (0 for an empty log). */
  endOffset: number;
  /** Every batch's bytes in order, for a byte-for-byte comparison of two replicas. */
  bytes: Buffer;
}

/** The partition's directory in a local-cluster node's log dir. */
export function partitionDir(cluster: LocalCluster, nodeId: number, topic: string, partition: number): string {
  return join(nodeDataDir(cluster.dir, nodeId), `${topic}-${partition}`);
}

/** Directories in the node's log dir that belong to `topic-partition`, including ones being deleted (`.<uuid>-delete`). */
export function partitionDirsOf(cluster: LocalCluster, nodeId: number, topic: string, partition: number): string[] {
  const dir = nodeDataDir(cluster.dir, nodeId);
  const name = `${topic}-${partition}`;
  return existsSync(dir) ? readdirSync(dir).filter((d) => d === name || d.startsWith(`${name}.`)) : [];
}

/**
 * Read one replica's log straight from its segment files (the process may be running or dead: a
 * trailing batch still being written is left out, as log recovery would).
 */
export function readReplicaLog(cluster: LocalCluster, nodeId: number, topic: string, partition: number): ReplicaLog {
  const dir = partitionDir(cluster, nodeId, topic, partition);
  const empty: ReplicaLog = { nodeId, present: false, batches: [], headers: [], records: [], endOffset: 0, bytes: Buffer.alloc(0) };
  if (!existsSync(dir)) return empty;
  const segments = readdirSync(dir)
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort();
  const batches: Buffer[] = [];
  const headers: BatchHeader[] = [];
  const records: StoredRecord[] = [];
  for (const seg of segments) {
    let buf: Buffer;
    try {
      buf = readFileSync(join(dir, seg));
    } catch {
      continue; // a segment deleted meanwhile (retention or truncation)
    }
    for (let pos = 0; ; ) {
      const size = batchSizeAt(buf, pos);
      if (size < 0 || pos + size > buf.length || size < 61) break;
      const bytes = Buffer.from(buf.subarray(pos, pos + size));
      const header = readBatchHeader(bytes, 0);
      batches.push(bytes);
      headers.push(header);
      const decoded = decodeBatch(bytes, 0);
      for (const r of decoded.records) records.push({ offset: r.offset, value: r.value === null ? null : r.value.toString('utf8'), leaderEpoch: header.partitionLeaderEpoch });
      pos += size;
    }
  }
  const last = headers[headers.length - 1];
  return { nodeId, present: true, batches, headers, records, endOffset: last ? last.baseOffset + last.lastOffsetDelta + 1 : 0, bytes: Buffer.concat(batches) };
}

/** A short account of a replica's log for an assertion message: its end, and its records' offsets, epochs and values. */
export function describeLog(log: ReplicaLog, maxRecords = 60): string {
  if (!log.present) return `node ${log.nodeId}: no log directory`;
  const rs = log.records.length > maxRecords ? [...log.records.slice(0, 10), undefined, ...log.records.slice(-(maxRecords - 10))] : log.records;
  const list = rs.map((r) => (r ? `${r.offset}@e${r.leaderEpoch}:${r.value}` : '...')).join(' ');
  return `node ${log.nodeId}: ${log.batches.length} batches, ${log.records.length} records, end offset ${log.endOffset}: ${list}`;
}

export interface PartitionView {
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** The partition as this node's Metadata describes it (undefined when the topic is not listed). */
export async function partitionFrom(node: NodeAddress, topic: string, partition: number, timeoutMs = 3000): Promise<PartitionView | undefined> {
  const md = await metadataFrom(node, timeoutMs);
  const p = md.topics.find((t) => t.name === topic && t.errorCode === 0)?.partitions.find((q) => q.partition === partition);
  return p ? { leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: [...p.replicas], isr: [...p.isr].sort((a, b) => a - b) } : undefined;
}

export interface NewTopicSpec {
  name: string;
  /** Replica ids per partition, the preferred leader first; a partition count and replication factor otherwise. */
  assignments?: number[][];
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

/** CreateTopics (v7) sent to one node, which forwards it to the active controller; throws unless created. */
export async function createTopicOn(node: NodeAddress, spec: NewTopicSpec, timeoutMs = 15_000): Promise<void> {
  const conn = await connectTo(node, timeoutMs);
  try {
    const res = await within(
      conn.send(19, 7, {
        topics: [
          {
            name: spec.name,
            numPartitions: spec.assignments ? -1 : (spec.partitions ?? 1),
            replicationFactor: spec.assignments ? -1 : (spec.replicationFactor ?? 1),
            assignments: (spec.assignments ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
            configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          },
        ],
        timeoutMs,
        validateOnly: false,
      }),
      timeoutMs,
      `node ${node.nodeId} (CreateTopics ${spec.name})`,
    );
    const t = res.topics[0];
    if (t.errorCode !== 0) throw new Error(`CreateTopics ${spec.name} on node ${node.nodeId}: error ${t.errorCode} ${t.errorMessage ?? ''}`);
  } finally {
    conn.close();
  }
}

export interface ProduceOutcome {
  /** The partition's error code, or undefined when no answer came within the client-side timeout. */
  errorCode?: number;
  baseOffset: number;
  /** What was sent, in order. */
  values: string[];
  /** Why there was no answer. */
  failure?: string;
}

/**
 * One Produce (v9, one batch of `values`) to the node `conn` is connected to, whatever the cluster
 * thinks of its leadership. `timeoutMs` is the request's own timeout (how long an acks=all write may
 * wait for the ISR); the answer is awaited `timeoutMs + 3000` ms, after which the outcome says "no
 * answer" (a connection to a partitioned node).
 */
export async function produceRaw(conn: BrokerConnection, topic: string, partition: number, values: string[], acks: -1 | 0 | 1, timeoutMs: number): Promise<ProduceOutcome> {
  const records = buildBatch({ records: values.map((value) => ({ value })) });
  try {
    const res = await within(
      conn.send(0, 9, { transactionalId: null, acks, timeoutMs, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] }),
      timeoutMs + 3000,
      'Produce',
    );
    const p = res.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: Number(p.baseOffset), values };
  } catch (err) {
    return { baseOffset: -1, values, failure: (err as Error).message };
  }
}

/** Same values at the same offsets, nothing else, in the same order. */
export function offsetsOf(log: ReplicaLog): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of log.records) if (r.value !== null) out.set(r.value, [...(out.get(r.value) ?? []), r.offset]);
  return out;
}
