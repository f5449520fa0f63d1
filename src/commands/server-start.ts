import { Args, Flags } from '@oclif/core';
import { KtCommand } from '../cli/base-command.js';
import { loadServerSettings } from '../cli/server-config.js';
import { BROKER_CONFIG } from '../engine/config/broker-config.js';
import { KtServer } from '../engine/kt-server.js';
import { createLogger, parseLogLevel } from '../engine/logger.js';

/** Errors, including a refused configuration, are one line on stderr with exit status 1 (KtCommand). */
export default class ServerStart extends KtCommand {
  static override summary = 'Start a kt server (broker and controller), like kafka-server-start.sh.';
  static override description =
    'With no arguments, starts a combined broker+controller on localhost:9092 with its data under the system temp dir. ' +
    'Give a Kafka-style server.properties file to configure it, and --override to change single keys.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> config/server.properties',
    '<%= config.bin %> <%= command.id %> --override listeners=PLAINTEXT://localhost:19092 --override log.dirs=/var/lib/kt',
    '<%= config.bin %> <%= command.id %> --nodes 3',
    '<%= config.bin %> <%= command.id %> --nodes 3 --dir ./dev-cluster --override num.partitions=3',
  ];
  static override args = {
    config: Args.string({ description: 'server.properties file', required: false }),
  };
  static override flags = {
    override: Flags.string({ description: 'Override a config key: key=value (repeatable)', multiple: true, default: [] }),
    'log-level': Flags.string({ description: 'debug, info, warn or error', default: process.env.KT_LOG_LEVEL ?? 'info' }),
    nodes: Flags.integer({
      description:
        'Start a local cluster of this many combined nodes instead (ids 1..N, free loopback ports, one quorum, fast failover timeouts), ' +
        'each a child process; prints the bootstrap string and each node\'s log; SIGINT/SIGTERM stops them all. The config file and overrides apply to every node.',
      min: 1,
    }),
    dir: Flags.string({ description: 'With --nodes: the base directory of the nodes\' data and logs (kept; starting again with it restarts the same cluster); default a temp dir', dependsOn: ['nodes'] }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ServerStart);
    let settings: Map<string, string>;
    try {
      settings = loadServerSettings(args.config, flags.override);
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    if (flags.nodes !== undefined) {
      try {
        const fromFile = loadServerSettings(args.config, []);
        // Loaded only for --nodes, so a plain server-start does not pay for the launcher's modules.
        const { runLocalCluster } = await import('../cli/local-cluster.js');
        await runLocalCluster({ nodes: flags.nodes, dir: flags.dir, fromFile, overrides: loadServerSettings(undefined, flags.override), logLevel: flags['log-level'], print: (line) => this.log(line) });
      } catch (err) {
        this.error((err as Error).message, { exit: 1 });
      }
      return;
    }

    const log = createLogger(parseLogLevel(flags['log-level']));
    let server: KtServer;
    try {
      server = new KtServer({ overrides: settings, logger: log });
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    const refusal = server.config.securityRefusal();
    if (refusal) this.error(refusal, { exit: 1 });
    log.info(`KtConfig values:\n${[...BROKER_CONFIG.keys()].sort().map((k) => `\t${k} = ${String(server.config.get(k) ?? 'null')}`).join('\n')}`);
    for (const unknown of server.config.unknownKeys()) log.warn(`The configuration '${unknown}' was supplied but isn't a known config.`);

    try {
      await server.start();
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }

    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        server.stop().then(resolve, resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  }
}
