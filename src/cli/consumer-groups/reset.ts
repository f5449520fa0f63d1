/**
 * --reset-offsets: plan new committed offsets for inactive groups and, with --execute, commit them
 * from outside the group. A group with members is refused with Kafka's message; the others are
 * still planned. The plan is printed as Kafka's GROUP TOPIC PARTITION NEW-OFFSET table, or with
 * --export as the CSV that --from-file reads back (reset-file.ts).
 */
import type { Admin } from '../../engine/client/admin.js';
import { type TopicPartition, tpKey } from '../../engine/client/list-offsets.js';
import type { Report } from './report.js';
import { exportPlan } from './reset-file.js';
import { type PlannedOffset, type ResetSpec, checkPartitionsValid, planReset } from './reset-plan.js';
import { tableLines, widest } from './table.js';
import { type TopicArg, byTopicThenPartition, resolveTopicArgs } from './topic-partitions.js';

/** --all-topics (every partition the group has committed) or --topic arguments. */
export type ResetScope = { allTopics: true } | { allTopics: false; topics: TopicArg[] };

/** States in which nobody owns the group's partitions, so offsets can be changed from outside. */
const INACTIVE = new Set(['Empty', 'Dead']);

export interface ResetOptions {
  scope: ResetScope;
  /** Called per group, so --by-duration counts back from when the group is planned, as Kafka does. */
  spec: () => ResetSpec;
  execute: boolean;
  /** Print the plan as CSV; `singleGroup` (one --group given) leaves the group column out. */
  export?: { singleGroup: boolean };
}

export async function resetOffsets(admin: Admin, groupIds: readonly string[], options: ResetOptions, report: Report): Promise<void> {
  const planned = new Map<string, PlannedOffset[]>();
  for (const group of await admin.describeGroups([...new Set(groupIds)])) {
    if (group.error) {
      report.error(`Group '${group.groupId}': ${group.error.message}`);
      continue;
    }
    if (!INACTIVE.has(group.state)) {
      report.error(`Assignments can only be reset if the group '${group.groupId}' is inactive, but the current state is ${group.state}.`);
      continue;
    }
    const committed = await admin.listGroupOffsets(group.groupId);
    let spec = options.spec();
    let partitions: TopicPartition[];
    if (spec.kind === 'from-file') {
      // The file names the partitions: --topic and --all-topics do not apply.
      const fromFile = spec.plan.get(group.groupId);
      if (!fromFile) {
        report.error(`No reset plan for group ${group.groupId} found`);
        continue;
      }
      partitions = fromFile.map(({ topic, partition }) => ({ topic, partition }));
      spec = { kind: 'per-partition', offsets: new Map(fromFile.map((o) => [tpKey(o.topic, o.partition), o.offset])) };
    } else {
      partitions = options.scope.allTopics ? [...committed.values()] : await resolveTopicArgs(admin, options.scope.topics);
    }
    await checkPartitionsValid(admin, partitions);
    const plan = await planReset(admin, partitions, spec, committed);
    for (const warning of plan.warnings) report.note(warning);
    if (options.execute) await admin.alterGroupOffsets(group.groupId, plan.offsets);
    planned.set(group.groupId, plan.offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })).sort(byTopicThenPartition));
  }
  if (options.export) {
    // Kafka prints the CSV with println: a blank line follows it.
    report.out(exportPlan(planned, options.export.singleGroup));
  } else printPlan(planned, report);
}

function printPlan(planned: ReadonlyMap<string, PlannedOffset[]>, report: Report): void {
  const rows = [...planned].flatMap(([group, offsets]) => offsets.map((o) => [group, o.topic, String(o.partition), String(o.offset)]));
  if (rows.length === 0) return;
  const columns = [
    { header: 'GROUP', width: widest([...planned.keys()]) },
    { header: 'TOPIC', width: widest(rows.map((r) => r[1]!)) },
    { header: 'PARTITION', width: 10 },
    { header: 'NEW-OFFSET', width: 0 },
  ];
  report.out('');
  for (const line of tableLines(columns, rows, report.term)) report.out(line);
}
