/**
 * Transaction version 2 across a restart, and with transaction.partition.verification.enable=false:
 * the implicit add of Produce v12 does not depend on that switch (it is KIP-890 part 1's, for older
 * clients), and a transaction started by it keeps its version in __transaction_state
 * (ClientTransactionVersion), so after a restart it ends as a version 2 transaction: EndTxn v5 bumps
 * the epoch and the markers carry it.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import { startKt, tempLogDir, waitFor, type RunningKt } from '../helpers/kt.js';
import { endTxn, initPid, markers } from './coordinator-helpers.js';

const TOPIC = 'tv2r';

async function produceV12(conn: BrokerConnection, id: string, partition: number, producer: { producerId: number; producerEpoch: number; baseSequence: number }, value: string) {
  const records = buildBatch({ records: [{ key: null, value }], transactional: true, ...producer });
  const r = await conn.send(0, 12, { transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: partition, records }] }] });
  return r.responses[0].partitionResponses[0].errorCode as number;
}

async function describeTxn(conn: BrokerConnection, id: string) {
  return (await conn.send(65, 0, { transactionalIds: [id] })).transactionStates[0];
}

describe('transaction version 2 across a restart, verification switched off', () => {
  const dir = tempLogDir();
  const overrides = { 'log.dirs': dir, 'transaction.partition.verification.enable': 'false', 'transaction.state.log.num.partitions': '2' };
  let kt: RunningKt | undefined;
  afterAll(async () => {
    await kt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Produce v12 adds the partition with verification off; the transaction stays version 2 after a restart', async () => {
    kt = await startKt(overrides);
    let conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: TOPIC, numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    await conn.send(10, 1, { key: 'restart-tv2', keyType: 1 });
    const { producerId, producerEpoch } = await initPid(conn, 'restart-tv2');
    expect(await produceV12(conn, 'restart-tv2', 1, { producerId, producerEpoch, baseSequence: 0 }, 'before')).toBe(0);
    expect(await describeTxn(conn, 'restart-tv2')).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: TOPIC, partitions: [1] }] });
    await kt.stop();

    kt = await startKt(overrides);
    conn = await kt.connect();
    const server = kt.server;
    await waitFor(() => server.transactionCoordinator.state.txns.get('restart-tv2') !== undefined, 'the transaction state loaded');
    expect(server.transactionCoordinator.state.txns.get('restart-tv2')).toMatchObject({ state: 'Ongoing', clientTransactionVersion: 2 });
    expect(await produceV12(conn, 'restart-tv2', 1, { producerId, producerEpoch, baseSequence: 1 }, 'after')).toBe(0);
    let ended;
    do ended = await endTxn(conn, 'restart-tv2', producerId, producerEpoch, true, 5);
    while (ended.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || ended.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS);
    expect(ended).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 1 });
    await waitFor(async () => (await describeTxn(conn, 'restart-tv2')).transactionState === 'CompleteCommit', 'CompleteCommit');
    expect(markers(kt, TOPIC, 1)).toEqual([{ marker: 'commit', producerId, producerEpoch: producerEpoch + 1 }]);
    // The ended transaction's epoch is fenced; the next one runs at the bumped epoch.
    expect(await produceV12(conn, 'restart-tv2', 0, { producerId, producerEpoch, baseSequence: 0 }, 'late')).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await produceV12(conn, 'restart-tv2', 0, { producerId, producerEpoch: producerEpoch + 1, baseSequence: 0 }, 'next')).toBe(0);
  });
});
