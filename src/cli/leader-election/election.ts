/**
 * kafka-leader-election.sh's input and output (Kafka's LeaderElectionCommand): the
 * --path-to-json-file data {"partitions":[{"topic":"foo","partition":1}]} and the lines it prints
 * for elected partitions, partitions whose preferred (or any, for unclean) replica already leads,
 * and failures.
 */
import { ElectionType, compareTopicPartitions, tpString, type PartitionResult } from '../../engine/client/admin-replicas.js';
import type { KafkaError } from '../../engine/client/errors.js';
import type { TopicPartition } from '../../engine/client/list-offsets.js';
import { ErrorCode } from '../../engine/protocol/errors.js';

/** A mistake in the input or a failed election: one line on stderr, exit status 1. */
export class ElectionToolError extends Error {}

/** Kafka's --election-type accepts the enum's names in any case. */
export function parseElectionType(text: string): ElectionType {
  const upper = text.toUpperCase();
  if (upper === 'PREFERRED') return ElectionType.PREFERRED;
  if (upper === 'UNCLEAN') return ElectionType.UNCLEAN;
  throw new ElectionToolError(`Invalid election type "${text}": expected preferred or unclean`);
}

/** parseReplicaElectionData: the partitions of the JSON file, with Kafka's checks. */
export function parseElectionJson(text: string): TopicPartition[] {
  let js: unknown;
  try {
    js = JSON.parse(text);
  } catch {
    // Kafka's Json.parseFull answers "nothing" for text that is not JSON.
    throw new ElectionToolError('Replica election data is empty');
  }
  if (typeof js !== 'object' || js === null || Array.isArray(js)) throw new ElectionToolError('Replica election data must be a JSON object: {"partitions":[{"topic":"foo","partition":1}]}');
  const list = (js as Record<string, unknown>).partitions;
  if (list === undefined) throw new ElectionToolError('Replica election data is missing "partitions" field');
  if (!Array.isArray(list)) throw new ElectionToolError('Replica election data: "partitions" must be an array');
  const partitions = list.map((p: unknown) => {
    const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    if (typeof o.topic !== 'string') throw new ElectionToolError(`Replica election data: every partition needs a "topic" string (${JSON.stringify(p)})`);
    if (typeof o.partition !== 'number' || !Number.isInteger(o.partition)) throw new ElectionToolError(`Replica election data: every partition needs an integer "partition" (${JSON.stringify(p)})`);
    return { topic: o.topic, partition: o.partition };
  });
  const keys = partitions.map(tpString);
  const dup = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  if (dup.length > 0) throw new ElectionToolError(`Replica election data contains duplicate partitions: [${dup.join(', ')}]`);
  return partitions;
}

/** How Java prints an exception (Throwable.toString): its class name, then its message. */
function javaException(err: KafkaError): string {
  const name = (err.name || 'UNKNOWN_SERVER_ERROR').replace(/_EXCEPTION$/, '');
  const cls = name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return `org.apache.kafka.common.errors.${cls}Exception: ${err.message}`;
}

/**
 * The lines electLeaders prints, sorted (Kafka's come out of a HashSet), and the error to end with
 * when any partition failed ("N replica(s) could not be elected").
 */
export function electionReport(type: ElectionType, results: readonly PartitionResult[]): { lines: string[]; failure: ElectionToolError | null } {
  const label = ElectionType[type];
  const sorted = [...results].sort(compareTopicPartitions);
  const succeeded = sorted.filter((r) => r.error === null);
  const noop = sorted.filter((r) => r.error?.code === ErrorCode.ELECTION_NOT_NEEDED);
  const failed = sorted.filter((r) => r.error !== null && r.error.code !== ErrorCode.ELECTION_NOT_NEEDED);
  const lines: string[] = [];
  if (succeeded.length > 0) lines.push(`Successfully completed leader election (${label}) for partitions ${succeeded.map(tpString).join(', ')}`);
  if (noop.length > 0) lines.push(`Valid replica already elected for partitions ${noop.map(tpString).join(', ')}`);
  for (const f of failed) lines.push(`Error completing leader election (${label}) for partition: ${tpString(f)}: ${javaException(f.error!)}`);
  return { lines, failure: failed.length > 0 ? new ElectionToolError(`${failed.length} replica(s) could not be elected`) : null };
}
