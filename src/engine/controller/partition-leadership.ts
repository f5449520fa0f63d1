/**
 * Leader and ISR changes when a broker is fenced, unfenced or begins a controlled shutdown: Kafka's
 * ReplicationControlManager.generateLeaderAndIsrUpdates with PartitionChangeBuilder's election,
 * eligible leader replicas (KIP-966) off and no unclean election.
 *
 * For each partition:
 * - the target ISR is the ISR without the broker being removed — unless that leaves it empty: the
 *   ISR never becomes empty, so the last member stays (it holds the only committed copy);
 * - the leader stays when it is still acceptable (in the target ISR, active); otherwise the first
 *   replica, in replica order, that is in the target ISR and acceptable leads, or nobody (-1);
 * - a PartitionChangeRecord carries what changed; replaying one whose leader is set bumps the
 *   leader epoch (and every record bumps the partition epoch). No change, no record.
 */
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import { RecordType } from '../metadata/record-types.js';
import { metadataRecord, type MetadataRecord } from './metadata-serde.js';

/** PartitionChangeRecord sentinels and the leader of a partition nobody leads. */
export const NO_LEADER = -1;
export const NO_LEADER_CHANGE = -2;

/** Registered, unfenced and not in controlled shutdown: a broker that may lead and be in a new ISR. */
export function isActiveBroker(image: MetadataImage, brokerId: number): boolean {
  const b = image.brokers.get(brokerId);
  return b !== undefined && !b.fenced && !b.inControlledShutdown;
}

export interface LeadershipChange {
  /** A broker leaving: out of every ISR it can leave, never a leader. */
  brokerToRemove?: number;
  /** A broker becoming eligible before the image shows it unfenced (its unfence record is in the same batch). */
  brokerToAdd?: number;
}

/** The PartitionChangeRecords that apply `change` to `partitions`. */
export function leaderAndIsrUpdates(
  image: MetadataImage,
  partitions: Iterable<{ topic: TopicImage; partition: PartitionState }>,
  change: LeadershipChange,
): MetadataRecord[] {
  const acceptable = (r: number) => r !== change.brokerToRemove && (r === change.brokerToAdd || isActiveBroker(image, r));
  const records: MetadataRecord[] = [];
  for (const { topic, partition } of partitions) {
    const shrunk = partition.isr.filter((r) => r !== change.brokerToRemove);
    const targetIsr = shrunk.length > 0 ? shrunk : partition.isr;
    const valid = (r: number) => targetIsr.includes(r) && acceptable(r);
    const leader = valid(partition.leader) ? partition.leader : (partition.replicas.find(valid) ?? NO_LEADER);
    const isrChanged = !sameMembers(targetIsr, partition.isr);
    if (leader === partition.leader && !isrChanged) continue;
    records.push(
      metadataRecord(RecordType.PartitionChange, {
        topicId: topic.topicId,
        partitionId: partition.partition,
        isr: isrChanged ? targetIsr : null,
        leader: leader === partition.leader ? NO_LEADER_CHANGE : leader,
        // Replayed as written (before any encoding), so the unchanged fields are spelled out.
        replicas: null,
        removingReplicas: null,
        addingReplicas: null,
        leaderRecoveryState: -1,
        directories: null,
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      }),
    );
  }
  return records;
}

function sameMembers(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Every partition whose ISR holds `brokerId`. */
export function* partitionsWithBrokerInIsr(image: MetadataImage, brokerId: number): Generator<{ topic: TopicImage; partition: PartitionState }> {
  for (const topic of image.topicsById.values()) {
    for (const partition of topic.partitions.values()) if (partition.isr.includes(brokerId)) yield { topic, partition };
  }
}

/** Every partition without a leader. */
export function* partitionsWithNoLeader(image: MetadataImage): Generator<{ topic: TopicImage; partition: PartitionState }> {
  for (const topic of image.topicsById.values()) {
    for (const partition of topic.partitions.values()) if (partition.leader === NO_LEADER) yield { topic, partition };
  }
}

/** True when `brokerId` leads at least one partition. */
export function hasLeaderships(image: MetadataImage, brokerId: number): boolean {
  for (const topic of image.topicsById.values()) {
    for (const partition of topic.partitions.values()) if (partition.leader === brokerId) return true;
  }
  return false;
}
