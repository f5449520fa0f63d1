/**
 * The Java client (kafka-clients 4.x, through the Maven harness in test/java) runs its transactions
 * with KIP-890 part 2 against kt, as against a new Kafka 4.0 cluster: kt finalizes
 * transaction.version 2, so the client bumps the epoch with every EndTxn (v5) and sends no
 * AddPartitionsToTxn or AddOffsetsToTxn — its Produce v12 and TxnOffsetCommit v5 add the partitions.
 *
 * The server runs in this process so the test can see which path each partition took into the
 * transaction: the coordinator's addPartitions is watched (the implicit add passes transaction
 * version 2, AddPartitionsToTxn / AddOffsetsToTxn do not).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isControl } from '../../src/engine/records/batch-header.js';
import { buildJavaHarness, runJavaScenario } from '../helpers/java-harness.js';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { createTopics, storedBatchHeaders } from '../helpers/topics.js';

const PARTITIONS = 3;
const values = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const sorted = (xs: string[]) => [...xs].sort();

describe('Java client transactions with transaction.version 2 (KIP-890 part 2)', () => {
  let kt: RunningKt;
  const adds = { implicit: 0, explicit: 0 };

  beforeAll(async () => {
    await buildJavaHarness();
    kt = await startKt({ 'auto.create.topics.enable': 'false' });
    const conn = await kt.connect();
    await createTopics(conn, ['tv2-txn', 'tv2-ctp-in', 'tv2-ctp-out'].map((name) => ({ name, partitions: PARTITIONS })));
    const coordinator = kt.server.transactionCoordinator;
    const addPartitions = coordinator.addPartitions.bind(coordinator);
    coordinator.addPartitions = (id, producerId, epoch, partitions, clientTransactionVersion) => {
      if (clientTransactionVersion === 2) adds.implicit++;
      else adds.explicit++;
      return addPartitions(id, producerId, epoch, partitions, clientTransactionVersion);
    };
  }, 400_000);
  afterAll(() => kt?.stop());

  /** The producer's epoch in each transactional data batch and each marker of a topic, in log order per partition. */
  function epochsByPartition(topic: string, producerId: number) {
    return Array.from({ length: PARTITIONS }, (_, p) =>
      storedBatchHeaders(kt, topic, p)
        .filter((h) => h.producerId === producerId)
        .map((h) => (isControl(h.attributes) ? `marker@${h.producerEpoch}` : `data@${h.producerEpoch}`)),
    );
  }

  it('commit, abort, commit: the epoch is bumped by each EndTxn, markers carry it, and no AddPartitionsToTxn is sent', async () => {
    const before = { ...adds };
    const out = await runJavaScenario(kt.bootstrap, 'transactions', ['tv2-txn', 'tv2-tid-txn']);
    expect(sorted(out.readCommitted)).toEqual(sorted([...values('first', 30), ...values('second', 30)]));
    expect(sorted(out.readUncommitted)).toEqual(sorted([...values('first', 30), ...values('aborted', 30), ...values('second', 30)]));

    expect(adds.explicit - before.explicit).toBe(0);
    expect(adds.implicit - before.implicit).toBeGreaterThanOrEqual(3);
    const [described] = kt.server.transactionCoordinator.describeTransactions(['tv2-tid-txn']);
    expect(described).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit' });
    // initTransactions gives epoch e; three transactions end at e+1, e+2, e+3.
    const { producerId, producerEpoch } = described;
    const e = producerEpoch - 3;
    const used = epochsByPartition('tv2-txn', producerId).filter((entries) => entries.length > 0);
    expect(used.length).toBeGreaterThan(0);
    for (const partition of used) {
      // The same keys (k0..k2) go to the same partitions in every transaction: each partition used has
      // three transactions, the data of transaction i at epoch e+i and its marker at e+i+1.
      expect(partition.filter((x) => x.startsWith('marker'))).toEqual([`marker@${e + 1}`, `marker@${e + 2}`, `marker@${e + 3}`]);
      let epoch = e;
      for (const entry of partition) {
        if (entry.startsWith('data')) expect(entry).toBe(`data@${epoch}`);
        else expect(entry).toBe(`marker@${++epoch}`);
      }
    }
  }, 180_000);

  it('consume-transform-produce: sendOffsetsToTransaction goes through TxnOffsetCommit v5 without AddOffsetsToTxn', async () => {
    const before = { ...adds };
    const out = await runJavaScenario(kt.bootstrap, 'ctp', ['tv2-ctp-in', 'tv2-ctp-out', 'tv2-ctp-group', 'tv2-tid-ctp', '300']);
    expect(out.aborted).toBe(1);
    expect(Object.values(out.committedAfterAbort).every((o) => o === null)).toBe(true);
    expect(out.committed).toEqual(out.inputEnds);
    expect(sorted(out.outputCommitted)).toEqual(sorted(values('IN', 300)));
    expect(adds.explicit - before.explicit).toBe(0);
    expect(adds.implicit - before.implicit).toBeGreaterThan(out.transactions);
    const [described] = kt.server.transactionCoordinator.describeTransactions(['tv2-tid-ctp']);
    // One bump per transaction: the aborted one and each committed one.
    expect(described.producerEpoch).toBe(out.transactions + out.aborted);
  }, 180_000);
});
