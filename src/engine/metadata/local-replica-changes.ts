/**
 * What a metadata change means for this node's replicas (Kafka's TopicsDelta.localChanges): of the
 * partitions created or whose leader changed, the ones this node leads now and the ones it now
 * follows. Computed from the change and the image after it, never by comparing whole images, so its
 * cost follows the size of the change.
 */
import type { MetadataImage } from './image.js';
import type { MetadataChange } from './replay.js';

export function localReplicaChanges(change: MetadataChange, image: MetadataImage, nodeId: number): void {
  const seen = new Set<string>();
  for (const { topic, partition } of [...change.createdPartitions, ...change.changedLeaders]) {
    const key = `${topic.topicId}:${partition}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A topic deleted later in the same change is no longer in the image: nothing to lead or follow.
    if (image.topicsById.get(topic.topicId) !== topic) continue;
    const p = topic.partitions.get(partition);
    if (!p || !p.replicas.includes(nodeId)) continue;
    (p.leader === nodeId ? change.becameLeader : change.becameFollower).push({ topic, partition });
  }
}
