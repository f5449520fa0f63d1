/**
 * Producer id blocks: the controller's plan (ProducerIdsRecord with the next block's first id, so
 * replaying the metadata log never hands a block out twice) and the broker's ProducerIdManager (ids
 * one by one from its block, the next block asked for at 90% and waited for only when needed).
 */
import { describe, expect, it } from 'vitest';
import { planAllocateProducerIds, PRODUCER_ID_BLOCK_SIZE } from '../../src/engine/controller/producer-ids.js';
import { ProducerIdManager } from '../../src/engine/coordinator/transaction/producer-id-manager.js';
import { MetadataImage } from '../../src/engine/metadata/image.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';
import { applyMetadataRecord, emptyChange } from '../../src/engine/metadata/replay.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';

describe('producer id blocks', () => {
  it('the controller records the next block start; replaying it moves the image past the block', () => {
    const image = new MetadataImage('c', 1);
    const first = planAllocateProducerIds(image, 1, 7);
    expect(first).toMatchObject({ errorCode: 0, producerIdStart: 0, producerIdLen: PRODUCER_ID_BLOCK_SIZE });
    expect(first.records).toEqual([{ type: RecordType.ProducerIds, version: 0, data: { brokerId: 1, brokerEpoch: 7, nextProducerId: 1000 } }]);
    applyMetadataRecord(image, first.records[0].type, first.records[0].data, 0, emptyChange());
    expect(planAllocateProducerIds(image, 1, 7)).toMatchObject({ producerIdStart: 1000, records: [{ data: { nextProducerId: 2000 } }] });
    image.nextProducerId = Number.MAX_SAFE_INTEGER - 10;
    expect(planAllocateProducerIds(image, 1, 7)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, records: [] });
  });

  it('the manager hands out every id of its blocks once, prefetching the next block at 90%', async () => {
    const asked: number[] = [];
    let next = 100;
    const manager = new ProducerIdManager(
      {
        allocateProducerIds: async () => {
          asked.push(next);
          const start = next;
          next += 10;
          return { errorCode: 0, producerIdStart: start, producerIdLen: 10 };
        },
      },
      1,
    );
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await manager.generate());
    expect(asked).toEqual([100, 110]); // the second block was asked for once 90% of the first was used
    for (let i = 0; i < 16; i++) ids.push(await manager.generate());
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => 100 + i));
    expect(asked).toEqual([100, 110, 120]);
  });

  it('a failed allocation is an error for the caller, and the next call asks again', async () => {
    let fail = true;
    const manager = new ProducerIdManager({ allocateProducerIds: async () => (fail ? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, producerIdStart: -1, producerIdLen: 0 } : { errorCode: 0, producerIdStart: 0, producerIdLen: 1000 }) }, 1);
    await expect(manager.generate()).rejects.toThrow(/not allocated/);
    fail = false;
    expect(await manager.generate()).toBe(0);
  });
});
