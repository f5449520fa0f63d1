import { readFileSync } from 'node:fs';
import { Args, Flags, type Interfaces } from '@oclif/core';
import { Admin } from '../engine/client/admin.js';
import { parseProperties } from '../engine/config/properties.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { spinner, terminal } from '../cli/terminal.js';
import { type Table, TransactionsToolError, abort, describe, describeProducersOf, findHanging, list } from '../cli/transactions/actions.js';
import { transactionsTable } from '../cli/transactions/table.js';

const SUBCOMMANDS = ['list', 'describe', 'describe-producers', 'abort', 'find-hanging'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** Which flags each subcommand takes (kafka-transactions.sh's subparsers); anything else is a usage error. */
const ALLOWED: Record<Subcommand, readonly string[]> = {
  list: [],
  describe: ['transactional-id'],
  'describe-producers': ['topic', 'partition', 'broker-id'],
  abort: ['topic', 'partition', 'start-offset', 'producer-id', 'producer-epoch', 'coordinator-epoch'],
  'find-hanging': ['broker-id', 'topic', 'partition', 'max-transaction-timeout'],
};
const REQUIRED: Partial<Record<Subcommand, readonly string[]>> = {
  describe: ['transactional-id'],
  'describe-producers': ['topic', 'partition'],
  abort: ['topic', 'partition'],
};
const COMMON = new Set(['bootstrap-server', 'connect-timeout-ms', 'command-config']);

export default class Transactions extends KtCommand {
  static override summary = 'Analyze the transactional state of producers and recover from hanging transactions, like kafka-transactions.sh.';
  static override description =
    'Subcommands: list (every transaction, from every broker), describe --transactional-id ID (its coordinator\'s view), ' +
    'describe-producers --topic T --partition P (the active producers of a partition), abort --topic T --partition P ' +
    '--start-offset O (write an ABORT marker for the open transaction starting at O, found with DescribeProducers), ' +
    'find-hanging --broker-id N | --topic T [--partition P] (open transactions older than --max-transaction-timeout ' +
    'minutes that their coordinator no longer tracks). Output is Kafka\'s tab-separated columns, boxed at a terminal.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> list --bootstrap-server localhost:9092',
    '<%= config.bin %> <%= command.id %> describe --transactional-id my-app-1',
    '<%= config.bin %> <%= command.id %> describe-producers --topic orders --partition 0',
    '<%= config.bin %> <%= command.id %> find-hanging --broker-id 1',
    '<%= config.bin %> <%= command.id %> abort --topic orders --partition 0 --start-offset 1234',
  ];
  static override args = {
    command: Args.string({ description: `One of: ${SUBCOMMANDS.join(', ')}.`, required: true, options: [...SUBCOMMANDS] }),
  };
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    'command-config': Flags.string({ description: 'Admin client properties file (request.timeout.ms, client.id).', helpValue: '<file>' }),
    'transactional-id': Flags.string({ description: 'describe: the transactional id.' }),
    topic: Flags.string({ description: 'describe-producers, abort: the topic; find-hanging: limit the search to it.' }),
    partition: Flags.integer({ description: 'describe-producers, abort: the partition; find-hanging: limit the search to it (needs --topic).', min: 0 }),
    'broker-id': Flags.integer({ description: 'describe-producers: ask this replica instead of the leader; find-hanging: search the partitions it hosts.', min: 0 }),
    'start-offset': Flags.integer({ description: 'abort: the first offset of the transaction to abort.', min: 0 }),
    'producer-id': Flags.integer({ description: 'abort (brokers before 3.0): the producer id.', min: 0 }),
    'producer-epoch': Flags.integer({ description: 'abort (brokers before 3.0): the producer epoch.', min: 0 }),
    'coordinator-epoch': Flags.integer({ description: 'abort (brokers before 3.0): the coordinator epoch.' }),
    'max-transaction-timeout': Flags.integer({ description: 'find-hanging: only transactions open longer than this many minutes.', default: 15, min: 0 }),
  };

  async run(): Promise<void> {
    const { args, flags, raw } = await this.parse(Transactions);
    const command = args.command as Subcommand;
    const given = new Set(raw.filter((t) => t.type === 'flag').map((t) => (t as { flag: string }).flag));
    const stray = [...given].filter((f) => !COMMON.has(f) && !ALLOWED[command].includes(f));
    if (stray.length > 0) this.error(`${command} does not take --${stray[0]} (it takes ${ALLOWED[command].map((f) => `--${f}`).join(', ') || 'no options'})`, { exit: 1 });
    const missing = (REQUIRED[command] ?? []).filter((f) => !given.has(f));
    if (missing.length > 0) this.error(`${command} needs --${missing.join(' and --')}`, { exit: 1 });

    const props = flags['command-config'] ? parseProperties(readFileSync(flags['command-config'], 'utf8')) : new Map<string, string>();
    const requestTimeout = props.get('request.timeout.ms');
    const admin = new Admin({
      bootstrap: flags['bootstrap-server'],
      connectTimeoutMs: flags['connect-timeout-ms'],
      requestTimeoutMs: requestTimeout ? Number(requestTimeout) : 30_000,
      clientId: props.get('client.id') ?? 'kt-transactions',
    });
    const term = terminal();
    const working = spinner(command === 'abort' ? 'Aborting the transaction' : 'Asking the cluster', term);
    let table: Table | undefined;
    try {
      table = await this.act(admin, command, flags);
    } catch (err) {
      if (err instanceof TransactionsToolError) this.error(err.message, { exit: 1 });
      throw err;
    } finally {
      working.stop();
      admin.close();
    }
    if (table) for (const line of transactionsTable(table.headers, table.rows, term)) process.stdout.write(`${line}\n`);
  }

  private async act(admin: Admin, command: Subcommand, flags: Flags): Promise<Table | undefined> {
    const tp = () => ({ topic: flags.topic!, partition: flags.partition! });
    switch (command) {
      case 'list':
        return list(admin);
      case 'describe':
        return describe(admin, flags['transactional-id']!);
      case 'describe-producers':
        return describeProducersOf(admin, tp(), flags['broker-id']);
      case 'abort':
        await abort(admin, tp(), {
          startOffset: flags['start-offset'],
          producerId: flags['producer-id'],
          producerEpoch: flags['producer-epoch'],
          coordinatorEpoch: flags['coordinator-epoch'],
        });
        return undefined;
      case 'find-hanging':
        return findHanging(admin, { brokerId: flags['broker-id'], topic: flags.topic, partition: flags.partition, maxTransactionTimeoutMinutes: flags['max-transaction-timeout'] });
    }
  }
}

type Flags = Interfaces.InferredFlags<typeof Transactions.flags>;
