/**
 * confluent-kafka (librdkafka) idempotent acks=all producer against a 3-node kt cluster, a topic of
 * replication factor 3 and min.insync.replicas=2, while a partition's leader is SIGKILLed and
 * started again ten times (every third time a random node instead), each time once the restarted
 * node is back in every ISR. The producer writes without pause (paced at RATE) and records every
 * delivery report; afterwards every acknowledged record must be in the log exactly once, at the
 * offset its report gave, in produce order per partition, read back from the leaders with kt's own
 * Fetch; the producer may only have seen retriable, non-fatal errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPython, type PythonProcess } from '../groups/python-process.js';
import { checkLedger, ledgerProblems, type Ack } from '../helpers/ack-ledger.js';
import { chaosSeed, killAndRestartCycles, seededRandom } from '../helpers/kill-cycles.js';
import { withArgv } from '../helpers/python-argv.js';
import { lastAcked, PARTITIONS, startFaultEnv, withEvidence, type FaultEnv } from './fault-setup.js';

const RATE = 3000; // records per second
const KILLS = 10;

/**
 * Produces v-0, v-1, ... (keys cycling over 997) until STOP_FILE exists, then flushes and writes the
 * acks ledger. librdkafka reports connection trouble through error_cb (non-fatal unless err.fatal())
 * and a record's fate through its delivery report.
 */
const PRODUCER = String.raw`
import json, os, sys, time
from confluent_kafka import Producer
BOOTSTRAP, TOPIC, RATE, ACKS_FILE, STOP_FILE = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
def emit(**kw):
    print(json.dumps(kw), flush=True)
acked = []
failed = []
client_errors = {}
def on_delivery(err, msg):
    if err is not None:
        failed.append({'i': int(msg.value()[2:]), 'name': err.name(), 'str': err.str(), 'retriable': err.retriable(), 'fatal': err.fatal()})
        return
    acked.append([msg.partition(), msg.offset(), int(msg.value()[2:])])
def on_error(err):
    key = '%s fatal=%s retriable=%s' % (err.name(), err.fatal(), err.retriable())
    e = client_errors.setdefault(key, {'name': err.name(), 'fatal': err.fatal(), 'retriable': err.retriable(), 'count': 0, 'example': err.str()})
    e['count'] += 1
p = Producer({'bootstrap.servers': BOOTSTRAP, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 5,
              'message.timeout.ms': 120000, 'retry.backoff.ms': 50, 'reconnect.backoff.ms': 50,
              'reconnect.backoff.max.ms': 500, 'error_cb': on_error})
t0 = time.time()
last_report = 0
i = 0
while not os.path.exists(STOP_FILE):
    for _ in range(100):
        while True:
            try:
                p.produce(TOPIC, key='key-%d' % (i % 997), value='v-%d' % i, on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.01)
        i += 1
    p.poll(0)
    ahead = i / RATE - (time.time() - t0)
    if ahead > 0: time.sleep(ahead)
    if time.time() - last_report > 0.2:
        last_report = time.time()
        emit(event='progress', acked=len(acked), sent=i)
    if any(e['fatal'] for e in client_errors.values()): break
left = p.flush(150)
with open(ACKS_FILE, 'w') as f:
    json.dump(acked, f)
emit(event='done', sent=i, acked=len(acked), failed=len(failed), failures=failed[:10], clientErrors=list(client_errors.values()),
     unflushed=left, seconds=round(time.time() - t0, 1))
`;

/** librdkafka's local errors for a connection that went away: what a killed broker causes. */
const TRANSIENT = new Set(['_TRANSPORT', '_ALL_BROKERS_DOWN']);

describe('confluent-kafka idempotent acks=all producer through 10 SIGKILLs of partition leaders (RF 3, min ISR 2)', () => {
  let env: FaultEnv | undefined;
  let py: PythonProcess | undefined;
  afterEach(async () => {
    await py?.kill();
    await env?.stop();
    py = env = undefined;
  });

  it('every acknowledged record is stored once, at its acknowledged offset, in produce order; only retriable errors', async () => {
    const seed = chaosSeed();
    env = await startFaultEnv('repl-confluent', seed);
    const { cluster, timeline } = env;
    try {
      const acksFile = join(env.dir, 'acks.json');
      py = spawnPython(withArgv(PRODUCER, [cluster.bootstrap, env.topic, String(RATE), acksFile, env.stopFile]));
      const producer = py;
      const progress = () => {
        if (producer.child.exitCode !== null) throw new Error(`the producer exited (${producer.child.exitCode}):\n${producer.stderr().slice(-3000)}`);
        return lastAcked(producer.events);
      };
      await producer.next((e) => e.event === 'progress' && e.acked > 0, 'the first acknowledged records', 30_000);
      timeline.note('producer running');
      const kills = await killAndRestartCycles({ cluster, topic: env.topic, kills: KILLS, random: seededRandom(seed), progress, progressStep: RATE / 2, timeline });
      env.signalStop();
      const done = await producer.next((e) => e.event === 'done', 'the producer to flush and write its ledger', 180_000);
      timeline.note(`producer done: ${JSON.stringify({ ...done, failures: undefined })}`);

      // Each kill landed while records were being acknowledged, and the producer carried on after it.
      for (const k of kills) expect(k.progressAtRestart, `kill ${k.cycle + 1} of node ${k.victim}`).toBeGreaterThan(k.progressAtKill);
      expect(kills.filter((k) => k.why.startsWith('the leader')).length).toBeGreaterThanOrEqual(6);

      const unexpected = (done.clientErrors as { name: string; fatal: boolean; retriable: boolean }[]).filter((e) => e.fatal || !(e.retriable || TRANSIENT.has(e.name)));
      expect({ failed: done.failed, failures: done.failures, unflushed: done.unflushed, nonRetriableClientErrors: unexpected }).toEqual({
        failed: 0,
        failures: [],
        unflushed: 0,
        nonRetriableClientErrors: [],
      });
      expect(done.acked).toBe(done.sent);

      const acks = JSON.parse(readFileSync(acksFile, 'utf8')) as Ack[];
      expect(acks.length).toBe(done.sent);
      const report = await checkLedger(cluster, env.topic, PARTITIONS, acks);
      timeline.note(`read back: ${JSON.stringify(report.stored)}`);
      expect(ledgerProblems(report), JSON.stringify(report, null, 1)).toEqual([]);
      const stored = Object.values(report.stored).reduce((n, s) => n + s.records, 0);
      expect(stored).toBe(acks.length);
      console.log(`confluent-kafka: ${acks.length} records acknowledged through ${kills.length} kills (seed ${seed}); client errors ${JSON.stringify(done.clientErrors)}\n${timeline.text()}`);
    } catch (err) {
      throw withEvidence(err, env, 'confluent', py ? `producer stderr (tail):\n${py.stderr().slice(-3000)}` : '');
    }
  }, 300_000);
});
