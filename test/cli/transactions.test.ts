/**
 * The transaction tools against a real kt server (run `npm run build` first): console-producer with
 * a transactional.id (a transaction per line) or with idempotence off, console-consumer's
 * --isolation-level, and `kt transactions` (list, describe, describe-producers, find-hanging, abort)
 * with Kafka's tab-separated columns and one-line errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../src/engine/client/producer.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { intercept } from '../client/wire.js';
import { transactionsTable } from '../../src/cli/transactions/table.js';
import { terminal } from '../../src/cli/terminal.js';
import { ktAtTerminal, plain } from '../helpers/pty.js';
import { kt } from './cli.js';

/** Kafka's prettyPrintTable: cells padded to the column width, each followed by a tab. */
const cells = (line: string) => line.split('\t').slice(0, -1).map((c) => c.trimEnd());
const table = (stdout: string) => stdout.split('\n').filter((l) => l !== '').map(cells);

describe("kafka-transactions.sh's table", () => {
  const piped = terminal({ isTTY: false } as NodeJS.WriteStream, { isTTY: false } as NodeJS.WriteStream);
  const fancy = { ...piped, fancy: true };

  it('pads every column to its widest cell and ends each cell with a tab when piped', () => {
    expect(transactionsTable(['ProducerId', 'State'], [['7', 'Ongoing'], ['123456789012', 'Empty']], piped)).toEqual([
      'ProducerId  \tState  \t',
      '7           \tOngoing\t',
      '123456789012\tEmpty  \t',
    ]);
  });

  it('draws a cli-table3 box at a terminal', () => {
    const lines = transactionsTable(['ProducerId', 'State'], [['7', 'Ongoing']], fancy);
    expect(lines[0]).toMatch(/^┌─+┬─+┐$/);
    expect(lines.join('\n')).toMatch(/│ ProducerId │ State\s+│/);
    expect(lines.join('\n')).toMatch(/│ 7\s+│ Ongoing │/);
  });
});

describe('transaction tools against kt', () => {
  let server: RunningKt;
  let bootstrap: string;
  const consume = (topic: string, isolation: string | null, max: number) =>
    kt([
      'console-consumer', '--topic', topic, '--partition', '0', '--offset', 'earliest', '--max-messages', String(max), '--timeout-ms', '3000',
      ...(isolation ? ['--isolation-level', isolation] : []), '--bootstrap-server', bootstrap,
    ]);

  beforeAll(async () => {
    // Partition verification off lets the find-hanging test leave a transaction its coordinator never
    // heard of: a producer of the older transaction protocol (Produce v11) whose AddPartitionsToTxn
    // never reached the coordinator, which is how hanging transactions arose before KIP-890.
    server = await startKt({ 'num.partitions': '1', 'transaction.partition.verification.enable': 'false' });
    bootstrap = server.bootstrap;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('console-producer: a transaction per line with transactional.id; enable.idempotence=false accepted', async () => {
    const txn = await kt(['console-producer', '--topic', 'cli-txn', '--producer-property', 'transactional.id=cli-tx', '--bootstrap-server', bootstrap], { input: 'one\ntwo\nthree\n' });
    expect(txn.stderr).toBe('');
    expect(txn.code).toBe(0);
    const plain = await kt(['console-producer', '--topic', 'cli-txn', '--producer-property', 'enable.idempotence=false', '--bootstrap-server', bootstrap], { input: 'four\n' });
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const read = await consume('cli-txn', 'read_committed', 4);
    expect(read.stdout).toBe('one\ntwo\nthree\nfour\n');

    const described = await kt(['transactions', 'describe', '--transactional-id', 'cli-tx', '--bootstrap-server', bootstrap]);
    expect(described.code).toBe(0);
    const [header, row] = table(described.stdout);
    expect(header).toEqual(['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions']);
    // Kafka's coordinator keeps the last transaction's start time after it completes; "None" before any.
    expect(row).toEqual(['1', 'cli-tx', expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), 'CompleteCommit', '60000', expect.stringMatching(/^(None|\d+)$/), expect.stringMatching(/^(None|\d+)$/), '']);

    const listed = await kt(['transactions', 'list', '--bootstrap-server', bootstrap]);
    expect(listed.code).toBe(0);
    const lines = table(listed.stdout);
    expect(lines[0]).toEqual(['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState']);
    expect(lines.slice(1)).toContainEqual(['cli-tx', '1', row![2], 'CompleteCommit']);
  });

  it('console-producer refuses a transactional.id without idempotence in one line', async () => {
    const refused = await kt(
      ['console-producer', '--topic', 'cli-txn', '--producer-property', 'transactional.id=x', '--producer-property', 'enable.idempotence=false', '--bootstrap-server', bootstrap],
      { input: 'x\n' },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('Error: Cannot set a transactional.id without also enabling idempotence.\n');
  });

  it('console-consumer --isolation-level read_committed hides aborted records', async () => {
    const p = new Producer({ bootstrapServers: bootstrap, transactionalId: 'cli-iso' });
    await p.initTransactions();
    for (const [value, commit] of [['kept-1', true], ['dropped', false], ['kept-2', true]] as const) {
      p.beginTransaction();
      p.send({ topic: 'cli-iso', partition: 0, value });
      await (commit ? p.commitTransaction() : p.abortTransaction().then(() => undefined));
    }
    await p.close();
    // abortTransaction drops records not yet sent: send one for real inside an aborted transaction.
    const q = new Producer({ bootstrapServers: bootstrap, transactionalId: 'cli-iso-2' });
    await q.initTransactions();
    q.beginTransaction();
    await q.produce({ topic: 'cli-iso', partition: 0, value: 'aborted-after-write' });
    await q.abortTransaction();
    await q.close();
    expect((await consume('cli-iso', 'read_committed', 2)).stdout).toBe('kept-1\nkept-2\n');
    expect((await consume('cli-iso', 'read_uncommitted', 3)).stdout).toBe('kept-1\nkept-2\naborted-after-write\n');
    const bad = await consume('cli-iso', 'read_mostly', 1);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('describe-producers shows an open transaction; find-hanging finds one its coordinator forgot; abort ends it', async () => {
    const topic = 'cli-hanging';
    await new Producer({ bootstrapServers: bootstrap }).produce({ topic, partition: 0, value: 'before' });
    // The older protocol: with transaction version 2 the Produce itself (v12) would add the partition
    // at the coordinator, and nothing could hang.
    const p = new Producer({ bootstrapServers: bootstrap, transactionalId: 'cli-hang', maxTransactionVersion: 1 });
    // The coordinator never hears of the partition: AddPartitionsToTxn is answered here, not sent.
    const produceVersions: number[] = [];
    intercept(p, async (apiKey, body, send) => {
      if (apiKey === 0) {
        const answer = await send();
        produceVersions.push(answer.version);
        return answer;
      }
      if (apiKey !== 24) return send();
      const b = (typeof body === 'function' ? body(3) : body) as Message;
      const resultsByTopicV3AndBelow = b.v3AndBelowTopics.map((t: Message) => ({ name: t.name, resultsByPartition: t.partitions.map((i: number) => ({ partitionIndex: i, partitionErrorCode: 0 })) }));
      return Promise.resolve({ response: { throttleTimeMs: 0, resultsByTopicV3AndBelow }, version: 3, nodeId: 1 });
    });
    await p.initTransactions();
    p.beginTransaction();
    await p.produce({ topic, partition: 0, value: 'hanging' });
    expect(produceVersions).toEqual([11]);
    const { producerId, epoch } = p.transactionManager!.identity;

    const producers = await kt(['transactions', 'describe-producers', '--topic', topic, '--partition', '0', '--bootstrap-server', bootstrap]);
    expect(producers.code).toBe(0);
    const rows = table(producers.stdout);
    expect(rows[0]).toEqual(['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset']);
    expect(rows).toContainEqual([String(producerId), String(epoch), expect.stringMatching(/^-?\d+$/), '0', expect.stringMatching(/^\d+$/), '1']);

    await new Promise((r) => setTimeout(r, 5));
    const found = await kt(['transactions', 'find-hanging', '--broker-id', '1', '--max-transaction-timeout', '0', '--bootstrap-server', bootstrap]);
    expect(found.code).toBe(0);
    const hanging = table(found.stdout);
    expect(hanging[0]).toEqual(['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)']);
    expect(hanging.slice(1)).toEqual([[topic, '0', String(producerId), String(epoch), expect.stringMatching(/^-?\d+$/), '1', expect.stringMatching(/^\d+$/), '0']]);
    // Until it is aborted, read_committed readers stop before it.
    expect((await consume(topic, 'read_committed', 2)).stdout).toBe('before\n');

    const wrongOffset = await kt(['transactions', 'abort', '--topic', topic, '--partition', '0', '--start-offset', '5', '--bootstrap-server', bootstrap]);
    expect(wrongOffset.code).toBe(1);
    expect(wrongOffset.stderr).toBe(`Error: Could not find any open transactions starting at offset 5 on partition ${topic}-0\n`);
    const aborted = await kt(['transactions', 'abort', '--topic', topic, '--partition', '0', '--start-offset', '1', '--bootstrap-server', bootstrap]);
    expect(aborted.stderr).toBe('');
    expect(aborted.code).toBe(0);
    const after = await kt(['transactions', 'find-hanging', '--topic', topic, '--max-transaction-timeout', '0', '--bootstrap-server', bootstrap]);
    expect(table(after.stdout)).toHaveLength(1);
    await new Producer({ bootstrapServers: bootstrap }).produce({ topic, partition: 0, value: 'after' });
    expect((await consume(topic, 'read_committed', 2)).stdout).toBe('before\nafter\n');
    p.cluster.close();
  });

  it('at a terminal the table is a box', async () => {
    const session = ktAtTerminal(['transactions', 'list', '--bootstrap-server', bootstrap]);
    expect(await session.exited).toBe(0);
    const shown = plain(session.output);
    expect(shown).toMatch(/│ TransactionalId\s*│ Coordinator\s*│ ProducerId\s*│ TransactionState\s*│/);
    expect(shown).toMatch(/│ cli-tx\s*│ 1\s*│ \d+\s*│ CompleteCommit\s*│/);
  });

  it('mistakes are one line and exit status 1', async () => {
    const cases: [string[], RegExp][] = [
      [['describe', '--transactional-id', 'nobody'], /^Error: Failed to describe transaction state of transactional-id `nobody`: .+\n$/],
      [['find-hanging'], /^Error: The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search\n$/],
      [['find-hanging', '--broker-id', '1', '--partition', '0'], /^Error: The --partition argument requires --topic to be provided\n$/],
      [['describe-producers', '--topic', 'cli-txn'], /^Error: describe-producers needs --partition\n$/],
      [['list', '--topic', 'x'], /^Error: list does not take --topic \(it takes no options\)\n$/],
      [['abort', '--topic', 'cli-txn', '--partition', '0'], /^Error: The transaction to abort must be identified either with --start-offset/],
      [['rollback'], /^Error: .*rollback.*\n$/],
    ];
    for (const [args, expected] of cases) {
      const r = await kt(['transactions', ...args, '--bootstrap-server', bootstrap]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(expected);
    }
  });
});
