/**
 * The new offsets --reset-offsets plans for a group, computed as Kafka's GroupOffsetsResetter does:
 * --to-offset, --shift-by and --from-file are clamped into [log start, log end] (with a warning), --to-current
 * keeps the committed offset (log end where there is none), and a timestamp with no record at or
 * after it falls back to the log end offset.
 */
import type { Admin } from '../../engine/client/admin.js';
import type { CommittedOffset } from '../../engine/client/group-offsets.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type TopicPartition, listOffsets, tpKey } from '../../engine/client/list-offsets.js';
import { UsageError } from './options.js';
import { existingPartitions, tpName } from './topic-partitions.js';

export type ResetSpec =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: number }
  | { kind: 'shift-by'; by: number }
  /** --to-datetime, and --by-duration once "now minus the duration" is known. */
  | { kind: 'to-timestamp'; timestamp: number }
  /** --from-file: each group's offsets as the file gives them (planned per group as 'per-partition'). */
  | { kind: 'from-file'; plan: ReadonlyMap<string, readonly PlannedOffset[]> }
  /** An offset for each partition, by tpKey (clamped like --to-offset). */
  | { kind: 'per-partition'; offsets: ReadonlyMap<string, number> };

export interface PlannedOffset extends TopicPartition {
  offset: number;
}

export interface ResetPlan {
  offsets: PlannedOffset[];
  /** Kafka's warnings: clamped offsets, partitions with nothing at or after the timestamp. */
  warnings: string[];
}

/** Fails like Kafka when a partition does not exist or has no leader. */
export async function checkPartitionsValid(admin: Admin, partitions: readonly TopicPartition[]): Promise<void> {
  const known = await existingPartitions(admin, partitions.map((tp) => tp.topic));
  const info = (tp: TopicPartition) => known.get(tp.topic)?.find((p) => p.partition === tp.partition);
  const missing = partitions.filter((tp) => !info(tp));
  if (missing.length > 0) throw new Error(`The partitions "${missing.map(tpName).join(',')}" do not exist`);
  const leaderless = partitions.filter((tp) => info(tp)!.leader < 0);
  if (leaderless.length > 0) throw new Error(`The partitions "${leaderless.map(tpName).join(',')}" have no leader`);
}

/** The offset at `timestamp` (or EARLIEST/LATEST) of each partition, keyed by tpKey; -1 when none. */
export async function offsetsAt(admin: Admin, partitions: readonly TopicPartition[], timestamp: number): Promise<Map<string, number>> {
  if (partitions.length === 0) return new Map();
  await admin.cluster.refreshMetadata([...new Set(partitions.map((tp) => tp.topic))]);
  const answers = await listOffsets(admin.cluster, partitions.map((tp) => ({ ...tp, timestamp })));
  return new Map([...answers].map(([k, a]) => [k, a.offset]));
}

export async function planReset(
  admin: Admin,
  partitions: readonly TopicPartition[],
  spec: ResetSpec,
  committed: ReadonlyMap<string, CommittedOffset>,
): Promise<ResetPlan> {
  const warnings: string[] = [];
  const key = (tp: TopicPartition) => tpKey(tp.topic, tp.partition);
  const at = async (timestamp: number) => {
    const found = await offsetsAt(admin, partitions, timestamp);
    return (tp: TopicPartition) => found.get(key(tp)) ?? -1;
  };
  const clamped = async (requested: (tp: TopicPartition) => number) => {
    const [start, end] = await Promise.all([at(EARLIEST_TIMESTAMP), at(LATEST_TIMESTAMP)]);
    return partitions.map((tp) => {
      const offset = requested(tp);
      if (offset > end(tp)) {
        warnings.push(`WARN New offset (${offset}) is higher than latest offset for topic partition ${tpName(tp)}. Value will be set to ${end(tp)}.`);
        return { ...tp, offset: end(tp) };
      }
      if (offset < start(tp)) {
        warnings.push(`WARN New offset (${offset}) is lower than earliest offset for topic partition ${tpName(tp)}. Value will be set to ${start(tp)}.`);
        return { ...tp, offset: start(tp) };
      }
      return { ...tp, offset };
    });
  };

  switch (spec.kind) {
    case 'to-earliest':
    case 'to-latest': {
      const offset = await at(spec.kind === 'to-earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP);
      return { offsets: partitions.map((tp) => ({ ...tp, offset: offset(tp) })), warnings };
    }
    case 'to-offset':
      return { offsets: await clamped(() => spec.offset), warnings };
    case 'per-partition':
      return { offsets: await clamped((tp) => spec.offsets.get(key(tp))!), warnings };
    case 'from-file':
      throw new Error('a --from-file plan is planned per group, as per-partition offsets');
    case 'shift-by': {
      for (const tp of partitions) {
        if (!committed.has(key(tp))) throw new UsageError(`Cannot shift offset for partition ${tpName(tp)} since there is no current committed offset`);
      }
      return { offsets: await clamped((tp) => committed.get(key(tp))!.offset + spec.by), warnings };
    }
    case 'to-current': {
      const end = await at(LATEST_TIMESTAMP);
      return { offsets: partitions.map((tp) => ({ ...tp, offset: committed.get(key(tp))?.offset ?? end(tp) })), warnings };
    }
    case 'to-timestamp': {
      const found = await at(spec.timestamp);
      const empty = partitions.filter((tp) => found(tp) < 0);
      for (const tp of empty) warnings.push(`Warn: Partition ${tp.partition} from topic ${tp.topic} is empty. Falling back to latest known offset.`);
      const end = empty.length > 0 ? await offsetsAt(admin, empty, LATEST_TIMESTAMP) : new Map<string, number>();
      return { offsets: partitions.map((tp) => ({ ...tp, offset: found(tp) >= 0 ? found(tp) : (end.get(key(tp)) ?? -1) })), warnings };
    }
  }
}
