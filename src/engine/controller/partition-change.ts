/**
 * One partition's next state as a PartitionChangeRecord: Kafka's PartitionChangeBuilder with
 * eligible leader replicas (KIP-966) off. Every leadership, ISR and reassignment decision of the
 * controller goes through here, so they all elect, complete reassignments and bump epochs alike:
 *
 * 1. A reassignment in progress completes when the target ISR holds every replica of the target
 *    assignment (PartitionReassignmentReplicas.maybeCompleteReassignment): replicas := target, the
 *    removed replicas leave the ISR, adding/removing are cleared.
 * 2. Election. PREFERRED: the first replica if it is a valid leader (in the target ISR and
 *    acceptable), else the current leader if still valid, else the next valid replica. ONLINE: the
 *    current leader if valid, else the first valid replica. UNCLEAN: as ONLINE, then — only when no
 *    ISR member can lead — the first acceptable replica, whose ISR becomes just itself (data written
 *    only to the old ISR may be lost; callers log it).
 * 3. Removing replicas from the assignment bumps the leader epoch (the leader field is set to the
 *    same leader), so fetchers from removed replicas are fenced.
 * 4. An ISR is written only when it changes and is not empty: without ELR the ISR never empties, its
 *    last member keeps the only committed copy.
 *
 * Replaying a record with a leader bumps the leader epoch; every record bumps the partition epoch.
 * No change, no record.
 */
import type { PartitionState } from '../metadata/image.js';
import { RecordType } from '../metadata/record-types.js';
import type { Message } from '../protocol/codec.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';

/** PartitionChangeRecord sentinels and the leader of a partition nobody leads. */
export const NO_LEADER = -1;
export const NO_LEADER_CHANGE = -2;

export type Election = 'PREFERRED' | 'ONLINE' | 'UNCLEAN';

export interface PartitionChangeTarget {
  isr?: number[];
  replicas?: number[];
  adding?: number[];
  removing?: number[];
  election?: Election;
  /** Registered, unfenced, not shutting down (and whatever the caller adds or excludes). */
  isAcceptableLeader: (replica: number) => boolean;
}

export interface PartitionChange {
  /** The PartitionChangeRecord, or undefined when nothing changes. */
  record?: MetadataRecord;
  /** The partition as it is once the record is replayed. */
  after: PartitionState;
  /** The leader was chosen from outside the ISR. */
  unclean: boolean;
}

export const isReassigning = (p: { addingReplicas: number[]; removingReplicas: number[] }): boolean => p.addingReplicas.length > 0 || p.removingReplicas.length > 0;

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const containsAll = (a: readonly number[], b: readonly number[]) => b.every((x) => a.includes(x));

export function buildPartitionChange(topicId: string, partition: PartitionState, target: PartitionChangeTarget): PartitionChange {
  let isr = target.isr ?? partition.isr;
  let replicas = target.replicas ?? partition.replicas;
  let adding = target.adding ?? partition.addingReplicas;
  let removing = target.removing ?? partition.removingReplicas;
  const election = target.election ?? 'ONLINE';

  // 1. Complete a reassignment whose target replicas are all in the target ISR.
  if (adding.length > 0 || removing.length > 0) {
    const newIsr = isr.filter((r) => !removing.includes(r));
    const newReplicas = replicas.filter((r) => !removing.includes(r));
    if (newIsr.length > 0 && newReplicas.length > 0 && containsAll(newIsr, newReplicas)) {
      isr = newIsr;
      replicas = newReplicas;
      adding = [];
      removing = [];
    }
  }

  // 2. Election.
  const valid = (r: number) => isr.includes(r) && target.isAcceptableLeader(r);
  let leader = partition.leader;
  let unclean = false;
  if (election === 'PREFERRED' && replicas.length > 0 && valid(replicas[0]!)) leader = replicas[0]!;
  else if (!valid(partition.leader)) {
    const clean = replicas.find(valid);
    if (clean !== undefined) leader = clean;
    else if (election === 'UNCLEAN') {
      const any = replicas.find((r) => target.isAcceptableLeader(r));
      if (any !== undefined) {
        leader = any;
        unclean = true;
      } else leader = NO_LEADER;
    } else leader = NO_LEADER;
  }
  let recordLeader = leader === partition.leader ? NO_LEADER_CHANGE : leader;
  let recordIsr: number[] | null = null;
  if (unclean) recordIsr = [leader];
  // 3. Replicas removed from the assignment: bump the leader epoch.
  if (recordLeader === NO_LEADER_CHANGE && !containsAll(replicas, partition.replicas)) recordLeader = partition.leader;
  // 4. The ISR, when it changes and stays non-empty.
  if (recordIsr === null && isr.length > 0 && !same(isr, partition.isr)) recordIsr = isr;

  const data: Message = {
    topicId,
    partitionId: partition.partition,
    isr: recordIsr,
    leader: recordLeader,
    replicas: replicas.length > 0 && !same(replicas, partition.replicas) ? replicas : null,
    removingReplicas: same(removing, partition.removingReplicas) ? null : removing,
    addingReplicas: same(adding, partition.addingReplicas) ? null : adding,
    // Kafka marks an unclean leader RECOVERING (KIP-704); kt's image does not track recovery state.
    leaderRecoveryState: -1,
    directories: null,
    eligibleLeaderReplicas: null,
    lastKnownElr: null,
  };
  const noOp = data.isr === null && data.leader === NO_LEADER_CHANGE && data.replicas === null && data.removingReplicas === null && data.addingReplicas === null;
  if (noOp) return { after: partition, unclean: false };
  return { record: metadataRecord(RecordType.PartitionChange, data), after: mergeChange(partition, data), unclean };
}

/** `partition` with a PartitionChangeRecord applied, as replay.ts applies it. */
export function mergeChange(partition: PartitionState, data: Message): PartitionState {
  const leaderChanged = data.leader !== NO_LEADER_CHANGE;
  return {
    partition: partition.partition,
    leader: leaderChanged ? data.leader : partition.leader,
    leaderEpoch: partition.leaderEpoch + (leaderChanged ? 1 : 0),
    partitionEpoch: partition.partitionEpoch + 1,
    replicas: data.replicas ?? partition.replicas,
    isr: data.isr ?? partition.isr,
    addingReplicas: data.addingReplicas ?? partition.addingReplicas,
    removingReplicas: data.removingReplicas ?? partition.removingReplicas,
  };
}
