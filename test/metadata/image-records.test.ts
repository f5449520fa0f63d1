/**
 * image -> records -> image: the records a snapshot holds rebuild the image exactly. Checked as a
 * property over random sequences of operations through the real QuorumController (brokers
 * registering, topics created and deleted, partitions added, topic and broker configs, producer id
 * blocks), and over random raw records the controller does not write yet (partition changes,
 * fencing, unregistering).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { metadataRecord, type MetadataRecord } from '../../src/engine/controller/metadata-serde.js';
import { QuorumController } from '../../src/engine/controller/quorum-controller.js';
import { silentLogger } from '../../src/engine/logger.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { canonicalImage } from '../../src/engine/metadata/image-canonical.js';
import { imageRecords } from '../../src/engine/metadata/image-records.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';
import { applyMetadataRecord, emptyChange } from '../../src/engine/metadata/replay.js';
import { applySnapshot } from '../../src/engine/metadata/snapshot-apply.js';
import { decodeSnapshot, encodeSnapshotBatches } from '../../src/engine/metadata/snapshot-format.js';
import { MemoryLog, opArb, runOp } from './metadata-fixtures.js';

function rebuild(image: MetadataImage, records: MetadataRecord[]): MetadataImage {
  const copy = new MetadataImage(image.clusterId, image.controllerId);
  const change = emptyChange();
  for (const r of records) applyMetadataRecord(copy, r.type, r.data, -1, change);
  copy.offset = image.offset;
  return copy;
}

describe('image -> records -> image', () => {
  it('rebuilds the image of any sequence of controller operations, directly and through the snapshot encoding', async () => {
    // how much the random runs covered: the property is only as good as the images it saw
    const seen = { topics: 0, topicConfigs: 0, brokerConfigs: 0, brokers: 0, producerIds: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const controller = new QuorumController(new MetadataLog(new MemoryLog()), 'prop-cluster', 1, silentLogger);
        await controller.start();
        for (const op of ops) await runOp(controller, op);
        const image = controller.image;
        seen.topics += image.topicsByName.size;
        seen.topicConfigs += [...image.topicsByName.values()].reduce((n, t) => n + t.configs.size, 0);
        seen.brokerConfigs += image.brokerConfigs.size;
        seen.brokers += image.brokers.size;
        seen.producerIds += image.nextProducerId > 0 ? 1 : 0;
        const records = imageRecords(controller.image);
        expect(canonicalImage(rebuild(controller.image, records))).toEqual(canonicalImage(controller.image));
        // the same records after a trip through the .checkpoint bytes, in small batches
        const bytes = Buffer.concat([...encodeSnapshotBatches({ endOffset: controller.image.offset + 1, epoch: 0 }, 1234, records, 300)]);
        const decoded = decodeSnapshot(bytes);
        expect(decoded.header.lastContainedLogTimestamp).toBe(1234);
        expect(canonicalImage(rebuild(controller.image, decoded.records))).toEqual(canonicalImage(controller.image));
      }),
      { numRuns: 60 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, `random runs produced ${what}`).toBeGreaterThan(5);
  });

  it("a snapshot applied over an image that already holds something (a follower installing the leader's) replaces it", async () => {
    const imageAfter = async (ops: Parameters<typeof runOp>[1][]): Promise<MetadataImage> => {
      const controller = new QuorumController(new MetadataLog(new MemoryLog()), 'prop-cluster', 1, silentLogger);
      await controller.start();
      for (const op of ops) await runOp(controller, op);
      return controller.image;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), fc.array(opArb, { maxLength: 25 }), async (followerOps, leaderOps) => {
        const follower = await imageAfter(followerOps);
        const leader = await imageAfter(leaderOps);
        const oldTopics = [...follower.topicsById.keys()];
        const change = applySnapshot(follower, { endOffset: leader.offset + 1, epoch: 0 }, imageRecords(leader));
        expect(canonicalImage(follower)).toEqual(canonicalImage(leader));
        expect(change.deletedTopics.map((t) => t.topicId).sort()).toEqual(oldTopics.filter((id) => !leader.topicsById.has(id)).sort());
      }),
      { numRuns: 30 },
    );
  });

  it('rebuilds images changed by partition changes, fencing and unregistering', () => {
    const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const rawArb = fc.oneof(
      fc.record({ leader: fc.constantFrom(-2, 1, 2, 3), isr: fc.option(fc.subarray([1, 2, 3], { minLength: 1 })), p: fc.integer({ min: 0, max: 2 }) }).map((c) =>
        metadataRecord(RecordType.PartitionChange, { partitionId: c.p, topicId, isr: c.isr, leader: c.leader, replicas: null, removingReplicas: null, addingReplicas: null }),
      ),
      fc.integer({ min: 1, max: 3 }).map((id) => metadataRecord(RecordType.FenceBroker, { id, epoch: 0 })),
      fc.integer({ min: 1, max: 3 }).map((id) => metadataRecord(RecordType.UnfenceBroker, { id, epoch: 0 })),
      fc.record({ id: fc.integer({ min: 1, max: 3 }), fenced: fc.constantFrom(-1, 0, 1), shutdown: fc.constantFrom(0, 1) }).map((c) =>
        metadataRecord(RecordType.BrokerRegistrationChange, { brokerId: c.id, brokerEpoch: 0, fenced: c.fenced, inControlledShutdown: c.shutdown }),
      ),
      fc.integer({ min: 1, max: 3 }).map((id) => metadataRecord(RecordType.UnregisterBroker, { brokerId: id, brokerEpoch: 0 })),
    );
    fc.assert(
      fc.property(fc.array(rawArb, { maxLength: 30 }), (raw) => {
        const image = new MetadataImage('raw-cluster', 1);
        const base: MetadataRecord[] = [
          ...[1, 2, 3].map((id) =>
            metadataRecord(RecordType.RegisterBroker, { brokerId: id, incarnationId: topicId, brokerEpoch: id * 10, endPoints: [], features: [], rack: null, fenced: id === 2, inControlledShutdown: false, logDirs: [] }),
          ),
          metadataRecord(RecordType.Topic, { name: 't', topicId }),
          ...[0, 1, 2].map((p) => metadataRecord(RecordType.Partition, { partitionId: p, topicId, replicas: [1, 2, 3], isr: [1, 2, 3], removingReplicas: [], addingReplicas: [], leader: 1, leaderEpoch: 0, partitionEpoch: 0 })),
        ];
        const change = emptyChange();
        [...base, ...raw].forEach((r, i) => applyMetadataRecord(image, r.type, r.data, i, change));
        expect(canonicalImage(rebuild(image, imageRecords(image)))).toEqual(canonicalImage(image));
      }),
      { numRuns: 200 },
    );
  });
});
