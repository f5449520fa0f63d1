/**
 * Apache Kafka's Java client (org.apache.kafka:kafka-clients 4.x, the one most Kafka applications
 * use) against a kt process, through the Maven harness in test/java:
 * - its producer with default settings (idempotent, acks=all since Kafka 3.0) sends 10,000 keyed
 *   records: each acknowledged, stored once (read back with the Java consumer and with kt's own
 *   Fetch), in order per key, in idempotent batches;
 * - transactions: commit, abort, commit seen by read_committed and read_uncommitted consumers;
 * - fencing: a second producer with the same transactional.id fences the first;
 * - consume-transform-produce with sendOffsetsToTransaction, the first transaction aborted;
 * - the default producer again, paced, with kt restarted in the middle (SIGTERM, then SIGKILL, the
 *   same log dir and port): still every record acknowledged, once, in order per key.
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { buildJavaHarness, runJavaScenario, spawnJavaScenario, type RunningJavaScenario } from '../helpers/java-harness.js';
import { tempLogDir } from '../helpers/kt.js';
import { spawnKtWithTopics, type KtWithTopics } from '../helpers/kt-client-process.js';
import { spawnRestartableKt, type RestartableKt } from '../helpers/kt-restartable.js';
import { createTopics, fetchAll } from '../helpers/topics.js';

const PARTITIONS = 3;
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const sorted = (xs: string[]) => [...xs].sort();

describe('Java client (kafka-clients 4.x)', () => {
  let env: KtWithTopics;

  beforeAll(async () => {
    await buildJavaHarness();
    env = await spawnKtWithTopics(
      ['java-idempotent', 'java-txn', 'java-fence', 'java-ctp-in', 'java-ctp-out'].map((name) => ({ name, partitions: PARTITIONS })),
    );
  }, 400_000);
  afterAll(() => env?.stop());

  it('default producer (idempotent, acks=all): 10,000 keyed records, each once, in order per key', async () => {
    const out = await runJavaScenario(env.kt.bootstrap, 'idempotent', ['java-idempotent', '10000']);
    expect(out).toMatchObject({ acked: 10_000, failed: 0, errors: [], consumed: 10_000, duplicates: 0, missing: 0, outOfOrder: 0 });
    // What kt stored: idempotent batches (a producer id, sequences) and nothing more.
    let stored = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const { batches, records } = await fetchAll(env.conn, 'java-idempotent', p);
      stored += records.length;
      for (const b of batches) expect(b.header.producerId, `java-idempotent-${p}@${b.header.baseOffset}`).toBeGreaterThanOrEqual(0);
    }
    expect(stored).toBe(10_000);
  });

  it('transactions: commit, abort, commit; read_committed sees the committed records, read_uncommitted all', async () => {
    const out = await runJavaScenario(env.kt.bootstrap, 'transactions', ['java-txn', 'java-tid-txn']);
    expect(sorted(out.readCommitted)).toEqual(sorted([...values('first', 30), ...values('second', 30)]));
    expect(sorted(out.readUncommitted)).toEqual(sorted([...values('first', 30), ...values('aborted', 30), ...values('second', 30)]));
  });

  it('fencing: a second producer with the same transactional.id fences the first; its records stay invisible to read_committed', async () => {
    const out = await runJavaScenario(env.kt.bootstrap, 'fencing', ['java-fence', 'java-tid-fence']);
    expect(['ProducerFencedException', 'InvalidProducerEpochException']).toContain(out.oldCommit);
    expect(sorted(out.readCommitted)).toEqual(sorted(values('winner', 20)));
    expect(out.readUncommitted).toEqual(expect.arrayContaining(values('fenced', 20)));
  });

  it('consume-transform-produce: sendOffsetsToTransaction commits the group offsets with the output', async () => {
    const out = await runJavaScenario(env.kt.bootstrap, 'ctp', ['java-ctp-in', 'java-ctp-out', 'java-ctp-group', 'java-tid-ctp', '300']);
    expect(out.aborted).toBe(1);
    // The aborted transaction's offsets never became the group's.
    expect(Object.values(out.committedAfterAbort).every((o) => o === null)).toBe(true);
    expect(out.committed).toEqual(out.inputEnds);
    expect(Object.values<number>(out.inputEnds).reduce((a, b) => a + b, 0)).toBe(300);
    expect(sorted(out.outputCommitted)).toEqual(sorted(values('IN', 300)));
    expect(out.outputAll).toBeGreaterThan(300);
  });
});

describe('Java client default producer across kt restarts', () => {
  const N = 20_000;
  let kt: RestartableKt | undefined;
  let java: RunningJavaScenario | undefined;

  beforeAll(() => buildJavaHarness(), 400_000);
  afterEach(async () => {
    await java?.kill();
    await kt?.stop('SIGKILL');
    if (kt) rmSync(kt.logDir, { recursive: true, force: true });
    java = kt = undefined;
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('kt restarted with %s mid-run: every record acknowledged, stored once, in order per key', async (signal) => {
    const topic = `java-restart-${signal.toLowerCase()}`;
    kt = await spawnRestartableKt(tempLogDir(), ['--override', 'auto.create.topics.enable=false']);
    const conn = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'java-restart-test' });
    try {
      await createTopics(conn, [{ name: topic, partitions: PARTITIONS }]);
      java = spawnJavaScenario(kt.bootstrap, 'idempotent', [topic, String(N), '5000']);
      const at = await java.next((e) => e.event === 'progress' && e.acked >= 6000, '6,000 acknowledged records');
      expect(at.acked).toBeLessThan(N / 2);
      const stopped = await kt.restart(signal);
      if (signal === 'SIGKILL') expect(stopped.signal).toBe('SIGKILL');
      else expect(stopped.exitCode).toBe(0);
      const done = await java.next((e) => e.event === 'done', 'the producer to finish and read back', 150_000);
      expect(done).toMatchObject({ acked: N, failed: 0, errors: [], consumed: N, duplicates: 0, missing: 0, outOfOrder: 0 });
    } finally {
      conn.close();
    }
    const reader = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'java-restart-check' });
    try {
      let stored = 0;
      for (let p = 0; p < PARTITIONS; p++) stored += (await fetchAll(reader, topic, p)).records.length;
      expect(stored).toBe(N);
    } finally {
      reader.close();
    }
  }, 180_000);
});
