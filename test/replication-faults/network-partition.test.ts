/**
 * Replication under a network partition: three kt nodes (bin/kt, so `npm run build` first), each in
 * a network namespace of its own (root and iproute2; fails, never skips, without them), a topic of
 * replication factor 3 and min.insync.replicas=2, and the leader of its partition cut off from the
 * other two nodes. The test process itself stays connected to every node at first (the cut is
 * between the nodes only), so clients can still reach the stranded leader, as clients on its side of
 * a real partition would: that is the dangerous case.
 *
 * 1. The stranded leader (here also the active controller) must not acknowledge acks=all writes;
 *    the other two elect a new leader and take writes; healed, the old leader follows and truncates
 *    what it wrote alone; nothing acknowledged to the idempotent confluent-kafka producer is lost
 *    or duplicated, and every replica's log is the same, byte for byte.
 * 2. A divergent tail: acks=1 writes the stranded leader (not the controller) takes alone are gone
 *    from every log after healing (Kafka's KIP-101/279 truncation, the tail longer than what the new
 *    leader wrote), and a read_uncommitted consumer running throughout never saw them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { connectTo, startTestCluster, waitForBrokers, waitForController, type TestCluster } from '../helpers/cluster.js';
import { ackedOffsets, startAckedProducer, startRecordingConsumer, type PythonClient } from '../helpers/python-acked.js';
import { createTopicOn, describeLog, produceRaw, readReplicaLog, type ProduceOutcome } from '../helpers/replica-logs.js';
import { expectIdentical, healBetween, leaderHighWatermark, until, viewsFrom, waitSettled, withLogs } from './common.js';

const ALL = [1, 2, 3];

describe('replication across a network partition (3 nodes in network namespaces)', () => {
  let cluster: TestCluster;
  const clients: PythonClient[] = [];
  const clientReports = () => clients.map((c) => c.summary()).join('\n\n');

  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 3, netns: true, overrides: { 'auto.leader.rebalance.enable': 'false' } });
    await waitForBrokers(cluster, { expected: ALL, timeoutMs: 30_000 });
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) c.kill();
    cluster?.net?.healAll();
    await cluster?.stop();
  });

  /** Cut `nodeId` off from the other nodes (not from the test). */
  const strand = (nodeId: number) =>
    cluster.net!.partition(
      [nodeId - 1],
      ALL.filter((id) => id !== nodeId).map((id) => id - 1),
    );

  /** Create `topic` led by `leader` with every node a replica, and wait until all three are in sync. */
  async function createLedBy(topic: string, leader: number): Promise<number> {
    const others = ALL.filter((id) => id !== leader);
    await createTopicOn(cluster.node(others[0]!), { name: topic, assignments: [[leader, ...others]], configs: { 'min.insync.replicas': '2' } });
    const views = await until(
      `${topic}-0 led by ${leader} with ISR [1,2,3] on every node`,
      () => viewsFrom(cluster, ALL, topic),
      (v) => [...v.values()].every((p) => p?.leader === leader && p.isr.join(',') === '1,2,3'),
    );
    return views.get(leader)!.leaderEpoch;
  }

  /** Wait until both nodes of the majority name one leader among them, of an epoch after `oldEpoch`. */
  async function majorityLeader(topic: string, stranded: number, oldEpoch: number): Promise<number> {
    const majority = ALL.filter((id) => id !== stranded);
    const views = await until(
      `nodes ${majority} to elect a new leader of ${topic}-0 (epoch > ${oldEpoch})`,
      () => viewsFrom(cluster, majority, topic),
      (v) => {
        const [a, b] = majority.map((id) => v.get(id));
        return !!a && !!b && a.leader === b.leader && majority.includes(a.leader) && a.leaderEpoch > oldEpoch && a.leaderEpoch === b.leaderEpoch;
      },
      30_000,
    );
    return views.get(majority[0]!)!.leader;
  }

  it('a stranded leader acknowledges no acks=all write; the majority takes over; healed, it truncates and nothing acknowledged is lost', async () => {
    const topic = 'partitioned';
    await withLogs(
      () => cluster,
      async () => {
        // The hardest case: the partition's leader is also the active controller, so it is stranded
        // with the quorum's leadership too and must not commit an ISR change on its own.
        const controller = await waitForController(cluster, { timeoutMs: 20_000 });
        const old = controller.nodeId;
        const oldEpoch = await createLedBy(topic, old);
        const producer = startAckedProducer({ bootstrap: cluster.bootstrap, topic, partition: 0, prefix: 'p', config: { 'socket.timeout.ms': 5000 } });
        clients.push(producer);
        await until('200 acknowledged records before the cut', () => producer.of('acked').length, (n) => n >= 200, 30_000);

        const cutAt = Date.now();
        strand(old);
        // Writes sent to the stranded leader itself, which still believes it leads: none may succeed.
        const zombie = await connectTo(cluster.node(old), 3000);
        const stranded: ProduceOutcome[] = [];
        try {
          for (let i = 0; i < 4; i++) stranded.push(await produceRaw(zombie, topic, 0, [`zombie-${i}`], -1, 1500));
        } finally {
          zombie.close();
        }
        for (const o of stranded) {
          expect(o.errorCode, `acks=all write ${o.values} to the stranded leader ${old}: ${JSON.stringify(o)}`).not.toBe(ErrorCode.NONE);
        }
        // They were appended there (the stranded leader's own log), waiting for an ISR that never came.
        const strandedLog = readReplicaLog(cluster, old, topic, 0);
        const zombieOnDisk = strandedLog.records.filter((r) => r.value?.startsWith('zombie-'));
        // From here the test's clients are on the majority's side: cut off from the stranded node
        // too. (While they can reach it, librdkafka keeps asking it for metadata, and it keeps
        // naming itself leader, as a stranded Kafka broker does: the producer would wait there.)
        cluster.net!.isolate(old - 1);
        console.log(`stranded leader ${old}: answers ${JSON.stringify(stranded.map((o) => o.errorCode ?? o.failure))}, zombie records on its disk at ${zombieOnDisk.map((r) => r.offset)}`);

        const newLeader = await majorityLeader(topic, old, oldEpoch);
        console.log(`node ${newLeader} leads ${topic}-0 ${Date.now() - cutAt} ms after the cut`);
        const direct = await connectTo(cluster.node(newLeader), 3000);
        let onNew: ProduceOutcome;
        try {
          onNew = await produceRaw(direct, topic, 0, ['direct-0', 'direct-1'], -1, 10_000);
        } finally {
          direct.close();
        }
        expect(onNew.errorCode, `acks=all write to the new leader ${newLeader}: ${JSON.stringify(onNew)}`).toBe(ErrorCode.NONE);
        const ackedAtElection = producer.of('acked').length;
        await until('the producer acknowledged by the new leader', () => producer.of('acked').length, (n) => n >= ackedAtElection + 100, 60_000);
        // Still stranded: the old leader's log keeps its zombie writes and has none of the new leader's.
        expect(readReplicaLog(cluster, old, topic, 0).records.some((r) => r.value === 'direct-0'), 'a stranded node got a write of the majority').toBe(false);

        // The brokers reconnect first; the clients reach the old leader again only once it follows
        // (back in the ISR): until its metadata catches up it still names itself leader, librdkafka
        // 2.0.2 believes that over the newer epoch, and the stale leader's answer to the producer's
        // next sequence (OUT_OF_ORDER_SEQUENCE_NUMBER, as Kafka's) is fatal to an idempotent producer.
        for (const other of ALL.filter((id) => id !== old)) healBetween(cluster.net!, old - 1, other - 1);
        await until(`node ${old} back in the ISR of ${topic}-0`, () => viewsFrom(cluster, [newLeader], topic), (v) => v.get(newLeader)?.isr.join(',') === '1,2,3', 30_000);
        const caughtUp = readReplicaLog(cluster, old, topic, 0);
        expect(caughtUp.records.filter((r) => r.value?.startsWith('zombie-')), `node ${old} rejoined the ISR with its zombie records: ${describeLog(caughtUp)}`).toEqual([]);
        cluster.net!.healAll();
        const healedAt = producer.of('acked').length;
        await until(`node ${old} to follow node ${newLeader}`, () => viewsFrom(cluster, [old], topic), (v) => v.get(old)?.leader === newLeader, 30_000);
        await until('the producer to carry on after healing', () => producer.of('acked').length, (n) => n >= healedAt + 100, 60_000);
        expect(await producer.stop(), producer.summary()).toBe(0);

        const settled = await waitSettled(cluster, topic, ALL);
        expect(settled.leader).toBe(newLeader);
        const problem = expectIdentical(settled.logs);
        expect(problem, problem).toBeUndefined();
        const log = settled.logs[0]!;
        const offsets = new Map<string, number[]>();
        for (const r of log.records) offsets.set(r.value ?? '', [...(offsets.get(r.value ?? '') ?? []), r.offset]);

        // Nothing the stranded leader wrote alone survives anywhere.
        for (const l of settled.logs) {
          const zombies = l.records.filter((r) => r.value?.startsWith('zombie-'));
          expect(zombies, `zombie records in node ${l.nodeId}'s log: ${describeLog(l)}`).toEqual([]);
        }
        const served = await leaderHighWatermark(cluster, newLeader, topic);
        expect(served.values.filter((v) => v.value?.startsWith('zombie-'))).toEqual([]);
        expect(served.values).toEqual(log.records.map((r) => ({ offset: r.offset, value: r.value })));

        // Every acknowledged record is there exactly once, at the offset it was acknowledged with.
        const acked = ackedOffsets(producer);
        expect(producer.of('failed'), 'delivery failures').toEqual([]);
        expect(producer.of('client-error').filter((e) => e.fatal), 'fatal client errors').toEqual([]);
        expect(producer.of('done')[0]?.unflushed, 'records still unflushed at the end').toBe(0);
        const missing: string[] = [];
        for (const [value, offset] of acked) {
          const at = offsets.get(value);
          if (!at || at.length !== 1 || at[0] !== offset) missing.push(`${value} acknowledged at ${offset}, stored at ${JSON.stringify(at ?? [])}`);
        }
        expect(missing, `acknowledged records lost, moved or duplicated (${acked.size} acknowledged)`).toEqual([]);
        expect(offsets.get('direct-0')).toEqual([onNew.baseOffset]);
        expect(offsets.get('direct-1')).toEqual([onNew.baseOffset + 1]);
        // The producer's own records: each once, in produce order.
        const mine = log.records.filter((r) => r.value?.startsWith('p-')).map((r) => Number(r.value!.slice(2)));
        expect(new Set(mine).size, 'a producer record stored twice').toBe(mine.length);
        expect(mine.every((n, i) => i === 0 || n > mine[i - 1]!), 'producer records out of produce order').toBe(true);
        expect(acked.size).toBe(producer.of('done')[0]!.sent);
        console.log(`${acked.size} acknowledged, log end ${log.endOffset}, zombie writes truncated: ${zombieOnDisk.length}`);
      },
      clientReports,
    );
  }, 180_000);

  it('a divergent tail written by a stranded leader with acks=1 is truncated after healing and no consumer ever reads it', async () => {
    const topic = 'divergent';
    await withLogs(
      () => cluster,
      async () => {
        const controller = await waitForController(cluster, { timeoutMs: 20_000 });
        const old = ALL.find((id) => id !== controller.nodeId)!;
        const oldEpoch = await createLedBy(topic, old);
        const consumer = startRecordingConsumer(cluster.bootstrap, topic, 0);
        clients.push(consumer);

        const conn = await connectTo(cluster.node(old), 3000);
        try {
          for (let i = 0; i < 10; i++) {
            const o = await produceRaw(conn, topic, 0, [`committed-${i}`], -1, 10_000);
            expect(o.errorCode, JSON.stringify(o)).toBe(ErrorCode.NONE);
          }
          await until('the consumer to read the 10 committed records', () => consumer.of('record').length, (n) => n >= 10, 30_000);

          strand(old);
          // 20 single-record batches on the stranded leader alone, acknowledged with acks=1: a tail
          // longer than what the new leader will write, so truncating to the high watermark or to
          // the new leader's log end alone would not remove it.
          for (let i = 0; i < 20; i++) {
            const o = await produceRaw(conn, topic, 0, [`tail-${i}`], 1, 5000);
            expect(o.errorCode, `acks=1 write to the stranded leader: ${JSON.stringify(o)}`).toBe(ErrorCode.NONE);
          }
        } finally {
          conn.close();
        }
        const before = readReplicaLog(cluster, old, topic, 0);
        expect(before.records.filter((r) => r.value?.startsWith('tail-')).length, describeLog(before)).toBe(20);
        expect(before.endOffset).toBe(30);

        const newLeader = await majorityLeader(topic, old, oldEpoch);
        const direct = await connectTo(cluster.node(newLeader), 3000);
        try {
          const o = await produceRaw(direct, topic, 0, ['new-0', 'new-1', 'new-2', 'new-3', 'new-4'], -1, 10_000);
          expect(o.errorCode, JSON.stringify(o)).toBe(ErrorCode.NONE);
          expect(o.baseOffset).toBe(10);
        } finally {
          direct.close();
        }

        cluster.net!.healAll();
        const settled = await waitSettled(cluster, topic, ALL);
        expect(settled.leader).toBe(newLeader);
        const problem = expectIdentical(settled.logs);
        expect(problem, problem).toBeUndefined();
        const final = settled.logs[0]!;
        expect(final.records.map((r) => r.value)).toEqual([...Array.from({ length: 10 }, (_, i) => `committed-${i}`), 'new-0', 'new-1', 'new-2', 'new-3', 'new-4']);
        expect(final.endOffset).toBe(15);

        await until('the consumer to read up to new-4', () => consumer.of('record').some((e) => e.value === 'new-4'), (x) => x, 30_000);
        expect(await consumer.stop(30_000)).toBe(0);
        const seen = consumer.of('record');
        expect(seen.filter((e) => String(e.value).startsWith('tail-')), 'a consumer read the divergent tail').toEqual([]);
        const byOffset = new Map(final.records.map((r) => [r.offset, r.value]));
        const wrong = seen.filter((e) => byOffset.get(e.offset) !== e.value);
        expect(wrong, 'records read that differ from the final log').toEqual([]);
        expect(new Set(seen.map((e) => e.offset)).size).toBe(15);
      },
      clientReports,
    );
  }, 150_000);
});
