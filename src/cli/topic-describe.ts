/**
 * kafka-topics.sh --describe lines (Kafka 3.9's TopicCommand): a topic line, then one tab-indented
 * line per partition. Elr/LastKnownElr print "N/A" when the broker could not say (no
 * DescribeTopicPartitions), exactly as Kafka's tool prints them.
 */
import type { ChalkInstance } from 'chalk';
import type { ConfigEntry, TopicDescription, TopicPartitionInfo } from '../engine/client/admin.js';
import { ZERO_UUID } from '../engine/client/metadata.js';

const plain = (s: string) => s;

export function topicLine(d: TopicDescription, configs: readonly ConfigEntry[], color?: ChalkInstance): string {
  const label = color ? color.bold : plain;
  const nonDefault = configs
    .filter((c) => !c.isDefault)
    .map((c) => `${c.name}=${c.value ?? 'null'}`)
    .join(',');
  const parts = [`${label('Topic:')} ${d.name}`];
  if (d.topicId !== ZERO_UUID) parts.push(`${label('TopicId:')} ${d.topicId}`);
  parts.push(`${label('PartitionCount:')} ${d.partitions.length}`);
  parts.push(`${label('ReplicationFactor:')} ${d.partitions[0]?.replicas.length ?? 0}`);
  parts.push(`${label('Configs:')} ${nonDefault}`);
  return parts.join('\t');
}

export function partitionLine(topic: string, p: TopicPartitionInfo, color?: ChalkInstance): string {
  const label = color ? color.dim : plain;
  const leader = p.leader >= 0 ? String(p.leader) : color ? color.red('none') : 'none';
  const list = (ids: readonly number[] | null) => (ids === null ? 'N/A' : ids.join(','));
  return (
    `\t${label('Topic:')} ${topic}` +
    `\t${label('Partition:')} ${p.partition}` +
    `\t${label('Leader:')} ${leader}` +
    `\t${label('Replicas:')} ${p.replicas.join(',')}` +
    `\t${label('Isr:')} ${p.isr.join(',')}` +
    `\t${label('Elr:')} ${list(p.elr)}` +
    `\t${label('LastKnownElr:')} ${list(p.lastKnownElr)}`
  );
}
