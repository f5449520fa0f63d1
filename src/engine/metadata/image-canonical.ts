/**
 * A metadata image as plain, ordered data: two images are equal exactly when their canonical forms
 * are deeply equal. Tests compare an image rebuilt from a snapshot with the one it was taken from,
 * and a restarted server's image with the image before it stopped.
 */
import type { MetadataImage } from './image.js';

export interface CanonicalImage {
  clusterId: string;
  offset: number;
  nextProducerId: number;
  features: [string, number][];
  brokers: unknown[];
  topics: unknown[];
  brokerConfigs: [string, string][];
}

const byKey = <T>(entries: [string, T][]): [string, T][] => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function canonicalImage(image: MetadataImage, opts: { withOffset?: boolean } = {}): CanonicalImage {
  const topics = [...image.topicsByName.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((t) => ({
      name: t.name,
      topicId: t.topicId,
      // the by-id index must agree with the by-name one
      indexedById: image.topicsById.get(t.topicId) === t,
      partitions: [...t.partitions.values()].sort((a, b) => a.partition - b.partition).map((p) => ({ ...p, replicas: [...p.replicas], isr: [...p.isr], addingReplicas: [...p.addingReplicas], removingReplicas: [...p.removingReplicas] })),
      configs: byKey([...t.configs.entries()]),
    }));
  return {
    clusterId: image.clusterId,
    offset: opts.withOffset === false ? 0 : image.offset,
    nextProducerId: image.nextProducerId,
    features: byKey([...image.features.entries()]),
    brokers: [...image.brokers.values()].sort((a, b) => a.nodeId - b.nodeId).map((b) => ({ ...b, endpoints: b.endpoints.map((e) => ({ ...e })) })),
    topics: [...topics, ...(image.topicsById.size !== image.topicsByName.size ? [{ strayIds: image.topicsById.size - image.topicsByName.size }] : [])],
    brokerConfigs: byKey([...image.brokerConfigs.entries()]),
  };
}
