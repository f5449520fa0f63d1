/**
 * A restart keeps everything: topics (same ids), partitions, configs and every record, because the
 * metadata image is rebuilt by replaying the metadata log and the partition logs are reopened.
 * A SIGKILLed server loses no acknowledged record either.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MetadataImage } from '../../src/engine/metadata/image.js';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { buildBatch, decodeBatches } from '../../src/engine/records/record-batch.js';
import { startKt, tempLogDir } from '../helpers/kt.js';
import { spawnKt } from '../helpers/kt-process.js';

function topicsOf(image: MetadataImage) {
  return [...image.topicsByName.values()]
    .map((t) => ({
      name: t.name,
      topicId: t.topicId,
      configs: Object.fromEntries([...t.configs].sort()),
      partitions: [...t.partitions.values()].sort((a, b) => a.partition - b.partition),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function fetchAll(conn: BrokerConnection, topic: string, partition: number): Promise<string[]> {
  const res = await conn.send(1, 12, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 26, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, fetchOffset: 0, partitionMaxBytes: 1 << 26, currentLeaderEpoch: -1, logStartOffset: -1 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return decodeBatches(res.responses[0].partitions[0].records).flatMap((b) => b.records.map((r) => r.value!.toString()));
}

const produce = (conn: BrokerConnection, topic: string, partition: number, values: string[], acks = -1) =>
  conn.send(0, 9, {
    transactionalId: null, acks, timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: buildBatch({ records: values.map((value) => ({ value })) }) }] }],
  });

describe('restarting a server', () => {
  it('brings back the same topics, configs, metadata image and records', async () => {
    const dir = tempLogDir();
    try {
      const first = await startKt({ 'log.dirs': dir });
      const conn = await first.connect();
      await conn.send(19, 7, {
        topics: [
          { name: 'kept', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '86400000' }] },
          { name: 'removed', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        ],
        timeoutMs: 5000, validateOnly: false,
      });
      await conn.send(20, 5, { topicNames: ['removed'], timeoutMs: 5000 });
      for (let i = 0; i < 20; i++) await produce(conn, 'kept', i % 2, [`v${i}`]);
      const before = structuredClone(topicsOf(first.server.metadata()));
      const clusterId = first.server.clusterId;
      await first.stop();

      const second = await startKt({ 'log.dirs': dir });
      try {
        expect(second.server.clusterId).toBe(clusterId);
        // The same image, but for leader epochs: the controlled shutdown moved each partition's
        // leadership away (its only replica: to no leader) and the unfencing at start gave it back,
        // each a new leader epoch, as Kafka does.
        const after = topicsOf(second.server.metadata());
        const withoutEpochs = (ts: typeof before) => ts.map((t) => ({ ...t, partitions: t.partitions.map(({ leaderEpoch: _l, partitionEpoch: _p, ...rest }) => rest) }));
        expect(withoutEpochs(after)).toEqual(withoutEpochs(before));
        for (const [i, t] of after.entries()) for (const [j, p] of t.partitions.entries()) expect(p.leaderEpoch).toBe(before[i].partitions[j].leaderEpoch + 2);
        const conn2 = await second.connect();
        expect(await fetchAll(conn2, 'kept', 0)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i * 2}`));
        expect(await fetchAll(conn2, 'kept', 1)).toEqual(Array.from({ length: 10 }, (_, i) => `v${i * 2 + 1}`));
        const more = await produce(conn2, 'kept', 0, ['after']);
        expect(more.responses[0].partitionResponses[0].baseOffset).toBe(10);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged record when the server process is SIGKILLed', async () => {
    const dir = tempLogDir();
    try {
      const first = await spawnKt(dir);
      const conn = await BrokerConnection.open('127.0.0.1', first.port);
      const acked: string[] = [];
      for (let i = 0; i < 200; i++) {
        const res = await produce(conn, 'crashy', 0, [`r${i}`], 1);
        if (res.responses[0].partitionResponses[0].errorCode === 0) acked.push(`r${i}`);
      }
      expect(acked).toHaveLength(200);
      await first.stop('SIGKILL');
      conn.close();

      const again = await spawnKt(dir);
      try {
        const conn2 = await BrokerConnection.open('127.0.0.1', again.port);
        expect(await fetchAll(conn2, 'crashy', 0)).toEqual(acked);
        conn2.close();
      } finally {
        expect(await again.stop()).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
