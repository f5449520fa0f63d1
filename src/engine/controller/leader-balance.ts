/**
 * Automatic preferred leader election (auto.leader.rebalance.enable), as Kafka's controller runs it
 * every leader.imbalance.check.interval.seconds: for each broker, the partitions whose preferred
 * replica (the first) it is, and of those the ones it does not lead; when that share exceeds
 * leader.imbalance.per.broker.percentage, each of them gets a preferred election — which moves the
 * leader only where the preferred replica is active and in the ISR (partition-change.ts), so a
 * broker that is back but not caught up is left alone until it is. Partitions being reassigned are
 * skipped, as Kafka skips them.
 */
import type { MetadataImage, PartitionState, TopicImage } from '../metadata/image.js';
import type { MetadataRecord } from './metadata-serde.js';
import { buildPartitionChange, isReassigning } from './partition-change.js';
import type { Logger } from '../logger.js';
import { isActiveBroker, uncleanLeaderElections, type ElectionPolicy } from './partition-leadership.js';

/**
 * The active controller's periodic leader check: unclean elections for leaderless partitions whose
 * topic allows them, then, when `rebalancePercentage` is given, the preferred leader rebalance.
 * Leaderless partitions are left to the elections, so no partition gets two records.
 */
export function leaderCheck(image: MetadataImage, policy: ElectionPolicy, rebalancePercentage: number | undefined, logger: Logger): MetadataRecord[] {
  const records = uncleanLeaderElections(image, policy);
  if (rebalancePercentage === undefined) return records;
  const balance = preferredLeaderRebalance(image, rebalancePercentage);
  if (balance.length > 0) logger.info(`moving ${balance.length} partition leader(s) back to their preferred replicas`);
  return [...records, ...balance];
}

export function preferredLeaderRebalance(image: MetadataImage, percentage: number): MetadataRecord[] {
  const byPreferred = new Map<number, { topic: TopicImage; partition: PartitionState }[]>();
  for (const topic of image.topicsById.values()) {
    for (const partition of topic.partitions.values()) {
      const preferred = partition.replicas[0];
      if (preferred === undefined || partition.leader < 0 || isReassigning(partition)) continue;
      let list = byPreferred.get(preferred);
      if (!list) byPreferred.set(preferred, (list = []));
      list.push({ topic, partition });
    }
  }
  const records: MetadataRecord[] = [];
  for (const [broker, owned] of byPreferred) {
    if (!isActiveBroker(image, broker)) continue;
    const notLed = owned.filter(({ partition }) => partition.leader !== broker);
    if (notLed.length === 0 || (notLed.length * 100) / owned.length <= percentage) continue;
    for (const { topic, partition } of notLed) {
      const change = buildPartitionChange(topic.topicId, partition, { election: 'PREFERRED', isAcceptableLeader: (r) => isActiveBroker(image, r) });
      if (change.record && change.after.leader === broker) records.push(change.record);
    }
  }
  return records;
}
