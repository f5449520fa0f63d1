/**
 * confluent-kafka (librdkafka) idempotent producer against a kt process: 50,000 keyed records over
 * 4 partitions arrive exactly once and in order per partition, also when kt is restarted in the
 * middle of the run — once stopped cleanly (SIGTERM), once killed (SIGKILL) — while the producer
 * keeps sending and retries what was in flight. The restarted kt reuses the log dir and the port.
 *
 * The producer is paced (a few thousand records a second) so that the restart really lands while
 * batches are in flight. Every delivery report is recorded: an acknowledged record must be in the
 * log exactly once, at the offset its report gave, and no record may be stored twice. The log is read
 * back with kt's own low-level Fetch, not through the client under test.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { spawnPython, type PythonProcess } from '../groups/python-process.js';
import { tempLogDir } from '../helpers/kt.js';
import { withArgv } from '../helpers/python-argv.js';
import { spawnRestartableKt, type RestartableKt } from '../helpers/kt-restartable.js';
import { createTopics, fetchAll, text } from '../helpers/topics.js';

const N = 50_000;
const PARTITIONS = 4;
const RATE = 8_000; // records per second
/** Restart kt once this many records have been acknowledged. */
const RESTART_AT = 15_000;

const PRODUCER = String.raw`
import json, sys, time
from confluent_kafka import Producer
BOOTSTRAP, TOPIC, N, RATE, ACKS_FILE = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def emit(**kw):
    print(json.dumps(kw), flush=True)
acked = []          # [partition, offset, i] per successful delivery report
failed = [0]
errors = []
fatal = []
transport = [0]     # non-fatal client errors (disconnects, all brokers down): evidence the restart was felt
def on_delivery(err, msg):
    if err is not None:
        failed[0] += 1
        if len(errors) < 5: errors.append(str(err))
        return
    acked.append([msg.partition(), msg.offset(), int(msg.value()[2:])])
def on_error(err):
    if err.fatal(): fatal.append(str(err))
    else: transport[0] += 1
p = Producer({'bootstrap.servers': BOOTSTRAP, 'enable.idempotence': True, 'acks': 'all', 'linger.ms': 5,
              'message.timeout.ms': 120000, 'retry.backoff.ms': 50, 'reconnect.backoff.ms': 50,
              'reconnect.backoff.max.ms': 500, 'error_cb': on_error})
t0 = time.time()
reported = 0
for i in range(N):
    while True:
        try:
            p.produce(TOPIC, key='key-%d' % (i % 997), value='v-%d' % i, on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.01)
    if i % 100 == 99:
        p.poll(0)
        ahead = (i + 1) / RATE - (time.time() - t0)
        if ahead > 0: time.sleep(ahead)
        if len(acked) >= reported + 1000:
            reported = len(acked)
            emit(event='progress', acked=reported, sent=i + 1)
    if fatal: break
left = p.flush(150)
with open(ACKS_FILE, 'w') as f:
    json.dump(acked, f)
emit(event='done', acked=len(acked), failed=failed[0], errors=errors, fatal=fatal, unflushed=left, clientErrors=transport[0],
     seconds=round(time.time() - t0, 1))
`;

interface Done {
  acked: number;
  failed: number;
  errors: string[];
  fatal: string[];
  unflushed: number;
  clientErrors: number;
}

type Ack = [partition: number, offset: number, i: number];

describe('confluent-kafka idempotent producer, 50,000 keyed records', () => {
  let kt: RestartableKt | undefined;
  let py: PythonProcess | undefined;
  afterEach(async () => {
    await py?.kill();
    await kt?.stop('SIGKILL');
    if (kt) rmSync(kt.logDir, { recursive: true, force: true });
    py = kt = undefined;
  });

  async function produceAndCheck(topic: string, restartWith?: NodeJS.Signals): Promise<void> {
    const logDir = tempLogDir();
    kt = await spawnRestartableKt(logDir, ['--override', 'auto.create.topics.enable=false']);
    const admin = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'idempotence-test' });
    try {
      await createTopics(admin, [{ name: topic, partitions: PARTITIONS }]);
    } finally {
      admin.close();
    }
    const acksFile = join(logDir, 'acks.json');
    py = spawnPython(withArgv(PRODUCER, [kt.bootstrap, topic, String(N), String(RATE), acksFile]));

    let ackedBeforeRestart = 0;
    if (restartWith) {
      const at = await py.next((e) => e.event === 'progress' && e.acked >= RESTART_AT, `${RESTART_AT} acknowledged records`, 60_000);
      ackedBeforeRestart = at.acked;
      // Records sent and not yet acknowledged when kt goes away: the producer must deliver them after.
      expect(at.sent).toBeGreaterThan(at.acked);
      const stopped = await kt.restart(restartWith);
      if (restartWith === 'SIGKILL') expect(stopped.signal, 'kt was killed, not stopped').toBe('SIGKILL');
      else expect(stopped.exitCode, `kt exits 0 on SIGTERM:\n${kt.output().slice(-2000)}`).toBe(0);
    }
    const done = (await py.next((e) => e.event === 'done', 'the producer to finish', 180_000)) as unknown as Done;
    expect({ failed: done.failed, errors: done.errors, fatal: done.fatal, unflushed: done.unflushed, acked: done.acked }).toEqual({
      failed: 0,
      errors: [],
      fatal: [],
      unflushed: 0,
      acked: N,
    });
    if (restartWith) {
      // The restart happened mid-run, and the producer noticed it (lost its connection) and carried on.
      expect(ackedBeforeRestart).toBeLessThan(N / 2);
      expect(done.clientErrors, 'the producer saw the broker go away').toBeGreaterThan(0);
    }
    const acks = JSON.parse(readFileSync(acksFile, 'utf8')) as Ack[];
    await checkLog(kt, topic, acks);
  }

  it('without a restart', () => produceAndCheck('idem-steady'), 120_000);
  it('with kt stopped by SIGTERM and started again mid-run', () => produceAndCheck('idem-sigterm', 'SIGTERM'), 180_000);
  it('with kt killed by SIGKILL and started again mid-run', () => produceAndCheck('idem-sigkill', 'SIGKILL'), 180_000);
});

/**
 * Every acknowledged record is in the log exactly once, at the offset its delivery report gave; no
 * record is stored twice; each key's records are in the order they were produced; and the batches
 * are idempotent ones (a producer id, sequence numbers).
 */
async function checkLog(kt: RestartableKt, topic: string, acks: Ack[]): Promise<void> {
  const conn = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'idempotence-check' });
  try {
    const where = new Map<number, string>(); // i -> "partition@offset" where the log holds it
    const duplicates: string[] = [];
    const outOfOrder: string[] = [];
    let nonIdempotentBatches = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const { batches } = await fetchAll(conn, topic, p);
      const lastOfKey = new Map<string, number>();
      for (const b of batches) {
        if (b.header.producerId < 0 || b.header.baseSequence < 0) nonIdempotentBatches++;
        b.records.forEach((r, idx) => {
          const i = Number(text(r.value)!.slice(2));
          const at = `${p}@${b.header.baseOffset + idx}`;
          if (where.has(i) && duplicates.length < 5) duplicates.push(`v-${i} at ${where.get(i)} and ${at}`);
          where.set(i, at);
          const key = text(r.key)!;
          const last = lastOfKey.get(key);
          if (last !== undefined && last >= i && outOfOrder.length < 5) outOfOrder.push(`${key}: v-${i} after v-${last} at ${at}`);
          lastOfKey.set(key, i);
        });
      }
    }
    const misplaced: string[] = [];
    for (const [p, offset, i] of acks) {
      if (where.get(i) !== `${p}@${offset}` && misplaced.length < 5) misplaced.push(`v-${i} acknowledged at ${p}@${offset}, stored at ${where.get(i) ?? 'nowhere'}`);
    }
    expect({ duplicates, outOfOrder, misplaced, nonIdempotentBatches }).toEqual({ duplicates: [], outOfOrder: [], misplaced: [], nonIdempotentBatches: 0 });
    expect(new Set(acks.map((a) => a[2])).size).toBe(N);
    expect(where.size).toBe(N);
  } finally {
    conn.close();
  }
}
