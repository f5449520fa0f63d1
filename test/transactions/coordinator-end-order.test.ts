/**
 * EndTxn is answered once PrepareCommit/PrepareAbort is in __transaction_state, as in Kafka; the
 * markers and the Complete state are written on the next turn of the event loop, after the answer
 * has gone to the socket but before the server reads its sockets again. So a producer that starts its
 * next transaction as soon as EndTxn answers (AddPartitionsToTxn, then Produce) never meets
 * CONCURRENT_TRANSACTIONS, and every transaction ends with its marker and its Complete state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { addPartitions, endTxn, initPid, markers, produceTxn } from './coordinator-helpers.js';

describe('EndTxn answers before the markers are written', () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt({ 'transaction.state.log.num.partitions': '2' });
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'order', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
  });
  afterAll(() => kt.stop());

  it('back-to-back transactions: no CONCURRENT_TRANSACTIONS, a marker and a Complete state for each', async () => {
    const { errorCode, producerId, producerEpoch } = await initPid(conn, 'order');
    expect(errorCode).toBe(0);
    const ends: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const commit = i % 4 !== 3;
      expect(await addPartitions(conn, 'order', producerId, producerEpoch, { order: [0] })).toEqual({ 'order-0': ErrorCode.NONE });
      expect((await produceTxn(conn, 'order', 'order', 0, { producerId, producerEpoch, baseSequence: i }, [`v${i}`])).errorCode).toBe(0);
      expect((await endTxn(conn, 'order', producerId, producerEpoch, commit)).errorCode).toBe(0);
      ends.push(commit);
    }
    const coordinator = kt.server.transactionCoordinator;
    await waitFor(() => coordinator.completions.size === 0, 'the last transaction to complete');
    expect(markers(kt, 'order', 0).map((m) => m.marker === 'commit')).toEqual(ends);
    const r = await conn.send(65, 0, { transactionalIds: ['order'] });
    expect(r.transactionStates[0].transactionState).toBe('CompleteAbort');
  });
});
