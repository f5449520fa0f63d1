/**
 * The controller id a broker reports in Metadata and DescribeCluster, as Kafka's KRaft brokers do
 * (KRaftMetadataCache.getRandomAliveBrokerId): a random live broker, since clients send their
 * admin requests to "the controller" and any broker forwards them to the active controller. A lone
 * node, or one whose broker is not registered yet, reports itself.
 */
import type { MetadataImage } from '../metadata/image.js';

export function reportedControllerId(image: MetadataImage, listenerName: string): number {
  const live = image.liveBrokers().filter((b) => b.endpoints.some((e) => e.name === listenerName));
  if (live.length === 0) return image.controllerId;
  return live[Math.floor(Math.random() * live.length)]!.nodeId;
}
