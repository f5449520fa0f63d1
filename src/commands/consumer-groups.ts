import { readFileSync } from 'node:fs';
import { confirm } from '@inquirer/prompts';
import { Errors, Flags, type Interfaces } from '@oclif/core';
import { Admin, type GroupListing } from '../engine/client/admin.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag, oneLine } from '../cli/base-command.js';
import { spinner, terminal } from '../cli/terminal.js';
import { deleteGroups, deleteOffsets } from '../cli/consumer-groups/delete.js';
import { describeGroups } from '../cli/consumer-groups/describe.js';
import { ACTIONS, UsageError, parseStates, parseTypes, usageError, withOptionalValues } from '../cli/consumer-groups/options.js';
import { type Report, processReport } from '../cli/consumer-groups/report.js';
import { resetOffsets } from '../cli/consumer-groups/reset.js';
import { parsePlanFile } from '../cli/consumer-groups/reset-file.js';
import type { ResetSpec } from '../cli/consumer-groups/reset-plan.js';
import { tableLines, widest } from '../cli/consumer-groups/table.js';
import { parseDateTime, parseDuration } from '../cli/consumer-groups/time-specs.js';
import { parseTopicArg } from '../cli/consumer-groups/topic-partitions.js';

export default class ConsumerGroups extends KtCommand {
  static override summary = 'List, describe and delete consumer groups, and reset their offsets, like kafka-consumer-groups.sh.';
  static override description =
    'Exactly one action: --list, --describe, --delete, --reset-offsets or --delete-offsets. --describe shows each partition\'s ' +
    'committed offset, log end offset and lag (--offsets, the default), the members (--members) or the group itself (--state). ' +
    '--reset-offsets plans new offsets for inactive groups and only commits them with --execute; offsets given with --to-offset ' +
    'or --shift-by are kept within each partition\'s log start and end. --delete asks before deleting when run at a terminal ' +
    '(--yes skips the question; it never asks when input or output is not a terminal).';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --list --bootstrap-server localhost:9092',
    '<%= config.bin %> <%= command.id %> --list --state stable,empty',
    '<%= config.bin %> <%= command.id %> --describe --group my-group',
    '<%= config.bin %> <%= command.id %> --describe --group my-group --members --verbose',
    '<%= config.bin %> <%= command.id %> --describe --all-groups --state',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --topic orders --to-earliest',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --topic orders:0,1 --shift-by -10 --execute',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --all-topics --to-datetime 2024-06-01T00:00:00.000 --execute',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --all-topics --by-duration PT1H --execute',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --all-topics --to-current --export > plan.csv',
    '<%= config.bin %> <%= command.id %> --reset-offsets --group my-group --from-file plan.csv --execute',
    '<%= config.bin %> <%= command.id %> --delete --group my-group --group other-group --yes',
    '<%= config.bin %> <%= command.id %> --delete-offsets --group my-group --topic orders:0',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    timeout: Flags.integer({ description: 'How long to wait for each answer from the cluster, in ms.', default: 5000, min: 1, helpValue: '<ms>' }),
    list: Flags.boolean({ description: 'List all consumer groups.' }),
    describe: Flags.boolean({ description: 'Describe consumer groups and list offset lag (number of messages not yet processed).' }),
    delete: Flags.boolean({ description: 'Delete consumer groups, with their committed offsets.' }),
    'reset-offsets': Flags.boolean({ description: 'Reset offsets of consumer groups; the groups must be inactive. Plans only, unless --execute.' }),
    'delete-offsets': Flags.boolean({ description: 'Delete committed offsets of one consumer group, for the given topics or partitions.' }),
    group: Flags.string({ description: 'The consumer group to act on (repeatable).', multiple: true }),
    'all-groups': Flags.boolean({ description: 'Apply to all consumer groups.' }),
    topic: Flags.string({
      description: 'With --reset-offsets or --delete-offsets: a topic, or some of its partitions as topic:0,1,2 (repeatable).',
      multiple: true,
    }),
    'all-topics': Flags.boolean({ description: 'With --reset-offsets: every partition the group has committed offsets for.' }),
    offsets: Flags.boolean({ description: 'With --describe: each partition with its offsets and lag (the default).' }),
    members: Flags.boolean({ description: 'With --describe: the members of the group.' }),
    state: Flags.string({
      description: 'With --describe: the state of the group. With --list: a STATE column, or only groups in these states (e.g. stable,empty).',
      helpValue: '[states]',
    }),
    type: Flags.string({ description: 'With --list: a TYPE column, or only groups of these types (classic,consumer).', helpValue: '[types]' }),
    verbose: Flags.boolean({ description: 'With --describe: more columns (leader epochs, assignments, epochs).' }),
    'dry-run': Flags.boolean({ description: 'With --reset-offsets: only show the new offsets (the default).' }),
    execute: Flags.boolean({ description: 'With --reset-offsets: commit the new offsets.' }),
    'to-earliest': Flags.boolean({ description: 'Reset offsets to the earliest offset.' }),
    'to-latest': Flags.boolean({ description: 'Reset offsets to the latest offset.' }),
    'to-current': Flags.boolean({ description: 'Reset offsets to the current committed offset (the latest where none).' }),
    'to-offset': Flags.integer({ description: 'Reset offsets to this offset.', helpValue: '<offset>' }),
    'shift-by': Flags.integer({ description: 'Shift the committed offsets by n, positive or negative.', helpValue: '<n>' }),
    'to-datetime': Flags.string({
      description: "Reset offsets to the first record at or after this time: 'YYYY-MM-DDTHH:mm:SS.sss', UTC unless followed by Z, +hh, +hhmm or +hh:mm.",
      helpValue: '<datetime>',
    }),
    'by-duration': Flags.string({ description: "Reset offsets to the first record at most this long ago: 'PnDTnHnMnS'.", helpValue: '<duration>' }),
    'from-file': Flags.string({
      description: 'Reset offsets to the values in this CSV file (what --export prints): topic,partition,offset lines for one --group, else group,topic,partition,offset.',
      helpValue: '<path>',
    }),
    export: Flags.boolean({ description: 'With --reset-offsets: print the plan as CSV, which --from-file reads back.' }),
    yes: Flags.boolean({ char: 'y', description: 'With --delete: do not ask for confirmation at a terminal (kt\'s addition).' }),
  };

  private admin?: Admin;
  private stopSpinner = () => {};

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsumerGroups, withOptionalValues(this.argv));
    const problem = usageError(flags);
    if (problem) this.error(problem, { exit: 1 });
    const term = terminal();
    const action = ACTIONS.find((a) => flags[a])!;
    // The spinner runs until the first line of output (or a question) appears.
    const working = spinner(`${action === 'list' ? 'Listing' : action === 'describe' ? 'Describing' : 'Looking up'} consumer groups`, term);
    let spinning = true;
    this.stopSpinner = () => {
      if (spinning) working.stop();
      spinning = false;
    };
    const report = processReport(term, this.stopSpinner);
    this.admin = new Admin({
      bootstrap: flags['bootstrap-server'],
      connectTimeoutMs: flags['connect-timeout-ms'],
      requestTimeoutMs: flags.timeout,
      clientId: 'kt-consumer-groups',
    });
    try {
      await this.act(action, flags, report);
    } catch (err) {
      if (err instanceof Errors.CLIError) throw err;
      if (err instanceof UsageError) this.error(err.message, { exit: 1 });
      this.error(`Executing consumer group command failed due to ${oneLine(err)}`, { exit: 1 });
    } finally {
      this.stopSpinner();
      this.admin.close();
    }
    if (report.failed) this.exit(1);
  }

  private async act(action: (typeof ACTIONS)[number], flags: Flags, report: Report): Promise<void> {
    const admin = this.admin!;
    const groups = async () => (flags['all-groups'] ? (await this.consumerGroups()).map((g) => g.groupId) : (flags.group ?? []));
    switch (action) {
      case 'list':
        return this.listGroups(flags, report);
      case 'describe': {
        const view = flags.members ? 'members' : flags.state !== undefined ? 'state' : 'offsets';
        return describeGroups(admin, await groups(), view, flags.verbose, report);
      }
      case 'reset-offsets':
        return this.resetOffsets(groups, flags, report);
      case 'delete': {
        const ids = await groups();
        if (ids.length > 0 && !(await this.confirmed(ids, flags.yes))) return report.note('No consumer groups were deleted.');
        return deleteGroups(admin, ids, report);
      }
      case 'delete-offsets':
        // Kafka acts on the first --group only: offsets are deleted one group at a time.
        return deleteOffsets(admin, flags.group![0]!, flags.topic!.map(parseTopicArg), report);
    }
  }

  /** Consumer groups, as Kafka's ListGroupsOptions.forConsumerGroups() selects them. */
  private async consumerGroups(options: { states?: string[]; types?: string[] } = {}): Promise<GroupListing[]> {
    const listed = await this.admin!.listGroups(options);
    return listed.filter((g) => (g.protocolType === '' || g.protocolType === 'consumer') && (g.type === null || g.type === 'classic' || g.type === 'consumer'));
  }

  private async listGroups(flags: Flags, report: Report): Promise<void> {
    const withState = flags.state !== undefined;
    const withType = flags.type !== undefined;
    const groups = await this.consumerGroups({ states: parseStates(flags.state ?? ''), types: parseTypes(flags.type ?? '') });
    if (!withState && !withType) {
      for (const g of groups) report.out(g.groupId);
      return;
    }
    const capitalized = (s: string | null) => (s ? s[0]!.toUpperCase() + s.slice(1) : 'Unknown');
    const columns = [
      { header: 'GROUP', width: widest(groups.map((g) => g.groupId)) + 10 },
      ...(withType ? [{ header: 'TYPE', width: 20 }] : []),
      ...(withState ? [{ header: 'STATE', width: 20 }] : []),
    ];
    const rows = groups.map((g) => [g.groupId, ...(withType ? [capitalized(g.type)] : []), ...(withState ? [g.state ?? 'Unknown'] : [])]);
    for (const line of tableLines(columns, rows, report.term)) report.out(line);
  }

  private async resetOffsets(groups: () => Promise<string[]>, flags: Flags, report: Report): Promise<void> {
    const spec = resetSpec(flags);
    const scope = flags['all-topics'] ? ({ allTopics: true } as const) : { allTopics: false as const, topics: (flags.topic ?? []).map(parseTopicArg) };
    if (!flags['dry-run'] && !flags.execute) {
      report.note(
        'WARN: No action will be performed as the --execute option is missing. In a future major release, the default behavior of this ' +
          'command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option ' +
          'explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
      );
    }
    const exportAs = flags.export ? { singleGroup: (flags.group ?? []).length === 1 } : undefined;
    await resetOffsets(this.admin!, await groups(), { scope, spec, execute: flags.execute, export: exportAs }, report);
  }

  /** Ask before deleting, but only a person at a terminal: scripts and pipes proceed, as with Kafka's tool. */
  private async confirmed(groupIds: string[], yes: boolean): Promise<boolean> {
    if (yes || !process.stdin.isTTY || !process.stdout.isTTY) return true;
    const names = groupIds.map((g) => `'${g}'`).join(', ');
    this.stopSpinner();
    const many = groupIds.length > 1;
    return confirm({ message: `Delete consumer group${many ? 's' : ''} ${names} and ${many ? 'their' : 'its'} committed offsets?`, default: false });
  }
}

type Flags = Interfaces.InferredFlags<typeof ConsumerGroups.flags>;

/**
 * The reset scenario the flags name. Times are read before anything is asked of the cluster, so a
 * typo fails at once; --by-duration counts back from the moment each group is planned.
 */
function resetSpec(flags: Flags): () => ResetSpec {
  if (flags['to-earliest']) return () => ({ kind: 'to-earliest' });
  if (flags['to-latest']) return () => ({ kind: 'to-latest' });
  if (flags['to-current']) return () => ({ kind: 'to-current' });
  if (flags['to-offset'] !== undefined) return () => ({ kind: 'to-offset', offset: flags['to-offset']! });
  if (flags['shift-by'] !== undefined) return () => ({ kind: 'shift-by', by: flags['shift-by']! });
  if (flags['to-datetime'] !== undefined) {
    const timestamp = parseDateTime(flags['to-datetime']);
    return () => ({ kind: 'to-timestamp', timestamp });
  }
  if (flags['from-file'] !== undefined) {
    const plan = parsePlanFile(readFileSync(flags['from-file'], 'utf8'), flags.group ?? []);
    return () => ({ kind: 'from-file', plan });
  }
  const duration = parseDuration(flags['by-duration']!);
  return () => ({ kind: 'to-timestamp', timestamp: Date.now() - duration });
}
