/**
 * The replication fault test of confluent-producer-kills.test.ts with two other producers, fewer
 * kills each (KILLS, every third a random node): kafkajs's idempotent producer (acks -1, its
 * unlimited retries for idempotence, one request in flight, one partition per send) and the Java client's producer on its
 * defaults (idempotent, acks=all; test/replication-cluster/LedgerProducer.java). A 3-node cluster,
 * a topic with replication factor 3 and min.insync.replicas=2; every acknowledged record must be
 * read back once from the leaders (kt's own Fetch), at its acknowledged offset, in produce order per
 * partition, and the producer may only have met retriable errors.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLedger, ledgerProblems, type Ack } from '../helpers/ack-ledger.js';
import { chaosSeed, killAndRestartCycles, seededRandom } from '../helpers/kill-cycles.js';
import { spawnJavaLedgerProducer, type JavaLedgerProducer } from './java-ledger.js';
import { lastAcked, PARTITIONS, startFaultEnv, stopRequested, withEvidence, type FaultEnv } from './fault-setup.js';

const KILLS = 4;
const KAFKAJS_RATE = 2000;
const JAVA_RATE = 3000;

/** kafkajs's error table: the message text of each non-retriable protocol error, to spot one in its logs. */
const require = createRequire(import.meta.url);
const NON_RETRIABLE: { type: string; message: string }[] = (require('kafkajs/src/protocol/error.js').errorCodes as { type: string; retriable: boolean; message: string }[]).filter(
  (e) => !e.retriable,
);

interface Logged {
  level: number;
  namespace: string;
  message: string;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('replicated partitions through SIGKILLs of their leaders: kafkajs and the Java client', () => {
  let env: FaultEnv | undefined;
  let producer: Producer | undefined;
  let java: JavaLedgerProducer | undefined;
  afterEach(async () => {
    await producer?.disconnect().catch(() => undefined);
    await java?.kill();
    await env?.stop();
    env = producer = java = undefined;
  });

  it(`kafkajs idempotent producer (acks -1), ${KILLS} kills: every acknowledged record once, at its offset, in order; only retriable errors`, async () => {
    const seed = chaosSeed();
    env = await startFaultEnv('repl-kafkajs', seed);
    const { cluster, timeline } = env;
    const logged: Logged[] = [];
    const acks: Ack[] = [];
    const sendErrors: string[] = [];
    try {
      const kafka = new Kafka({
        clientId: 'kt-repl-kafkajs',
        brokers: cluster.bootstrap.split(','),
        logLevel: logLevel.WARN,
        logCreator: () => ({ namespace, level, log }) => {
          logged.push({ level, namespace, message: String(log.message), error: log.error === undefined ? undefined : String(log.error) });
        },
        retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 30 },
      });
      producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      await producer.connect();
      const p = producer;
      const topic = env.topic;
      const fault = env;
      // One loop per partition, each sending 20 records at a time to its partition alone and waiting
      // for the answer: a record's acknowledged offset is the send's baseOffset plus its place in it.
      // One partition per send() because kafkajs 2.x loses records of a send spanning several
      // brokers when a leader moves to a broker that already answered that send (sendMessages.js
      // keeps responsePerBroker across retries and re-sends only to brokers without a response;
      // tulios/kafkajs#1303): the send resolves without the moved partition. The check below that
      // each answer names the partition sent to would catch that.
      let next = 0;
      const t0 = Date.now();
      const partitionLoop = async (partition: number) => {
        let sentHere = 0;
        while (!stopRequested(fault)) {
          const ids: number[] = [];
          const messages = [];
          for (let k = 0; k < 20; k++) {
            const i = next++;
            ids.push(i);
            messages.push({ partition, key: `key-${i % 997}`, value: `v-${i}` });
          }
          try {
            const res = await p.send({ topic, acks: -1, messages });
            const mine = res.filter((r) => r.partition === partition);
            if (res.length !== 1 || mine.length !== 1 || mine[0]!.errorCode !== 0) throw new Error(`send to partition ${partition} answered ${JSON.stringify(res)}`);
            ids.forEach((n, k) => acks.push([partition, Number(mine[0]!.baseOffset) + k, n]));
          } catch (err) {
            sendErrors.push(`send of v-${ids[0]}..v-${ids.at(-1)} to partition ${partition}: ${(err as Error).name}: ${(err as Error).message}`);
            return;
          }
          sentHere += messages.length;
          const ahead = (sentHere / (KAFKAJS_RATE / PARTITIONS)) * 1000 - (Date.now() - t0);
          if (ahead > 0) await sleep(ahead);
        }
      };
      const loop = Promise.all(Array.from({ length: PARTITIONS }, (_, partition) => partitionLoop(partition))).then(() => next);
      const progress = () => {
        if (sendErrors.length > 0) throw new Error(`kafkajs send failed: ${sendErrors.join('; ')}`);
        return acks.length;
      };
      const kills = await killAndRestartCycles({ cluster, topic, kills: KILLS, random: seededRandom(seed), progress, progressStep: KAFKAJS_RATE / 2, timeline });
      env.signalStop();
      const sent = await loop;
      timeline.note(`kafkajs done: sent ${sent}, acknowledged ${acks.length}, ${logged.length} warnings/errors logged`);

      expect(sendErrors).toEqual([]);
      expect(acks.length).toBe(sent);
      for (const k of kills) expect(k.progressAtRestart, `kill ${k.cycle + 1} of node ${k.victim}`).toBeGreaterThan(k.progressAtKill);
      // What kafkajs logged are the errors it met and retried; none may be a non-retriable protocol error.
      const nonRetriable = logged.filter((l) => NON_RETRIABLE.some((e) => `${l.message} ${l.error ?? ''}`.includes(e.message)));
      expect(nonRetriable).toEqual([]);

      const report = await checkLedger(cluster, topic, PARTITIONS, acks);
      timeline.note(`read back: ${JSON.stringify(report.stored)}`);
      expect(ledgerProblems(report), JSON.stringify(report, null, 1)).toEqual([]);
      expect(Object.values(report.stored).reduce((n, s) => n + s.records, 0)).toBe(acks.length);
      const kinds = [...new Set(logged.map((l) => l.message.slice(0, 120)))].slice(0, 10);
      console.log(`kafkajs: ${acks.length} records acknowledged through ${kills.length} kills (seed ${seed}); logged (first kinds): ${JSON.stringify(kinds)}\n${timeline.text()}`);
    } catch (err) {
      throw withEvidence(err, env, 'kafkajs', `kafkajs send errors: ${JSON.stringify(sendErrors)}\nkafkajs log (last 20): ${JSON.stringify(logged.slice(-20), null, 1)}`);
    }
  }, 240_000);

  it(`Java client producer on its defaults, ${KILLS} kills: every acknowledged record once, at its offset, in order; no failed send`, async () => {
    const seed = chaosSeed();
    env = await startFaultEnv('repl-java', seed);
    const { cluster, timeline } = env;
    try {
      const acksFile = join(env.dir, 'acks.json');
      java = await spawnJavaLedgerProducer(cluster.bootstrap, env.topic, JAVA_RATE, acksFile, env.stopFile);
      const producer = java;
      const progress = () => {
        if (producer.child.exitCode !== null) throw new Error(`the Java producer exited (${producer.child.exitCode}):\n${producer.stderr().slice(-3000)}`);
        return lastAcked(producer.events);
      };
      await producer.next((e) => e.event === 'progress' && e.acked > 0, 'the first acknowledged records', 60_000);
      timeline.note('Java producer running');
      const kills = await killAndRestartCycles({ cluster, topic: env.topic, kills: KILLS, random: seededRandom(seed), progress, progressStep: JAVA_RATE / 2, timeline });
      env.signalStop();
      const done = await producer.next((e) => e.event === 'done', 'the Java producer to flush and write its ledger', 180_000);
      timeline.note(`Java producer done: ${JSON.stringify(done)}`);

      for (const k of kills) expect(k.progressAtRestart, `kill ${k.cycle + 1} of node ${k.victim}`).toBeGreaterThan(k.progressAtKill);
      expect({ failed: done.failed, failures: done.failures }).toEqual({ failed: 0, failures: [] });
      expect(done.acked).toBe(done.sent);
      const acks = JSON.parse(readFileSync(acksFile, 'utf8')) as Ack[];
      expect(acks.length).toBe(done.sent);
      const report = await checkLedger(cluster, env.topic, PARTITIONS, acks);
      timeline.note(`read back: ${JSON.stringify(report.stored)}`);
      expect(ledgerProblems(report), JSON.stringify(report, null, 1)).toEqual([]);
      expect(Object.values(report.stored).reduce((n, s) => n + s.records, 0)).toBe(acks.length);
      console.log(`Java client: ${acks.length} records acknowledged through ${kills.length} kills (seed ${seed})\n${timeline.text()}`);
    } catch (err) {
      throw withEvidence(err, env, 'java', java ? `Java producer stderr (tail):\n${java.stderr().slice(-3000)}` : '');
    }
  }, 300_000);
});
