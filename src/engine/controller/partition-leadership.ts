/**
 * Leader and ISR changes when a broker is fenced, unfenced or begins a controlled shutdown: Kafka's
 * ReplicationControlManager.generateLeaderAndIsrUpdates, each partition through the
 * PartitionChangeBuilder (partition-change.ts), eligible leader replicas (KIP-966) off.
 *
 * For each partition:
 * - the target ISR is the ISR without the broker being removed — unless that leaves it empty: the
 *   ISR never becomes empty, so the last member stays (it holds the only committed copy);
 * - the leader stays when it is still acceptable (in the target ISR, active); otherwise the first
 *   replica, in replica order, that is in the target ISR and acceptable leads, or nobody (-1);
 * - when no ISR member can lead and the topic has unclean.leader.election.enable (topic config,
 *   then the controller's dynamic broker config, the cluster default, the static config), the
 *   first acceptable replica leads with ISR = [itself]: an unclean election, logged as a warning;
 * - a PartitionChangeRecord carries what changed; replaying one whose leader is set bumps the
 *   leader epoch (and every record bumps the partition epoch). No change, no record.
 */
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { MetadataRecord } from './metadata-serde.js';
import { buildPartitionChange, NO_LEADER } from './partition-change.js';

export { NO_LEADER, NO_LEADER_CHANGE } from './partition-change.js';

/** Registered, unfenced and not in controlled shutdown: a broker that may lead and be in a new ISR. */
export function isActiveBroker(image: MetadataImage, brokerId: number): boolean {
  const b = image.brokers.get(brokerId);
  return b !== undefined && !b.fenced && !b.inControlledShutdown;
}

/** How the controller elects beyond the ISR (replication-control.ts builds it from the configs). */
export interface ElectionPolicy {
  /** unclean.leader.election.enable as it applies to this topic. */
  uncleanEnabled(topic: TopicImage): boolean;
  /** Told of each unclean election planned, for the warning Kafka logs. */
  onUncleanElection?(topic: TopicImage, partition: number, leader: number): void;
}

/** ISR members only (tests, and callers that never elect uncleanly). */
export const CLEAN_ELECTIONS: ElectionPolicy = { uncleanEnabled: () => false };

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
  policy: ElectionPolicy = CLEAN_ELECTIONS,
): MetadataRecord[] {
  const acceptable = (r: number) => r !== change.brokerToRemove && (r === change.brokerToAdd || isActiveBroker(image, r));
  const records: MetadataRecord[] = [];
  for (const { topic, partition } of partitions) {
    const unclean = policy.uncleanEnabled(topic);
    const built = buildPartitionChange(topic.topicId, partition, {
      isr: partition.isr.filter((r) => r !== change.brokerToRemove),
      election: unclean ? 'UNCLEAN' : 'ONLINE',
      isAcceptableLeader: acceptable,
    });
    if (!built.record) continue;
    if (built.unclean) policy.onUncleanElection?.(topic, partition.partition, built.after.leader);
    records.push(built.record);
  }
  return records;
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

/**
 * Leaders for leaderless partitions of topics that allow unclean elections (Kafka's periodic
 * maybeElectUncleanLeaders): run on the active controller every leader.imbalance.check.interval,
 * so enabling the config dynamically takes effect without a broker coming back.
 */
export function uncleanLeaderElections(image: MetadataImage, policy: ElectionPolicy): MetadataRecord[] {
  const leaderless = [...partitionsWithNoLeader(image)].filter(({ topic }) => policy.uncleanEnabled(topic));
  return leaderAndIsrUpdates(image, leaderless, {}, policy);
}

/** True when `brokerId` leads at least one partition. */
export function hasLeaderships(image: MetadataImage, brokerId: number): boolean {
  for (const topic of image.topicsById.values()) {
    for (const partition of topic.partitions.values()) if (partition.leader === brokerId) return true;
  }
  return false;
}
