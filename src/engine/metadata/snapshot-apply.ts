/**
 * Making an image what a snapshot says (Kafka's MetadataLoader handing publishers a snapshot): at
 * start on an empty image, or on a follower that installed a snapshot fetched from the leader
 * because it fell behind the leader's log start, on an image that already holds something. The
 * image object stays the same (handlers and coordinators hold it); its contents are replaced, and
 * the change says what the broker must act on: topics no longer there are deleted, every partition
 * of the snapshot is (re)created, every config may have changed.
 */
import type { MetadataRecord } from '../controller/metadata-serde.js';
import type { MetadataImage } from './image.js';
import { applyMetadataRecord, emptyChange, type MetadataChange } from './replay.js';
import type { SnapshotId } from './snapshot-id.js';

export function applySnapshot(image: MetadataImage, id: SnapshotId, records: readonly MetadataRecord[]): MetadataChange {
  const before = [...image.topicsById.values()];
  image.brokers.clear();
  image.topicsByName.clear();
  image.topicsById.clear();
  image.features.clear();
  image.brokerConfigs.clear();
  image.nextProducerId = 0;
  const change = emptyChange();
  for (const r of records) applyMetadataRecord(image, r.type, r.data, -1, change);
  image.offset = id.endOffset - 1;
  change.deletedTopics.push(...before.filter((t) => image.topicsById.get(t.topicId) === undefined));
  change.changedBrokerConfigs = image.brokerConfigs.size > 0 || change.changedBrokerConfigs;
  return change;
}
