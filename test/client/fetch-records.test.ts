/** Records out of fetched bytes: offsets before the fetch position, control batches, aborted transactions. */
import { describe, expect, it } from 'vitest';
import { recordsFromFetch } from '../../src/engine/client/fetch-records.js';
import { ControlRecordType, buildControlBatch } from '../../src/engine/records/control.js';
import { buildBatch } from '../../src/engine/records/record-batch.js';

const values = (r: { records: { value: Buffer | null }[] }) => r.records.map((x) => x.value?.toString());

describe('recordsFromFetch', () => {
  it('drops records before the fetch offset and reports the next offset', () => {
    const data = Buffer.concat([
      buildBatch({ baseOffset: 0, records: [{ value: 'a' }, { value: 'b' }, { value: 'c' }], compression: 1 }),
      buildBatch({ baseOffset: 3, records: [{ value: 'd', key: 'k', headers: [{ key: 'h', value: 'v' }] }] }),
    ]);
    const got = recordsFromFetch('t', 0, data, 1, false, null);
    expect(values(got)).toEqual(['b', 'c', 'd']);
    expect(got.records.map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(got.records[2]!.key?.toString()).toBe('k');
    expect(got.records[2]!.headers[0]!.key).toBe('h');
    expect(got.nextOffset).toBe(4);
    expect(got.batches).toBe(2);
    expect(got.bytes).toBe(4);
  });

  it('ignores a trailing partial batch and skips control batches', () => {
    const full = buildBatch({ baseOffset: 0, records: [{ value: 'x' }] });
    const marker = buildControlBatch({ baseOffset: 1, producerId: 7, producerEpoch: 0, type: ControlRecordType.Commit, coordinatorEpoch: 0 });
    const next = buildBatch({ baseOffset: 2, records: [{ value: 'y' }] });
    const got = recordsFromFetch('t', 0, Buffer.concat([full, marker, next.subarray(0, next.length - 3)]), 0, false, null);
    expect(values(got)).toEqual(['x']);
    expect(got.nextOffset).toBe(2);
  });

  it('read_committed hides aborted transactions; read_uncommitted shows them', () => {
    const committed = buildBatch({ baseOffset: 0, records: [{ value: 'ok' }], producerId: 1, producerEpoch: 0, baseSequence: 0, transactional: true });
    const commit = buildControlBatch({ baseOffset: 1, producerId: 1, producerEpoch: 0, type: ControlRecordType.Commit, coordinatorEpoch: 0 });
    const aborted = buildBatch({ baseOffset: 2, records: [{ value: 'gone' }], producerId: 2, producerEpoch: 0, baseSequence: 0, transactional: true });
    const abort = buildControlBatch({ baseOffset: 3, producerId: 2, producerEpoch: 0, type: ControlRecordType.Abort, coordinatorEpoch: 0 });
    const later = buildBatch({ baseOffset: 4, records: [{ value: 'again' }], producerId: 2, producerEpoch: 0, baseSequence: 1, transactional: true });
    const data = Buffer.concat([committed, commit, aborted, abort, later]);
    const abortedTxns = [{ producerId: 2, firstOffset: 2 }];
    expect(values(recordsFromFetch('t', 0, data, 0, true, abortedTxns))).toEqual(['ok', 'again']);
    expect(values(recordsFromFetch('t', 0, data, 0, false, abortedTxns))).toEqual(['ok', 'gone', 'again']);
    expect(recordsFromFetch('t', 0, data, 0, true, abortedTxns).nextOffset).toBe(5);
  });

  it("read_committed follows Kafka's algorithm with interleaved producers and an unsorted aborted list", () => {
    const txn = (baseOffset: number, producerId: number, value: string) =>
      buildBatch({ baseOffset, records: [{ value }], producerId, producerEpoch: 0, baseSequence: baseOffset, transactional: true });
    const marker = (baseOffset: number, producerId: number, type: ControlRecordType.Abort | ControlRecordType.Commit) =>
      buildControlBatch({ baseOffset, producerId, producerEpoch: 0, type, coordinatorEpoch: 0 });
    const data = Buffer.concat([
      txn(0, 1, 'p1-aborted'),
      txn(1, 2, 'p2-committed'),
      buildBatch({ baseOffset: 2, records: [{ value: 'plain' }] }),
      txn(3, 1, 'p1-aborted-too'),
      marker(4, 1, ControlRecordType.Abort),
      txn(5, 3, 'p3-aborted'),
      marker(6, 2, ControlRecordType.Commit),
      txn(7, 1, 'p1-next-txn'),
      marker(8, 3, ControlRecordType.Abort),
      marker(9, 1, ControlRecordType.Commit),
      // An idempotent (not transactional) batch of an aborting producer id is never filtered.
      buildBatch({ baseOffset: 10, records: [{ value: 'idempotent' }], producerId: 3, producerEpoch: 0, baseSequence: 0 }),
    ]);
    const aborted = [
      { producerId: 3, firstOffset: 5 },
      { producerId: 1, firstOffset: 0 },
    ];
    const got = recordsFromFetch('t', 0, data, 0, true, aborted);
    expect(values(got)).toEqual(['p2-committed', 'plain', 'p1-next-txn', 'idempotent']);
    expect(got.nextOffset).toBe(11);
    // Fetching from the middle of an aborted transaction still hides the rest of it.
    expect(values(recordsFromFetch('t', 0, data, 3, true, aborted))).toEqual(['p1-next-txn', 'idempotent']);
  });

  it('read_committed stops at the last stable offset', () => {
    const data = Buffer.concat([
      buildBatch({ baseOffset: 0, records: [{ value: 'a' }, { value: 'b' }] }),
      buildBatch({ baseOffset: 2, records: [{ value: 'open' }], producerId: 4, producerEpoch: 0, baseSequence: 0, transactional: true }),
      buildBatch({ baseOffset: 3, records: [{ value: 'after' }] }),
    ]);
    const committed = recordsFromFetch('t', 0, data, 0, true, [], 2);
    expect(values(committed)).toEqual(['a', 'b']);
    expect(committed.nextOffset).toBe(2);
    expect(values(recordsFromFetch('t', 0, data, 0, false, [], 2))).toEqual(['a', 'b', 'open', 'after']);
  });

  it('reports LogAppendTime batches as such', () => {
    const data = buildBatch({ records: [{ value: 'v', timestamp: 5 }], timestampType: 1, logAppendTime: 1234 });
    const [r] = recordsFromFetch('t', 0, data, 0, false, null).records;
    expect(r!.timestampType).toBe('LogAppendTime');
    expect(r!.timestamp).toBe(1234);
  });
});
