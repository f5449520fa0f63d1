/**
 * kafka-topics.sh --describe lines (Kafka 3.9's TopicCommand): a topic line, then one tab-indented
 * line per partition. Elr/LastKnownElr print "N/A" when the broker could not say (no
 * DescribeTopicPartitions), exactly as Kafka's tool prints them. A partition being reassigned
 * also shows its Adding Replicas and Removing Replicas, and counts in the replication factor only
 * the replicas it keeps (TopicCommand.getReplicationFactor).
 */
import type { ChalkInstance } from 'chalk';
import type { ConfigEntry, TopicDescription, TopicPartitionInfo } from '../engine/client/admin.js';
import type { PartitionReassignment } from '../engine/client/admin-replicas.js';
import { ZERO_UUID } from '../engine/client/metadata.js';

const plain = (s: string) => s;

/**
 * TopicCommand.isReassignmentInProgress: the reassignment (listed a moment before the metadata) is
 * still going on while any replica it adds or removes is still among the partition's replicas.
 */
export function reassignmentInProgress(p: TopicPartitionInfo, r: PartitionReassignment | undefined): r is PartitionReassignment {
  if (!r) return false;
  return p.replicas.some((id) => r.addingReplicas.includes(id) || r.removingReplicas.includes(id));
}

/** TopicCommand.getReplicationFactor: the replicas a partition keeps once its reassignment is done. */
export function replicationFactor(p: TopicPartitionInfo, r: PartitionReassignment | undefined): number {
  return reassignmentInProgress(p, r) ? r.replicas.length - r.addingReplicas.length : p.replicas.length;
}

export function topicLine(d: TopicDescription, configs: readonly ConfigEntry[], color?: ChalkInstance, firstReassignment?: PartitionReassignment): string {
  const label = color ? color.bold : plain;
  const nonDefault = configs
    .filter((c) => !c.isDefault)
    .map((c) => `${c.name}=${c.value ?? 'null'}`)
    .join(',');
  const parts = [`${label('Topic:')} ${d.name}`];
  if (d.topicId !== ZERO_UUID) parts.push(`${label('TopicId:')} ${d.topicId}`);
  parts.push(`${label('PartitionCount:')} ${d.partitions.length}`);
  const first = d.partitions[0];
  parts.push(`${label('ReplicationFactor:')} ${first ? replicationFactor(first, firstReassignment) : 0}`);
  parts.push(`${label('Configs:')} ${nonDefault}`);
  return parts.join('\t');
}

export function partitionLine(topic: string, p: TopicPartitionInfo, color?: ChalkInstance, reassignment?: PartitionReassignment): string {
  const label = color ? color.dim : plain;
  const leader = p.leader >= 0 ? String(p.leader) : color ? color.red('none') : 'none';
  const list = (ids: readonly number[] | null) => (ids === null ? 'N/A' : ids.join(','));
  return (
    `\t${label('Topic:')} ${topic}` +
    `\t${label('Partition:')} ${p.partition}` +
    `\t${label('Leader:')} ${leader}` +
    `\t${label('Replicas:')} ${p.replicas.join(',')}` +
    `\t${label('Isr:')} ${p.isr.join(',')}` +
    // Printed whenever the partition is listed as being reassigned, as TopicCommand does.
    (reassignment ? `\t${label('Adding Replicas:')} ${reassignment.addingReplicas.join(',')}\t${label('Removing Replicas:')} ${reassignment.removingReplicas.join(',')}` : '') +
    `\t${label('Elr:')} ${list(p.elr)}` +
    `\t${label('LastKnownElr:')} ${list(p.lastKnownElr)}`
  );
}
