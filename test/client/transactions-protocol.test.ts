/**
 * Which transaction protocol kt's transactional producer speaks, decided as Java's client 4.x
 * decides it: from the transaction.version feature the cluster finalized (ApiVersions v3+
 * FinalizedFeatures), per transaction.
 *
 * - A new kt cluster finalizes version 2: no AddPartitionsToTxn or AddOffsetsToTxn is sent; the
 *   coordinator learns the partitions from Produce v12 and TxnOffsetCommit v5 (DescribeTransactions
 *   shows them during the transaction); EndTxn v5 moves every transaction to the next epoch.
 * - A kt cluster whose metadata log predates the feature (an upgraded cluster, not finalized), or a
 *   producer capped with maxTransactionVersion 1: AddPartitionsToTxn before the produce (Produce at
 *   most v11), AddOffsetsToTxn before TxnOffsetCommit (at most v4).
 * - The protocol never changes in the middle of a transaction: a newer view of the features is used
 *   from the next transaction on.
 * - Idempotent producers without a transactional.id are not concerned: Produce at the highest version.
 * - The coordinator takes the client's transaction version from the request's version, as Kafka's
 *   KafkaApis does (TransactionVersion.transactionVersionForAddPartitionsToTxn / ForEndTxn):
 *   AddPartitionsToTxn v0-3 and EndTxn v0-4 are version 0 whatever the cluster finalized.
 * (librdkafka's mock cluster, which finalizes nothing, is covered in transactions.test.ts.)
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { Consumer } from '../../src/engine/client/consumer.js';
import { Producer, type ProducerOptions } from '../../src/engine/client/producer.js';
import { METADATA_TOPIC, MetadataLog } from '../../src/engine/controller/metadata-log.js';
import { metadataRecord } from '../../src/engine/controller/metadata-serde.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { silentLogger } from '../../src/engine/logger.js';
import { LATEST_METADATA_VERSION } from '../../src/engine/metadata/features.js';
import { formatStorage, randomUuid } from '../../src/engine/metadata/meta-properties.js';
import { RecordType } from '../../src/engine/metadata/record-types.js';
import type { Message } from '../../src/engine/protocol/codec.js';
import { startKt, tempLogDir, waitFor, type RunningKt } from '../helpers/kt.js';
import { addPartitions, endTxn, initPid } from '../transactions/coordinator-helpers.js';
import { intercept, wireBatches } from './wire.js';

const OVERRIDES = { 'num.partitions': '2', 'transaction.state.log.num.partitions': '2', 'offsets.topic.num.partitions': '2' };

/**
 * A kt server on a metadata log written before kt knew transaction.version: only metadata.version
 * is finalized, as on a Kafka cluster upgraded from 3.x whose operator has not finalized the feature.
 */
async function startUpgradedKt(): Promise<RunningKt> {
  const dir = tempLogDir();
  formatStorage([dir], randomUuid(), 1);
  const log = PartitionLog.open(join(dir, `${METADATA_TOPIC}-0`), {
    topic: METADATA_TOPIC,
    partition: 0,
    config: parseLogConfig({ 'segment.bytes': String(64 * 1024 * 1024), 'retention.ms': '-1' }),
    context: { logger: silentLogger },
  });
  await new MetadataLog(log).append([metadataRecord(RecordType.FeatureLevel, { name: 'metadata.version', featureLevel: LATEST_METADATA_VERSION })]);
  log.close();
  const kt = await startKt({ 'log.dirs': dir, ...OVERRIDES });
  return {
    ...kt,
    async stop() {
      await kt.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every request of the producer as `Name vN`, in order (repeats of the same one collapsed). */
function record(p: Producer): string[] {
  const names: Record<number, string> = { 0: 'Produce', 22: 'InitProducerId', 24: 'AddPartitionsToTxn', 25: 'AddOffsetsToTxn', 26: 'EndTxn', 28: 'TxnOffsetCommit' };
  const calls: string[] = [];
  intercept(p, async (apiKey, _body, send) => {
    const answer = await send();
    const call = `${names[apiKey] ?? `api${apiKey}`} v${answer.version}`;
    if (names[apiKey] && calls[calls.length - 1] !== call) calls.push(call);
    return answer;
  });
  return calls;
}

async function describeTxn(conn: BrokerConnection, id: string): Promise<Message> {
  return (await conn.send(65, 0, { transactionalIds: [id] })).transactionStates[0] as Message;
}

const partitionsOf = (state: Message): string[] =>
  (state.topics as Message[]).flatMap((t) => (t.partitions as number[]).map((p) => `${t.topic}-${p}`)).sort();

async function readCommitted(bootstrap: string, topic: string, partitions: number[], atLeast: number): Promise<string[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
  try {
    await consumer.assign(partitions.map((partition) => ({ topic, partition })));
    const out: string[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      out.push(...(await consumer.poll(200)).map((r) => r.value!.toString()));
      if (out.length >= atLeast && (await consumer.poll(300)).length === 0) break;
    }
    return out.sort();
  } finally {
    consumer.close();
  }
}

describe('transaction version 2 against a new kt cluster', () => {
  let kt: RunningKt;
  let admin: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt(OVERRIDES);
    admin = await kt.connect();
  });
  afterAll(async () => {
    await kt?.stop();
  });
  const producer = (id: string, options: ProducerOptions = {}) => new Producer({ bootstrapServers: kt.bootstrap, transactionalId: id, lingerMs: 1, retryBackoffMs: 10, maxBlockMs: 20_000, ...options });

  it('reads transaction.version 2 from ApiVersions; Produce v12 and TxnOffsetCommit v5 add what AddPartitionsToTxn/AddOffsetsToTxn used to', async () => {
    const p = producer('tv2-implicit');
    const calls = record(p);
    await p.initTransactions();
    expect(p.cluster.finalizedFeatureLevel('transaction.version')).toBe(2);
    const { producerId, epoch } = p.transactionManager!.identity;
    p.beginTransaction();
    expect(p.transactionManager!.transactionV2).toBe(true);
    await Promise.all([p.produce({ topic: 'tv2-out', partition: 0, value: 'a' }), p.produce({ topic: 'tv2-out', partition: 1, value: 'b' })]);
    // The coordinator learnt the partitions from the produce requests alone.
    const during = await describeTxn(admin, 'tv2-implicit');
    expect(during).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId, producerEpoch: epoch });
    expect(partitionsOf(during)).toEqual(['tv2-out-0', 'tv2-out-1']);
    await p.sendOffsetsToTransaction([{ topic: 'tv2-out', partition: 0, offset: 7 }], 'tv2-group');
    const withOffsets = partitionsOf(await describeTxn(admin, 'tv2-implicit'));
    expect(withOffsets.filter((tp) => tp.startsWith('__consumer_offsets-'))).toHaveLength(1);
    await p.commitTransaction();
    await p.close();
    expect(calls.filter((c) => !c.startsWith('api'))).toEqual(['InitProducerId v5', 'Produce v12', 'TxnOffsetCommit v5', 'EndTxn v5']);
    expect(p.transactionManager!.identity).toEqual({ producerId, epoch: epoch + 1 });
    expect(await readCommitted(kt.bootstrap, 'tv2-out', [0, 1], 2)).toEqual(['a', 'b']);
  });

  it('maxTransactionVersion 1 keeps a producer on the older protocol on the same cluster', async () => {
    const p = producer('tv1-forced', { maxTransactionVersion: 1 });
    const calls = record(p);
    await p.initTransactions();
    p.beginTransaction();
    expect(p.transactionManager!.transactionV2).toBe(false);
    await p.produce({ topic: 'tv1-forced-out', partition: 1, value: 'old' });
    expect(partitionsOf(await describeTxn(admin, 'tv1-forced'))).toEqual(['tv1-forced-out-1']);
    await p.sendOffsetsToTransaction([{ topic: 'tv1-forced-out', partition: 1, offset: 3 }], 'tv1-forced-group');
    await p.commitTransaction();
    await p.close();
    expect(calls).toEqual(['InitProducerId v5', 'AddPartitionsToTxn v3', 'Produce v11', 'AddOffsetsToTxn v4', 'TxnOffsetCommit v4', 'EndTxn v5']);
    expect(await readCommitted(kt.bootstrap, 'tv1-forced-out', [1], 1)).toEqual(['old']);
  });

  it('an idempotent producer without a transactional.id sends Produce at the highest version, whatever the cap', async () => {
    const p = new Producer({ bootstrapServers: kt.bootstrap, maxTransactionVersion: 1 });
    const calls = record(p);
    await p.produce({ topic: 'tv-idempotent', partition: 0, value: 'x' });
    await p.close();
    expect(calls).toEqual(['InitProducerId v5', 'Produce v12']);
  });
});

describe('the older transaction protocol against an upgraded kt cluster (transaction.version not finalized)', () => {
  let kt: RunningKt;
  let admin: BrokerConnection;
  beforeAll(async () => {
    kt = await startUpgradedKt();
    admin = await kt.connect();
  });
  afterAll(async () => {
    await kt?.stop();
  });
  const producer = (id: string) => new Producer({ bootstrapServers: kt.bootstrap, transactionalId: id, lingerMs: 1, retryBackoffMs: 10, maxBlockMs: 20_000 });

  it('sends AddPartitionsToTxn and AddOffsetsToTxn, Produce at most v11 and TxnOffsetCommit at most v4; commit and abort', async () => {
    const p = producer('upgraded-tv1');
    const calls = record(p);
    await p.initTransactions();
    expect(p.cluster.finalizedFeatureLevel('transaction.version')).toBe(0);
    for (const commit of [true, false]) {
      p.beginTransaction();
      expect(p.transactionManager!.transactionV2).toBe(false);
      await p.produce({ topic: 'upgraded-out', partition: 0, value: commit ? 'committed' : 'aborted' });
      await p.sendOffsetsToTransaction([{ topic: 'upgraded-out', partition: 0, offset: 1 }], 'upgraded-group');
      await (commit ? p.commitTransaction() : p.abortTransaction());
    }
    await p.close();
    const oneTxn = ['AddPartitionsToTxn v3', 'Produce v11', 'AddOffsetsToTxn v4', 'TxnOffsetCommit v4', 'EndTxn v5'];
    expect(calls).toEqual(['InitProducerId v5', ...oneTxn, ...oneTxn]);
    expect(await readCommitted(kt.bootstrap, 'upgraded-out', [0], 1)).toEqual(['committed']);
  });

  it('a newer view of the features applies from the next transaction, never in the middle of one', async () => {
    const p = producer('upgraded-flip');
    const calls = record(p);
    await p.initTransactions();
    p.beginTransaction();
    await p.produce({ topic: 'upgraded-flip', partition: 0, value: 'first' });
    // As after an operator finalizes transaction.version 2 and the producer reconnects.
    p.cluster.finalizedFeatures = { epoch: p.cluster.finalizedFeatures.epoch + 100, levels: new Map([['transaction.version', 2]]) };
    await p.produce({ topic: 'upgraded-flip', partition: 1, value: 'second' });
    expect(p.transactionManager!.transactionV2).toBe(false);
    await p.commitTransaction();
    const afterFirst = calls.length;
    const { producerId, epoch } = p.transactionManager!.identity;
    p.beginTransaction();
    expect(p.transactionManager!.transactionV2).toBe(true);
    await p.produce({ topic: 'upgraded-flip', partition: 1, value: 'third' });
    expect(partitionsOf(await describeTxn(admin, 'upgraded-flip'))).toEqual(['upgraded-flip-1']);
    await p.commitTransaction();
    await p.close();
    expect(calls.slice(0, afterFirst)).toEqual(['InitProducerId v5', 'AddPartitionsToTxn v3', 'Produce v11', 'AddPartitionsToTxn v3', 'Produce v11', 'EndTxn v5']);
    expect(calls.slice(afterFirst)).toEqual(['Produce v12', 'EndTxn v5']);
    expect(p.transactionManager!.identity).toEqual({ producerId, epoch: epoch + 1 });
    const data = (await wireBatches(kt.bootstrap, 'upgraded-flip', 1)).filter((b) => (b.header.attributes & 0x20) === 0);
    expect(data.map((b) => b.header.producerEpoch)).toEqual([epoch - 1, epoch]);
    expect(await readCommitted(kt.bootstrap, 'upgraded-flip', [0, 1], 3)).toEqual(['first', 'second', 'third']);
  });
});

describe("the coordinator takes the client's transaction version from the request's version", () => {
  let kt: RunningKt;
  let conn: BrokerConnection;
  beforeAll(async () => {
    kt = await startKt(OVERRIDES);
    conn = await kt.connect();
    await conn.send(19, 7, { topics: [{ name: 'tv-coord', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    await conn.send(10, 1, { key: 'tv-coord', keyType: 1, coordinatorKeys: [] });
  });
  afterAll(async () => {
    await kt?.stop();
  });

  it('AddPartitionsToTxn v3 and EndTxn v4 run version 0 on a version 2 cluster; EndTxn v5 version 2', async () => {
    const id = 'tv-coord';
    const txn = () => kt.server.transactionCoordinator.state.txns.get(id)!;
    const add = async (epoch: number) => {
      for (;;) {
        const r = await addPartitions(conn, id, producerId, epoch, { 'tv-coord': [0] });
        if (r['tv-coord-0'] !== 51) return r['tv-coord-0'];
        await new Promise((res) => setTimeout(res, 10));
      }
    };
    const completed = () => waitFor(async () => (await describeTxn(conn, id)).transactionState.startsWith('Complete'), 'the transaction completed');
    const { producerId, producerEpoch } = await initPid(conn, id);

    expect(await add(producerEpoch)).toBe(0);
    expect(txn()).toMatchObject({ state: 'Ongoing', clientTransactionVersion: 0 });
    expect((await endTxn(conn, id, producerId, producerEpoch, true, 4)).errorCode).toBe(0);
    expect(txn()).toMatchObject({ producerEpoch, clientTransactionVersion: 0 }); // no epoch bump
    await completed();

    expect(await add(producerEpoch)).toBe(0);
    const ended = await endTxn(conn, id, producerId, producerEpoch, true, 5);
    expect(ended).toMatchObject({ errorCode: 0, producerId, producerEpoch: producerEpoch + 1 });
    expect(txn()).toMatchObject({ clientTransactionVersion: 2 });
    await completed();

    // A transaction that AddPartitionsToTxn v3 starts is version 0 again, not the previous one's 2.
    expect(await add(producerEpoch + 1)).toBe(0);
    expect(txn()).toMatchObject({ state: 'Ongoing', producerEpoch: producerEpoch + 1, clientTransactionVersion: 0 });
    expect((await endTxn(conn, id, producerId, producerEpoch + 1, false, 4)).errorCode).toBe(0);
    expect(txn()).toMatchObject({ producerEpoch: producerEpoch + 1, clientTransactionVersion: 0 });
  });
});
