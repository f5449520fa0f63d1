/**
 * --delete (whole groups, with their committed offsets) and --delete-offsets (some partitions'
 * committed offsets), reported in Kafka's words.
 */
import type { Admin } from '../../engine/client/admin.js';
import type { KafkaError } from '../../engine/client/errors.js';
import type { TopicPartition } from '../../engine/client/list-offsets.js';
import { ErrorCode } from '../../engine/protocol/errors.js';
import type { Report } from './report.js';
import { MISSING, tableLines, widest } from './table.js';
import { type TopicArg, byTopicThenPartition } from './topic-partitions.js';

const quoted = (groups: readonly string[]) => groups.map((g) => `'${g}'`).join(', ');

export async function deleteGroups(admin: Admin, groupIds: readonly string[], report: Report): Promise<void> {
  const results = await admin.deleteGroups([...new Set(groupIds)]);
  const deleted = [...results].filter(([, error]) => !error).map(([group]) => group);
  const failed = [...results].filter((r): r is [string, KafkaError] => r[1] !== null);
  if (failed.length === 0) {
    report.out(`Deletion of requested consumer groups (${quoted(deleted)}) was successful.`);
    return;
  }
  report.error('Deletion of some consumer groups failed:');
  for (const [group, error] of failed) report.note(`* Group '${group}' could not be deleted due to: ${error.message}`);
  if (deleted.length > 0) report.out(`These consumer groups were deleted successfully: ${quoted(deleted)}`);
}

/** Group-level outcomes Kafka reports by their message alone. */
const GROUP_ERRORS = new Set<number>([ErrorCode.INVALID_GROUP_ID, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.GROUP_AUTHORIZATION_FAILED, ErrorCode.NON_EMPTY_GROUP]);
const PARTITION_ERRORS = new Set<number>([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);

interface Outcome extends TopicPartition {
  /** Null: deleted. */
  error: string | null;
}

export async function deleteOffsets(admin: Admin, groupId: string, args: readonly TopicArg[], report: Report): Promise<void> {
  const outcomes: Outcome[] = [];
  const partitions: TopicPartition[] = args.flatMap((a) => (a.partitions ?? []).map((partition) => ({ topic: a.topic, partition })));
  // A topic named without partitions means all of them; one that cannot be described gets a row of its own.
  for (const topic of new Set(args.filter((a) => a.partitions === null).map((a) => a.topic))) {
    try {
      const [described] = await admin.describeTopics([topic]);
      partitions.push(...described!.partitions.map((p) => ({ topic, partition: p.partition })));
    } catch (err) {
      outcomes.push({ topic, partition: -1, error: (err as Error).message });
    }
  }
  const result = await admin.deleteGroupOffsets(groupId, partitions);
  outcomes.push(...result.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error: p.error?.message ?? null })));

  const code = result.error?.code ?? ErrorCode.NONE;
  if (code === ErrorCode.NONE) report.out(`Request succeeded for deleting offsets from group ${groupId}.`);
  else if (GROUP_ERRORS.has(code)) report.error(result.error!.message);
  else if (PARTITION_ERRORS.has(code)) report.error('Encountered some partition-level error, see the follow-up details.');
  else report.error(`Encountered some unknown error: ${result.error!.name}`);
  // A topic that could not be described fails the command even when the request succeeded.
  if (outcomes.some((o) => o.error)) report.fail();

  const rows = outcomes
    .sort(byTopicThenPartition)
    .map((o) => [o.topic, o.partition >= 0 ? String(o.partition) : MISSING, o.error === null ? 'Successful' : `Error: ${o.error}`]);
  const columns = [
    { header: 'TOPIC', width: widest(rows.map((r) => r[0]!)) },
    { header: 'PARTITION', width: 10 },
    { header: 'STATUS', width: 0 },
  ];
  report.out('');
  for (const line of tableLines(columns, rows, report.term)) report.out(line);
}

