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

  it('reports LogAppendTime batches as such', () => {
    const data = buildBatch({ records: [{ value: 'v', timestamp: 5 }], timestampType: 1, logAppendTime: 1234 });
    const [r] = recordsFromFetch('t', 0, data, 0, false, null).records;
    expect(r!.timestampType).toBe('LogAppendTime');
    expect(r!.timestamp).toBe(1234);
  });
});
