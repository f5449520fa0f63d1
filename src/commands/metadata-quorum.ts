import { existsSync, readFileSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { describeControllers, describeMetadataQuorum } from '../engine/client/admin-quorum.js';
import { Admin } from '../engine/client/admin.js';
import { DEFAULT_BOOTSTRAP } from '../engine/client/bootstrap.js';
import { parseProperties } from '../engine/config/properties.js';
import { KtCommand, connectTimeoutFlag } from '../cli/base-command.js';
import { QuorumToolError, REPLICATION_HEADERS, replicationRows, statusLines } from '../cli/metadata-quorum/format.js';
import { spinner, terminal } from '../cli/terminal.js';
import { transactionsTable as prettyTable } from '../cli/transactions/table.js';

export default class MetadataQuorum extends KtCommand {
  static override summary = 'Describe the KRaft metadata quorum, like kafka-metadata-quorum.sh.';
  static override description =
    'describe --status prints the quorum\'s cluster id, leader, epoch, high watermark, the largest follower lag and the ' +
    'voters and observers with their endpoints; describe --replication prints each replica\'s log end offset, lag and ' +
    'last fetch / caught-up times (--human-readable: "N ms ago"). Asks any broker (--bootstrap-server, default ' +
    `${DEFAULT_BOOTSTRAP}) or the controllers (--bootstrap-controller) with DescribeQuorum. Output is Kafka's; the ` +
    'replication table is boxed at a terminal.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 describe --status',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 describe --replication --human-readable',
    '<%= config.bin %> <%= command.id %> --bootstrap-controller localhost:9093 describe --status',
  ];
  static override args = {
    command: Args.string({ description: 'describe (add-controller and remove-controller are not supported by kt yet).', required: true, options: ['describe', 'add-controller', 'remove-controller'] }),
  };
  static override flags = {
    'bootstrap-server': Flags.string({
      description: `The brokers to ask: host:port[,host:port...] (default ${DEFAULT_BOOTSTRAP}).`,
      helpValue: '<host:port>',
    }),
    'bootstrap-controller': Flags.string({
      description: 'The controllers to ask instead of brokers: host:port[,host:port...].',
      helpValue: '<host:port>',
    }),
    'command-config': Flags.string({ description: 'Admin client properties file (request.timeout.ms, client.id, default.api.timeout.ms).', helpValue: '<file>' }),
    'connect-timeout-ms': connectTimeoutFlag(),
    status: Flags.boolean({ description: 'A short summary of the quorum status.' }),
    replication: Flags.boolean({ description: 'Detailed information about the status of replication.' }),
    'human-readable': Flags.boolean({ description: 'With --replication: timestamps as "N ms ago".' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(MetadataQuorum);
    if (args.command !== 'describe') this.error(`${args.command} is not supported by kt yet: kt's controller quorum is static (controller.quorum.voters)`, { exit: 1 });
    // MetadataQuorumCommand's checks and messages (the first is argparse4j's).
    if (flags['bootstrap-server'] !== undefined && flags['bootstrap-controller'] !== undefined) {
      this.error('argument --bootstrap-controller: not allowed with argument --bootstrap-server', { exit: 1 });
    }
    if (flags.status && flags.replication) this.error('Only one of --status or --replication should be specified with describe sub-command', { exit: 1 });
    if (!flags.status && !flags.replication) this.error('One of --status or --replication must be specified with describe sub-command', { exit: 1 });
    if (flags.status && flags['human-readable']) this.error('The option --human-readable is only supported along with --replication', { exit: 1 });
    const configFile = flags['command-config'];
    if (configFile && !existsSync(configFile)) this.error(`Properties file ${configFile} does not exist.`, { exit: 1 });
    const props = configFile ? parseProperties(readFileSync(configFile, 'utf8')) : new Map<string, string>();

    const viaControllers = flags['bootstrap-controller'] !== undefined;
    const number = (key: string, fallback: number) => (props.has(key) ? Number(props.get(key)) : fallback);
    const admin = new Admin({
      bootstrap: flags['bootstrap-controller'] ?? flags['bootstrap-server'] ?? DEFAULT_BOOTSTRAP,
      connectTimeoutMs: flags['connect-timeout-ms'],
      requestTimeoutMs: number('request.timeout.ms', 30_000),
      clientId: props.get('client.id') ?? 'kt-metadata-quorum',
    });
    const term = terminal();
    const working = spinner('Asking the quorum', term);
    let lines: string[];
    try {
      const quorum = await describeMetadataQuorum(admin.cluster, { viaControllers, timeoutMs: number('default.api.timeout.ms', 60_000) });
      if (flags.status) {
        const clusterId = viaControllers ? (await describeControllers(admin.cluster)).clusterId : (await admin.describeCluster()).clusterId;
        lines = statusLines(clusterId, quorum);
      } else {
        lines = prettyTable(REPLICATION_HEADERS, replicationRows(quorum, flags['human-readable']), term);
      }
    } catch (err) {
      if (err instanceof QuorumToolError) this.error(err.message, { exit: 1 });
      throw err;
    } finally {
      working.stop();
      admin.close();
    }
    for (const line of lines) process.stdout.write(`${line}\n`);
  }
}
