/**
 * `kt producer-perf-test` with transactions, as Kafka's ProducerPerformance: on with
 * --transactional-id, --transaction-duration-ms or a transactional.id in the producer properties;
 * initTransactions first, a transaction committed every --transaction-duration-ms (default 3000)
 * and the last one at the end. Against a kt server in its own process (`npm run build` first):
 * a read_committed consumer counts exactly --num-records, the partition holds only COMMIT markers,
 * and `kt transactions list` shows the transactional id.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer } from '../../src/engine/client/consumer.js';
import { controlTypeOf } from '../../src/engine/records/control.js';
import { spawnKt, type KtProcess } from '../helpers/kt-process.js';
import { tempLogDir } from '../helpers/kt.js';
import { wireBatches } from '../client/wire.js';
import { kt } from './cli.js';

const SUMMARY = (n: number) => new RegExp(`^${n} records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), `, 'm');

describe('producer-perf-test with transactions', () => {
  let server: KtProcess;
  let logDir: string;
  let configDir: string;

  beforeAll(async () => {
    logDir = tempLogDir();
    configDir = mkdtempSync(join(tmpdir(), 'kt-perf-txn-'));
    server = await spawnKt(logDir, [
      '--override', 'num.partitions=1',
      '--override', 'offsets.topic.num.partitions=1',
      '--override', 'transaction.state.log.num.partitions=1',
    ]);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(logDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  const perf = (topic: string, numRecords: number, extra: string[]) =>
    kt(['producer-perf-test', '--topic', topic, '--num-records', String(numRecords), '--record-size', '50', '--bootstrap-server', server.bootstrap, ...extra]);

  /** Every record of partition 0 a read_committed consumer sees. */
  async function committedCount(topic: string, atLeast: number): Promise<number> {
    const consumer = new Consumer({ bootstrapServers: server.bootstrap, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
    try {
      await consumer.assign([{ topic, partition: 0 }]);
      let count = 0;
      const deadline = Date.now() + 15_000;
      while (count < atLeast && Date.now() < deadline) count += (await consumer.poll(200)).length;
      // Then nothing more.
      count += (await consumer.poll(300)).length;
      return count;
    } finally {
      consumer.close();
    }
  }

  /** The control markers of partition 0, by type name. */
  async function markers(topic: string): Promise<string[]> {
    const batches = await wireBatches(server.bootstrap, topic, 0);
    return batches.map(controlTypeOf).filter((t) => t !== null).map((t) => (t === 1 ? 'COMMIT' : t === 0 ? 'ABORT' : String(t)));
  }

  /** `kt transactions list` rows: [TransactionalId, Coordinator, ProducerId, TransactionState]. */
  async function listed(): Promise<string[][]> {
    const res = await kt(['transactions', 'list', '--bootstrap-server', server.bootstrap]);
    expect(res.code, res.stderr).toBe(0);
    return res.stdout.split('\n').filter((l) => l !== '').slice(1).map((l) => l.split('\t').map((c) => c.trim()).filter((c) => c !== ''));
  }

  it('lists the transaction flags in --help as Kafka does', async () => {
    const res = await kt(['producer-perf-test', '--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/--transactional-id=<value>/);
    expect(res.stdout).toMatch(/--transaction-duration-ms=<value>/);
    expect(res.stdout.replace(/\s+/g, ' ')).toContain('the default value for the transactional id will be performance-producer- followed by a random uuid');
    expect(res.stdout.replace(/\s+/g, ' ')).toContain('but --transaction-duration-ms is not specified, the default value will be 3000');
  });

  it('--transactional-id with --transaction-duration-ms commits a transaction every duration and one at the end', async () => {
    const res = await perf('perf-txn-flag', 3000, ['--throughput', '3000', '--transactional-id', 'perf-flag-txn', '--transaction-duration-ms', '200']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(SUMMARY(3000));
    expect(await committedCount('perf-txn-flag', 3000)).toBe(3000);
    // About a second of sending at 200 ms a transaction: several commits, no aborts.
    const written = await markers('perf-txn-flag');
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(new Set(written)).toEqual(new Set(['COMMIT']));
    expect(await listed()).toContainEqual(['perf-flag-txn', '1', expect.stringMatching(/^\d+$/), 'CompleteCommit']);
  });

  it('a transactional.id in --producer-props turns transactions on (3000 ms default: one transaction here)', async () => {
    const res = await perf('perf-txn-props', 500, ['--throughput', '-1', '--producer-props', 'transactional.id=perf-props-txn', 'linger.ms=5']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(SUMMARY(500));
    expect(await committedCount('perf-txn-props', 500)).toBe(500);
    expect(await markers('perf-txn-props')).toEqual(['COMMIT']);
    expect(await listed()).toContainEqual(['perf-props-txn', '1', expect.stringMatching(/^\d+$/), 'CompleteCommit']);
  });

  it('--transactional-id wins over the --producer.config file; --transaction-duration-ms alone makes up an id', async () => {
    const file = join(configDir, 'producer.properties');
    writeFileSync(file, 'transactional.id=from-file-txn\nacks=all\n');
    const res = await perf('perf-txn-file', 200, ['--throughput', '-1', '--producer.config', file, '--transactional-id', 'perf-wins-txn']);
    expect(res.code, res.stderr).toBe(0);
    expect(await committedCount('perf-txn-file', 200)).toBe(200);

    const made = await perf('perf-txn-made', 200, ['--throughput', '-1', '--transaction-duration-ms', '1000']);
    expect(made.code, made.stderr).toBe(0);
    expect(await committedCount('perf-txn-made', 200)).toBe(200);
    const ids = (await listed()).map((row) => row[0]);
    expect(ids).toContain('perf-wins-txn');
    expect(ids).not.toContain('from-file-txn');
    expect(ids.filter((id) => /^performance-producer-[A-Za-z0-9_-]{22}$/.test(id!))).toHaveLength(1);
  });

  it('refuses a --transaction-duration-ms that is not positive', async () => {
    const res = await perf('perf-txn-bad', 10, ['--throughput', '-1', '--transaction-duration-ms', '0']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--transaction-duration-ms should be greater than zero\./);
  });
});
