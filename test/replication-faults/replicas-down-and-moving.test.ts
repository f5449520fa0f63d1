/**
 * Replication with replicas lost and moved, on five kt nodes (bin/kt, so `npm run build` first):
 * every node of a local cluster is a controller voter, so five keep the metadata quorum with two
 * down, which lets a partition of replication factor 3 lose two of its replicas while the
 * controller keeps working.
 *
 * 1. Two of three replicas killed (SIGKILL): the ISR shrinks to the leader, acks=all is refused with
 *    NOT_ENOUGH_REPLICAS (raw Produce and confluent-kafka alike) and nothing of it is stored, acks=1
 *    keeps being acknowledged; both restarted: the ISR is three again and every replica's log ends
 *    at the leader's high watermark, byte for byte the same, every acks=1 record kept.
 * 2. A partition of replication factor 2 moved from brokers 1,2 to 2,3 with `kt reassign-partitions`
 *    while an idempotent acks=all producer writes: once --verify says completed, every acknowledged
 *    record is on both new replicas exactly once at its offset, and broker 1 has no log of it left.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KT_BIN } from '../../src/engine/cluster/local-cluster-node.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { connectTo, startTestCluster, waitForBrokers, type TestCluster } from '../helpers/cluster.js';
import { run } from '../helpers/processes.js';
import { ackedOffsets, startAckedProducer, type PythonClient } from '../helpers/python-acked.js';
import { createTopicOn, describeLog, partitionDirsOf, produceRaw, readReplicaLog, type ProduceOutcome } from '../helpers/replica-logs.js';
import { expectIdentical, until, viewsFrom, waitSettled, withLogs } from './common.js';

const ALL = [1, 2, 3, 4, 5];

describe('replicas down and replicas moving (5 nodes)', () => {
  let cluster: TestCluster;
  const clients: PythonClient[] = [];
  const clientReports = () => clients.map((c) => c.summary()).join('\n\n');
  const dir = mkdtempSync(join(tmpdir(), 'kt-replication-faults-'));

  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 5, overrides: { 'auto.leader.rebalance.enable': 'false' } });
    await waitForBrokers(cluster, { expected: ALL, timeoutMs: 30_000 });
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) c.kill();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two of three replicas down: acks=all gets NOT_ENOUGH_REPLICAS, acks=1 works; both back, the ISR and high watermark recover', async () => {
    const topic = 'two-down';
    await withLogs(
      () => cluster,
      async () => {
        await createTopicOn(cluster.node(4), { name: topic, assignments: [[1, 2, 3]], configs: { 'min.insync.replicas': '2' } });
        await until(`${topic}-0 led by 1 with ISR [1,2,3]`, () => viewsFrom(cluster, [1, 4], topic), (v) => [...v.values()].every((p) => p?.leader === 1 && p.isr.join(',') === '1,2,3'));
        const conn = await connectTo(cluster.node(1), 3000);
        try {
          for (let i = 0; i < 5; i++) expect((await produceRaw(conn, topic, 0, [`before-${i}`], -1, 10_000)).errorCode).toBe(ErrorCode.NONE);
          // acks=1 from a real client, without pause, through the whole outage.
          const ones = startAckedProducer({ bootstrap: cluster.bootstrap, topic, partition: 0, prefix: 'one', intervalMs: 20, config: { acks: 1, 'enable.idempotence': false } });
          clients.push(ones);
          await until('acks=1 records acknowledged before the kills', () => ones.of('acked').length, (n) => n >= 50);

          await Promise.all([cluster.node(2).kill('SIGKILL'), cluster.node(3).kill('SIGKILL')]);
          const killedAt = Date.now();
          await until(`the ISR of ${topic}-0 to shrink to [1]`, () => viewsFrom(cluster, [1, 4, 5], topic), (v) => [...v.values()].every((p) => p?.leader === 1 && p.isr.join(',') === '1'), 30_000);
          console.log(`ISR shrank to [1] ${Date.now() - killedAt} ms after the kills`);

          const refused: ProduceOutcome[] = [];
          for (let i = 0; i < 5; i++) refused.push(await produceRaw(conn, topic, 0, [`refused-${i}`], -1, 5000));
          expect(refused.map((o) => o.errorCode), JSON.stringify(refused)).toEqual(Array(5).fill(ErrorCode.NOT_ENOUGH_REPLICAS));
          const one = await produceRaw(conn, topic, 0, ['raw-acks1'], 1, 5000);
          expect(one.errorCode, JSON.stringify(one)).toBe(ErrorCode.NONE);
          // confluent-kafka with acks=all and no retries sees the broker's NOT_ENOUGH_REPLICAS (19).
          const alls = startAckedProducer({ bootstrap: cluster.bootstrap, topic, partition: 0, prefix: 'all', intervalMs: 100, config: { 'enable.idempotence': false, retries: 0 } });
          clients.push(alls);
          await until('5 acks=all deliveries reported', () => alls.of('acked').length + alls.of('failed').length, (n) => n >= 5, 30_000);
          await alls.stop(30_000);
          expect(alls.of('acked'), 'acks=all acknowledged with two of three replicas down').toEqual([]);
          expect(alls.of('failed').map((e) => e.code)).toEqual(alls.of('failed').map(() => ErrorCode.NOT_ENOUGH_REPLICAS));
          const onesDuring = ones.of('acked').length;
          await until('acks=1 acknowledged while two replicas are down', () => ones.of('acked').length, (n) => n >= onesDuring + 50, 30_000);

          await Promise.all([cluster.node(2).start(), cluster.node(3).start()]);
          await until(`the ISR of ${topic}-0 back to [1,2,3]`, () => viewsFrom(cluster, [1, 2, 3], topic), (v) => [...v.values()].every((p) => p?.leader === 1 && p.isr.join(',') === '1,2,3'), 45_000);
          const onesBack = ones.of('acked').length;
          await until('acks=1 acknowledged after the restarts', () => ones.of('acked').length, (n) => n >= onesBack + 20, 30_000);
          expect(await ones.stop(), ones.summary()).toBe(0);
          expect(ones.of('failed'), 'acks=1 delivery failures').toEqual([]);

          const settled = await waitSettled(cluster, topic, [1, 2, 3]);
          const problem = expectIdentical(settled.logs);
          expect(problem, problem).toBeUndefined();
          const log = settled.logs[0]!;
          expect(settled.highWatermark).toBe(log.endOffset);
          const stored = new Map<string, number[]>();
          for (const r of log.records) stored.set(r.value ?? '', [...(stored.get(r.value ?? '') ?? []), r.offset]);
          // NOT_ENOUGH_REPLICAS is answered before appending: none of those records exists.
          const leaked = log.records.filter((r) => r.value?.startsWith('refused-') || r.value?.startsWith('all-'));
          expect(leaked, `refused acks=all records stored: ${describeLog(log)}`).toEqual([]);
          const lost: string[] = [];
          for (const [value, offset] of ackedOffsets(ones)) if (stored.get(value)?.join(',') !== String(offset)) lost.push(`${value}@${offset} stored at ${JSON.stringify(stored.get(value) ?? [])}`);
          expect(lost, 'acks=1 records lost, moved or duplicated (the leader never went down)').toEqual([]);
          expect(stored.get('raw-acks1')).toEqual([one.baseOffset]);
          for (let i = 0; i < 5; i++) expect(stored.get(`before-${i}`)).toEqual([i]);
        } finally {
          conn.close();
          for (const id of [2, 3]) if (!cluster.node(id).running) await cluster.node(id).start();
        }
      },
      clientReports,
    );
  }, 180_000);

  it('a partition moved from brokers 1,2 to 2,3 while an acks=all producer writes loses nothing', async () => {
    const topic = 'moving';
    await withLogs(
      () => cluster,
      async () => {
        await waitForBrokers(cluster, { expected: ALL, timeoutMs: 30_000 });
        await createTopicOn(cluster.node(5), { name: topic, assignments: [[1, 2]], configs: { 'min.insync.replicas': '2' } });
        await until(`${topic}-0 led by 1 with ISR [1,2]`, () => viewsFrom(cluster, [1, 2], topic), (v) => [...v.values()].every((p) => p?.leader === 1 && p.isr.join(',') === '1,2'));
        const producer = startAckedProducer({ bootstrap: cluster.bootstrap, topic, partition: 0, prefix: 'm', intervalMs: 5 });
        clients.push(producer);
        await until('300 acknowledged before the move', () => producer.of('acked').length, (n) => n >= 300, 30_000);

        const plan = join(dir, 'move.json');
        writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [2, 3], log_dirs: ['any', 'any'] }] }));
        const kt = (args: string[]) => run(process.execPath, [KT_BIN, ...args, '--bootstrap-server', cluster.bootstrap], { timeoutMs: 30_000, env: { ...process.env, NO_COLOR: '1' } });
        const executed = await kt(['reassign-partitions', '--execute', '--reassignment-json-file', plan]);
        expect(executed.code, `${executed.stdout}\n${executed.stderr}`).toBe(0);
        expect(executed.stdout).toContain(`Successfully started partition reassignment for ${topic}-0`);
        const startedAt = Date.now();
        const verified = await until(
          '--verify to report the move completed',
          async () => {
            const r = await kt(['reassign-partitions', '--verify', '--reassignment-json-file', plan]);
            return `${r.code} ${r.stdout}${r.stderr}`;
          },
          (out) => out.includes(`Reassignment of partition ${topic}-0 is completed.`),
          60_000,
        );
        expect(verified.startsWith('0 ')).toBe(true);
        console.log(`reassignment completed ${Date.now() - startedAt} ms after --execute, ${producer.of('acked').length} acknowledged so far`);

        const atCompletion = producer.of('acked').length;
        await until('the producer to carry on after the move', () => producer.of('acked').length, (n) => n >= atCompletion + 200, 60_000);
        expect(await producer.stop(), producer.summary()).toBe(0);
        expect(producer.of('failed'), 'delivery failures').toEqual([]);
        expect(producer.of('client-error').filter((e) => e.fatal), 'fatal client errors').toEqual([]);
        expect(producer.of('done')[0]?.unflushed).toBe(0);

        const settled = await waitSettled(cluster, topic, [2, 3]);
        expect(settled.view.replicas).toEqual([2, 3]);
        const problem = expectIdentical(settled.logs);
        expect(problem, problem).toBeUndefined();
        const log = settled.logs[0]!;
        const stored = new Map<string, number[]>();
        for (const r of log.records) stored.set(r.value ?? '', [...(stored.get(r.value ?? '') ?? []), r.offset]);
        const acked = ackedOffsets(producer);
        expect(acked.size).toBe(producer.of('done')[0]!.sent);
        const wrong: string[] = [];
        for (const [value, offset] of acked) if (stored.get(value)?.join(',') !== String(offset)) wrong.push(`${value}@${offset} stored at ${JSON.stringify(stored.get(value) ?? [])}`);
        expect(wrong, `acknowledged records lost, moved or duplicated on the new replicas (${acked.size} acknowledged)`).toEqual([]);
        expect(log.records.length, 'records other than the acknowledged ones').toBe(acked.size);
        await until('broker 1 to delete its log of the partition', () => partitionDirsOf(cluster, 1, topic, 0), (dirs) => dirs.length === 0, 30_000);
        expect(readReplicaLog(cluster, 1, topic, 0).present).toBe(false);
        const onOne = (await viewsFrom(cluster, [1], topic)).get(1);
        expect(onOne?.replicas).toEqual([2, 3]);
      },
      clientReports,
    );
  }, 180_000);
});
