/**
 * --describe: the three views of kafka-consumer-groups.sh. --offsets (the default) is one row per
 * partition the group owns or has committed, with its lag; --members one row per member; --state
 * one row per group. Group states get Kafka's notices before the table.
 */
import type { Admin, GroupDescription, GroupMember } from '../../engine/client/admin.js';
import type { CommittedOffset } from '../../engine/client/group-offsets.js';
import { LATEST_TIMESTAMP, type TopicPartition, byTopic, tpKey } from '../../engine/client/list-offsets.js';
import type { Report } from './report.js';
import { type Column, MISSING, tableLines } from './table.js';
import { byTopicThenPartition, existingPartitions } from './topic-partitions.js';
import { offsetsAt } from './reset-plan.js';

export type DescribeView = 'offsets' | 'members' | 'state';

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling']);

export async function describeGroups(admin: Admin, groupIds: readonly string[], view: DescribeView, verbose: boolean, report: Report): Promise<void> {
  const described = (await admin.describeGroups([...new Set(groupIds)])).sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  for (const group of described) {
    if (group.error) {
      report.error(`Group '${group.groupId}': ${group.error.message}`);
      continue;
    }
    if (view === 'offsets') await describeOffsets(admin, group, verbose, report);
    else if (view === 'members') describeMembers(group, verbose, report);
    else describeState(group, verbose, report);
  }
}

/** Kafka's shouldPrintMemberState: the notice for the group's state, and whether a table follows. */
function announceState(group: GroupDescription, rows: number, report: Report): boolean {
  const { groupId, state } = group;
  if (state === 'Dead') report.error(`Consumer group '${groupId}' does not exist.`);
  else if (state === 'Empty') report.note(`Consumer group '${groupId}' has no active members.`);
  else if (REBALANCING.has(state)) report.note(`Warning: Consumer group '${groupId}' is rebalancing.`);
  else if (state !== 'Stable') report.error(`Expected a valid consumer group state, but found '${state}'.`);
  return state !== 'Dead' && rows > 0;
}

function printTable(columns: Column[], rows: string[][], report: Report): void {
  report.out('');
  for (const line of tableLines(columns, rows, report.term)) report.out(line);
}

const show = (n: number | null | undefined): string => (n === null || n === undefined || n < 0 ? MISSING : String(n));

async function describeOffsets(admin: Admin, group: GroupDescription, verbose: boolean, report: Report): Promise<void> {
  const committed = group.state === 'Dead' ? new Map<string, CommittedOffset>() : await admin.listGroupOffsets(group.groupId);
  // Members with the most partitions first, then partitions committed by nobody in the group now.
  const owners = group.members.filter((m) => m.assignment.length > 0).sort((a, b) => b.assignment.length - a.assignment.length);
  const owned = new Set(owners.flatMap((m) => m.assignment.map((tp) => tpKey(tp.topic, tp.partition))));
  const unowned = [...committed.values()].filter((c) => !owned.has(tpKey(c.topic, c.partition)));
  const sections: [GroupMember | null, TopicPartition[]][] = [...owners.map((m): [GroupMember, TopicPartition[]] => [m, m.assignment]), [null, unowned]];
  const ends = await logEndOffsets(admin, sections.flatMap(([, tps]) => tps));

  const rows: string[][] = [];
  for (const [member, tps] of sections) {
    for (const tp of [...tps].sort(byTopicThenPartition)) {
      const key = tpKey(tp.topic, tp.partition);
      const offset = committed.get(key)?.offset;
      const end = ends.get(key);
      const lag = offset !== undefined && end !== undefined ? end - offset : undefined;
      rows.push([
        group.groupId,
        tp.topic,
        String(tp.partition),
        ...(verbose ? [show(committed.get(key)?.leaderEpoch)] : []),
        show(offset),
        show(end),
        show(lag),
        member?.memberId ?? MISSING,
        member?.host ?? MISSING,
        member?.clientId ?? MISSING,
      ]);
    }
  }
  if (!announceState(group, rows.length, report)) return;
  const columns: Column[] = [
    { header: 'GROUP', width: 15, grows: true },
    { header: 'TOPIC', width: 15, grows: true },
    { header: 'PARTITION', width: 10 },
    ...(verbose ? [{ header: 'LEADER-EPOCH', width: 15 }] : []),
    { header: 'CURRENT-OFFSET', width: 15 },
    { header: 'LOG-END-OFFSET', width: 15 },
    { header: 'LAG', width: 15 },
    { header: 'CONSUMER-ID', width: 15, grows: true },
    { header: 'HOST', width: 15, grows: true },
    { header: 'CLIENT-ID', width: 0 },
  ];
  printTable(columns, rows, report);
}

/** Log end offsets of the partitions that exist and have a leader; the others are left out ("-"). */
async function logEndOffsets(admin: Admin, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
  const known = await existingPartitions(admin, partitions.map((tp) => tp.topic));
  const led = partitions.filter((tp) => (known.get(tp.topic)?.find((p) => p.partition === tp.partition)?.leader ?? -1) >= 0);
  return offsetsAt(admin, led, LATEST_TIMESTAMP);
}

/** Kafka's assignment text: "topic:0,1;other:2", topics sorted, partitions sorted. */
function assignmentText(tps: readonly TopicPartition[] | null): string {
  if (!tps || tps.length === 0) return MISSING;
  return [...byTopic(tps)]
    .map(([topic, ps]) => `${topic}:${ps.map((tp) => tp.partition).sort((a, b) => a - b).join(',')}`)
    .sort()
    .join(';');
}

function describeMembers(group: GroupDescription, verbose: boolean, report: Report): void {
  if (!announceState(group, group.members.length, report) && group.state === 'Dead') return;
  const withInstanceIds = group.members.some((m) => m.groupInstanceId);
  const rows = group.members.map((m) => [
    group.groupId,
    m.memberId,
    ...(withInstanceIds ? [m.groupInstanceId ?? ''] : []),
    m.host,
    m.clientId,
    String(m.assignment.length),
    ...(verbose ? [show(m.memberEpoch), assignmentText(m.assignment), show(group.targetAssignmentEpoch), assignmentText(m.targetAssignment)] : []),
  ]);
  const columns: Column[] = [
    { header: 'GROUP', width: 15, grows: true },
    { header: 'CONSUMER-ID', width: 15, grows: true },
    ...(withInstanceIds ? [{ header: 'GROUP-INSTANCE-ID', width: 17, grows: true }] : []),
    { header: 'HOST', width: 15, grows: true },
    { header: 'CLIENT-ID', width: 15, grows: true },
    { header: '#PARTITIONS', width: 15 },
    ...(verbose
      ? [
          { header: 'CURRENT-EPOCH', width: 15 },
          { header: 'CURRENT-ASSIGNMENT', width: 20, grows: true },
          { header: 'TARGET-EPOCH', width: 15 },
          { header: 'TARGET-ASSIGNMENT', width: 20, grows: true },
        ]
      : []),
  ];
  printTable(columns, rows, report);
}

function describeState(group: GroupDescription, verbose: boolean, report: Report): void {
  if (!announceState(group, 1, report)) return;
  const { host, port, nodeId } = group.coordinator;
  const row = [
    group.groupId,
    `${host}:${port}  (${nodeId})`,
    group.assignor || MISSING,
    group.state,
    ...(verbose ? [show(group.groupEpoch), show(group.targetAssignmentEpoch)] : []),
    String(group.members.length),
  ];
  const columns: Column[] = [
    { header: 'GROUP', width: 15, grows: true },
    { header: 'COORDINATOR (ID)', width: 25, grows: true },
    { header: 'ASSIGNMENT-STRATEGY', width: 20 },
    { header: 'STATE', width: 20 },
    ...(verbose ? [{ header: 'GROUP-EPOCH', width: 15 }, { header: 'TARGET-ASSIGNMENT-EPOCH', width: 25 }] : []),
    { header: '#MEMBERS', width: 0 },
  ];
  printTable(columns, [row], report);
}
