/**
 * confluent-kafka (librdkafka) transactions across trouble on the broker side, against kt processes:
 * - kt restarted (SIGTERM, and SIGKILL) in the middle of a transaction whose first records are in
 *   the log: the restarted kt (same log dir and port) still knows the transaction, and the same
 *   producer sends more records and commits it (all visible to read_committed), or aborts it
 *   (none visible, all still in the log for read_uncommitted);
 * - a transaction left open past its transaction.timeout.ms is aborted by the coordinator: its
 *   records never become visible, the last stable offset moves past them (a later transaction of
 *   another producer becomes readable), and the stale producer's commit fails.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPython, type PythonProcess } from '../groups/python-process.js';
import { CONFLUENT_TXN_PY } from '../helpers/confluent-txn-python.js';
import { tempLogDir } from '../helpers/kt.js';
import { spawnRestartableKt, type RestartableKt } from '../helpers/kt-restartable.js';
import { spawnKtWithTopics, type KtWithTopics } from '../helpers/kt-client-process.js';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { withArgv } from '../helpers/python-argv.js';
import { createTopics } from '../helpers/topics.js';

const PARTITIONS = 2;

/** Opens a transaction, writes 20 records, waits for "go" on stdin (the test restarts kt), writes 20 more, then commits or aborts. */
const ACROSS_RESTART = String.raw`
import sys
BOOTSTRAP, TOPIC, TID, ENDING, PARTITIONS = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
${CONFLUENT_TXN_PY}
p = transactional(TID, 60000, **{'reconnect.backoff.ms': 50, 'reconnect.backoff.max.ms': 500})
p.begin_transaction()
produce(p, TOPIC, 'before', 20)
p.flush(30)
emit(event='flushed')
sys.stdin.readline()
produce(p, TOPIC, 'after', 20)
try:
    p.flush(60)   # abort_transaction would drop records not yet sent: get them into the log first
    if ENDING == 'commit': p.commit_transaction(60)
    else: p.abort_transaction(60)
    ended = 'ok'
except KafkaException as e:
    ended = '%s: %s' % (e.args[0].name(), e.args[0].str())
emit(event='ended', ended=ended, readCommitted=read_all(TOPIC, 'read_committed'), readUncommitted=read_all(TOPIC, 'read_uncommitted'))
`;

/** A transaction with a 2 s timeout is left open; another producer's transaction must become readable past it. */
const TIMED_OUT = String.raw`
import sys
BOOTSTRAP, TOPIC, TID, PARTITIONS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
${CONFLUENT_TXN_PY}
stale = transactional(TID, 2000)
stale.begin_transaction()
produce(stale, TOPIC, 'expired', 20)
stale.flush(30)
other = transactional(TID + '-other')
other.begin_transaction()
for q in range(PARTITIONS):
    other.produce(TOPIC, value='later', partition=q)
other.commit_transaction(30)
t0 = time.time()
# Readable only once the open transaction before it is aborted (the last stable offset moves past it).
committed = read_all(TOPIC, 'read_committed', until=lambda out: all('later' in v for v in out.values()), timeout_s=40)
waited = time.time() - t0
try:
    stale.commit_transaction(10)
    outcome = 'committed'
except KafkaException as e:
    outcome = e.args[0].name()
emit(event='done', waited=waited, outcome=outcome, readCommitted=committed, readUncommitted=read_all(TOPIC, 'read_uncommitted'))
`;

const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const all = (byPartition: Record<string, string[]>) => Object.values(byPartition).flat().sort();

describe('confluent-kafka transactions across a kt restart', () => {
  let kt: RestartableKt | undefined;
  let py: PythonProcess | undefined;
  afterEach(async () => {
    await py?.kill();
    await kt?.stop('SIGKILL');
    if (kt) rmSync(kt.logDir, { recursive: true, force: true });
    py = kt = undefined;
  });

  it.each([
    ['SIGTERM', 'commit'],
    ['SIGKILL', 'commit'],
    ['SIGKILL', 'abort'],
  ] as const)('restarted with %s mid-transaction, the producer then can %s it', async (signal, ending) => {
    const topic = `txn-restart-${signal.toLowerCase()}-${ending}`;
    kt = await spawnRestartableKt(tempLogDir(), ['--override', 'auto.create.topics.enable=false']);
    const conn = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'txn-restart-test' });
    try {
      await createTopics(conn, [{ name: topic, partitions: PARTITIONS }]);
    } finally {
      conn.close();
    }
    py = spawnPython(withArgv(ACROSS_RESTART, [kt.bootstrap, topic, `tid-${topic}`, ending, String(PARTITIONS)]));
    await py.next((e) => e.event === 'flushed', 'the first records of the transaction to be written', 30_000);
    const stopped = await kt.restart(signal);
    if (signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
    else expect(stopped.exitCode).toBe(0);
    py.send('go');
    const ended = await py.next((e) => e.event === 'ended', 'the transaction to end', 90_000);
    expect(ended.ended, kt.output().slice(-3000)).toBe('ok');
    const written = [...values('before', 20), ...values('after', 20)].sort();
    expect(all(ended.readCommitted)).toEqual(ending === 'commit' ? written : []);
    expect(all(ended.readUncommitted)).toEqual(written);
  }, 120_000);
});

describe('confluent-kafka transaction left open past its timeout', () => {
  let env: KtWithTopics | undefined;
  afterEach(() => env?.stop());

  it('is aborted by the coordinator: its records stay invisible, later transactions become readable, its commit fails', async () => {
    env = await spawnKtWithTopics([{ name: 'txn-timeout', partitions: PARTITIONS }], [
      '--override',
      'transaction.abort.timed.out.transaction.cleanup.interval.ms=200',
    ]);
    const py = spawnPython(withArgv(TIMED_OUT, [env.kt.bootstrap, 'txn-timeout', 'tid-timeout', String(PARTITIONS)]));
    try {
      const done = await py.next((e) => e.event === 'done', 'the timed-out transaction to be aborted', 90_000);
      expect(all(done.readCommitted)).toEqual(Array(PARTITIONS).fill('later'));
      expect(all(done.readUncommitted)).toEqual([...values('expired', 20), ...Array(PARTITIONS).fill('later')].sort());
      expect(done.outcome).not.toBe('committed');
    } finally {
      await py.kill();
    }
  }, 120_000);
});
