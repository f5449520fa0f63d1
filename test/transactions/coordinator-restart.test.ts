/**
 * What the transaction coordinator keeps across a restart of a real server: producer ids never repeat
 * (the controller's blocks are in the metadata log), and a transaction open at the restart is loaded
 * back from __transaction_state with its producer, epoch and partitions, so the producer can commit
 * it (or a new producer abort it) afterwards. A transaction whose end was decided before the restart
 * (PrepareCommit in the log) gets its markers afterwards.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { startKt, tempLogDir, waitFor, type RunningKt } from '../helpers/kt.js';
import { addPartitions, endTxn, initPid, initPidRetrying, markers, produceTxn } from './coordinator-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function restartable(overrides: Record<string, string> = {}) {
  const dir = tempLogDir();
  dirs.push(dir);
  let current: RunningKt | undefined;
  return {
    async start() {
      current = await startKt({ 'log.dirs': dir, 'transaction.state.log.num.partitions': '3', ...overrides }, { keepLogDir: true });
      return current;
    },
    async stop() {
      await current?.stop();
      current = undefined;
    },
  };
}

async function describeTxn(kt: RunningKt, id: string) {
  const conn = await kt.connect();
  // Right after a start the partition may still be loading.
  let state;
  await waitFor(async () => {
    state = (await conn.send(65, 0, { transactionalIds: [id] })).transactionStates[0];
    return state.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }, `${id} loaded`);
  return state as unknown as { errorCode: number; transactionState: string; producerId: number; producerEpoch: number; topics: { topic: string; partitions: number[] }[] };
}

describe('transaction coordinator across restarts', () => {
  it('producer ids are never handed out twice, across restarts', async () => {
    const server = restartable();
    const seen = new Set<number>();
    for (let run = 0; run < 3; run++) {
      const kt = await server.start();
      const conn = await kt.connect();
      for (let i = 0; i < 5; i++) {
        const r = await initPid(conn, null);
        expect(r.errorCode).toBe(0);
        expect(seen.has(r.producerId)).toBe(false);
        seen.add(r.producerId);
      }
      const tx = await initPid(conn, `t${run}`);
      expect(seen.has(tx.producerId)).toBe(false);
      seen.add(tx.producerId);
      await server.stop();
    }
    expect(seen.size).toBe(18);
  });

  it('an open transaction survives a restart; its producer commits it afterwards', async () => {
    const server = restartable();
    let kt = await server.start();
    let conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'rt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    const { producerId, producerEpoch } = await initPid(conn, 'survivor');
    expect(await addPartitions(conn, 'survivor', producerId, producerEpoch, { rt: [0, 1] })).toEqual({ 'rt-0': 0, 'rt-1': 0 });
    expect((await produceTxn(conn, 'survivor', 'rt', 0, { producerId, producerEpoch, baseSequence: 0 }, ['before restart'])).errorCode).toBe(0);
    await server.stop();

    kt = await server.start();
    expect(await describeTxn(kt, 'survivor')).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId, producerEpoch, topics: [{ topic: 'rt', partitions: [0, 1] }] });
    conn = await kt.connect();
    expect((await produceTxn(conn, 'survivor', 'rt', 1, { producerId, producerEpoch, baseSequence: 0 }, ['after restart'])).errorCode).toBe(0);
    expect((await endTxn(conn, 'survivor', producerId, producerEpoch, true)).errorCode).toBe(0);
    await waitFor(async () => (await describeTxn(kt, 'survivor')).transactionState === 'CompleteCommit', 'commit completed');
    expect(markers(kt, 'rt', 0)).toEqual([{ marker: 'commit', producerId, producerEpoch }]);
    expect(markers(kt, 'rt', 1)).toEqual([{ marker: 'commit', producerId, producerEpoch }]);
    await server.stop();

    // And the completed state is what the next start loads.
    kt = await server.start();
    expect(await describeTxn(kt, 'survivor')).toMatchObject({ transactionState: 'CompleteCommit', producerId, producerEpoch, topics: [] });
    await server.stop();
  });

  it('after a restart, a new producer fences the one whose transaction was open and aborts it', async () => {
    const server = restartable();
    let kt = await server.start();
    let conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'rf', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    const old = await initPid(conn, 'replaced');
    await addPartitions(conn, 'replaced', old.producerId, old.producerEpoch, { rf: [0] });
    expect((await produceTxn(conn, 'replaced', 'rf', 0, { producerId: old.producerId, producerEpoch: old.producerEpoch, baseSequence: 0 }, ['orphan'])).errorCode).toBe(0);
    await server.stop();

    kt = await server.start();
    conn = await kt.connect();
    await describeTxn(kt, 'replaced');
    const fresh = await initPidRetrying(conn, 'replaced');
    expect(fresh).toMatchObject({ errorCode: 0, producerId: old.producerId, producerEpoch: old.producerEpoch + 2 });
    expect(markers(kt, 'rf', 0)).toEqual([{ marker: 'abort', producerId: old.producerId, producerEpoch: old.producerEpoch + 1 }]);
    expect((await endTxn(conn, 'replaced', old.producerId, old.producerEpoch, true)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    await server.stop();
  });

  it('a commit decided before a restart (PrepareCommit in the log) gets its markers after it', async () => {
    const server = restartable();
    let kt = await server.start();
    let conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'rp', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    const { producerId, producerEpoch } = await initPid(conn, 'decided');
    await addPartitions(conn, 'decided', producerId, producerEpoch, { rp: [0] });
    expect((await produceTxn(conn, 'decided', 'rp', 0, { producerId, producerEpoch, baseSequence: 0 }, ['decided'])).errorCode).toBe(0);
    // Hold the markers back so the server stops between PrepareCommit and the markers.
    const coordinator = kt.server.transactionCoordinator;
    const channel = coordinator.deps.markers;
    const original = channel.write.bind(channel);
    channel.write = () => new Promise(() => undefined);
    expect((await endTxn(conn, 'decided', producerId, producerEpoch, true)).errorCode).toBe(0);
    expect(coordinator.state.txns.get('decided')!.state).toBe('PrepareCommit');
    expect(markers(kt, 'rp', 0)).toEqual([]);
    channel.write = original;
    await server.stop();

    kt = await server.start();
    await waitFor(async () => (await describeTxn(kt, 'decided')).transactionState === 'CompleteCommit', 'the decided commit completed after the restart');
    expect(markers(kt, 'rp', 0)).toEqual([{ marker: 'commit', producerId, producerEpoch }]);
    conn = await kt.connect();
    expect((await endTxn(conn, 'decided', producerId, producerEpoch, true)).errorCode).toBe(0);
    await server.stop();
  });
});
