import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { Admin } from '../engine/client/admin.js';
import { electLeaders } from '../engine/client/admin-replicas.js';
import type { TopicPartition } from '../engine/client/list-offsets.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { ElectionToolError, electionReport, parseElectionJson, parseElectionType } from '../cli/leader-election/election.js';

export default class LeaderElection extends KtCommand {
  static override summary = 'Elect partition leaders, like kafka-leader-election.sh.';
  static override description =
    '--election-type preferred moves leadership back to each partition\'s preferred (first) replica when it is in sync; ' +
    'unclean elects any live replica for a partition that has no leader, even one out of sync (records can be lost). ' +
    'Exactly one of --topic with --partition, --all-topic-partitions, or --path-to-json-file ' +
    '({"partitions":[{"topic":"foo","partition":1}]}).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --election-type preferred --topic orders --partition 0',
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --election-type unclean --path-to-json-file partitions.json',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    'election-type': Flags.string({ description: 'preferred or unclean (either case). REQUIRED.', helpValue: '<type>' }),
    topic: Flags.string({ description: 'The topic of the partition to elect a leader for (with --partition).', helpValue: '<topic>' }),
    partition: Flags.integer({ description: 'The partition to elect a leader for (with --topic).', helpValue: '<id>' }),
    'all-topic-partitions': Flags.boolean({ description: 'Elect leaders for every partition that needs it.' }),
    'path-to-json-file': Flags.string({ description: 'A JSON file of the partitions to elect leaders for.', helpValue: '<file>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(LeaderElection);
    // LeaderElectionCommandOptions.validate, in its order and words.
    if (flags['election-type'] === undefined) this.error('Missing required option(s): election-type', { exit: 1 });
    const chosen = [flags.topic !== undefined, flags['all-topic-partitions'], flags['path-to-json-file'] !== undefined].filter(Boolean).length;
    if (chosen !== 1) this.error('One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file', { exit: 1 });
    if (flags.topic !== undefined && flags.partition === undefined) this.error('Missing required option(s): partition', { exit: 1 });
    if (flags.topic === undefined && flags.partition !== undefined) this.error('Option partition is only allowed if topic is used', { exit: 1 });

    let partitions: TopicPartition[] | null = null;
    let type;
    try {
      type = parseElectionType(flags['election-type']);
      if (flags['path-to-json-file'] !== undefined) partitions = parseElectionJson(this.readFile(flags['path-to-json-file']));
      else if (flags.topic !== undefined) partitions = [{ topic: flags.topic, partition: flags.partition! }];
    } catch (err) {
      if (err instanceof ElectionToolError) this.error(err.message, { exit: 1 });
      throw err;
    }

    // The tool's own timeouts: 30 s for the whole call, half of it per request.
    const admin = new Admin({ bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'], requestTimeoutMs: 15_000, clientId: 'kt-leader-election' });
    let report;
    try {
      report = electionReport(type, await electLeaders(admin.cluster, type, partitions, { timeoutMs: 30_000 }));
    } finally {
      admin.close();
    }
    if (report.lines.length > 0) this.log(report.lines.join('\n'));
    if (report.failure) this.error(report.failure.message, { exit: 1 });
  }

  private readFile(path: string): string {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new ElectionToolError(`Unable to read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
}
