/**
 * What each `kt transactions` subcommand does, as Kafka's TransactionsCommand does it: the same
 * columns, the same "None" for an absent value, the same messages when something fails (minus
 * Kafka's "Enable debug logging" hint: KT_DEBUG=1 prints the stack instead).
 */
import type { Admin } from '../../engine/client/admin.js';
import {
  type PartitionProducers,
  type TransactionDescription,
  abortTransaction,
  describeProducers,
  describeTransaction,
  listTransactions,
} from '../../engine/client/admin-transactions.js';
import type { TopicPartition } from '../../engine/client/list-offsets.js';
import { ErrorCode } from '../../engine/protocol/errors.js';
import { KafkaError } from '../../engine/client/errors.js';

/** A failure the tool reports in one line (exit status 1). */
export class TransactionsToolError extends Error {}

export interface Table {
  headers: string[];
  rows: string[][];
}

const fail = (message: string, cause?: unknown): never => {
  const why = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : String(cause)}`;
  throw new TransactionsToolError(`${message}${why}`);
};

const tpName = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`;

export async function list(admin: Admin): Promise<Table> {
  const byBroker = await listTransactions(admin.cluster).catch((err) => fail('Failed to list transactions', err));
  const rows: string[][] = [];
  for (const [brokerId, listings] of byBroker) {
    for (const l of listings) rows.push([l.transactionalId, String(brokerId), String(l.producerId), l.state]);
  }
  return { headers: ['TransactionalId', 'Coordinator', 'ProducerId', 'TransactionState'], rows };
}

export async function describe(admin: Admin, transactionalId: string, now = Date.now()): Promise<Table> {
  const d = await describeTransaction(admin.cluster, transactionalId).catch((err) => fail(`Failed to describe transaction state of transactional-id \`${transactionalId}\``, err));
  const started = d.transactionStartTimeMs >= 0;
  return {
    headers: ['CoordinatorId', 'TransactionalId', 'ProducerId', 'ProducerEpoch', 'TransactionState', 'TransactionTimeoutMs', 'CurrentTransactionStartTimeMs', 'TransactionDurationMs', 'TopicPartitions'],
    rows: [
      [
        String(d.coordinatorId),
        transactionalId,
        String(d.producerId),
        String(d.producerEpoch),
        d.state,
        String(d.transactionTimeoutMs),
        started ? String(d.transactionStartTimeMs) : 'None',
        started ? String(now - d.transactionStartTimeMs) : 'None',
        d.topicPartitions.map(tpName).join(','),
      ],
    ],
  };
}

async function producersOf(admin: Admin, tps: TopicPartition[], brokerId: number | undefined, what: string): Promise<PartitionProducers[]> {
  const results = await describeProducers(admin.cluster, tps, brokerId).catch((err) => fail(what, err));
  const failed = results.find((r) => r.error);
  if (failed) fail(what, failed.error);
  return results;
}

export async function describeProducersOf(admin: Admin, tp: TopicPartition, brokerId?: number): Promise<Table> {
  const where = brokerId === undefined ? 'leader' : `broker ${brokerId}`;
  const [result] = await producersOf(admin, [tp], brokerId, `Failed to describe producers for partition ${tpName(tp)} on ${where}`);
  return {
    headers: ['ProducerId', 'ProducerEpoch', 'LatestCoordinatorEpoch', 'LastSequence', 'LastTimestamp', 'CurrentTransactionStartOffset'],
    rows: result!.activeProducers.map((p) => [
      String(p.producerId),
      String(p.producerEpoch),
      String(p.coordinatorEpoch),
      String(p.lastSequence),
      String(p.lastTimestamp),
      p.currentTransactionStartOffset >= 0 ? String(p.currentTransactionStartOffset) : 'None',
    ]),
  };
}

export interface AbortOptions {
  startOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  coordinatorEpoch?: number;
}

/** Abort a hanging transaction: by its start offset (found with DescribeProducers), or by explicit producer id, epoch and coordinator epoch. */
export async function abort(admin: Admin, tp: TopicPartition, o: AbortOptions): Promise<void> {
  if (o.startOffset === undefined && o.producerId === undefined) {
    fail('The transaction to abort must be identified either with --start-offset (for brokers on 3.0 or above) or with --producer-id, --producer-epoch, and --coordinator-epoch (for older brokers)');
  }
  let spec: { producerId: number; producerEpoch: number; coordinatorEpoch: number };
  if (o.startOffset === undefined) {
    if (o.producerEpoch === undefined) fail('Missing required argument --producer-epoch');
    if (o.coordinatorEpoch === undefined) fail('Missing required argument --coordinator-epoch');
    // A transaction left hanging before its first marker shows coordinator epoch -1: 0 is at most any real one.
    spec = { producerId: o.producerId!, producerEpoch: o.producerEpoch!, coordinatorEpoch: Math.max(0, o.coordinatorEpoch!) };
  } else {
    const [result] = await producersOf(admin, [tp], undefined, `Failed to validate producer state for partition ${tpName(tp)}`);
    const open = result!.activeProducers.find((p) => p.currentTransactionStartOffset === o.startOffset);
    if (!open) fail(`Could not find any open transactions starting at offset ${o.startOffset} on partition ${tpName(tp)}`);
    spec = { producerId: open!.producerId, producerEpoch: open!.producerEpoch, coordinatorEpoch: Math.max(0, open!.coordinatorEpoch) };
  }
  const described = `AbortTransactionSpec(topicPartition=${tpName(tp)}, producerId=${spec.producerId}, producerEpoch=${spec.producerEpoch}, coordinatorEpoch=${spec.coordinatorEpoch})`;
  await abortTransaction(admin.cluster, { ...tp, ...spec }).catch((err) => fail(`Failed to abort transaction ${described}`, err));
}

export interface FindHangingOptions {
  brokerId?: number;
  topic?: string;
  partition?: number;
  maxTransactionTimeoutMinutes: number;
}

export async function findHanging(admin: Admin, o: FindHangingOptions, now = Date.now()): Promise<Table> {
  const headers = ['Topic', 'Partition', 'ProducerId', 'ProducerEpoch', 'CoordinatorEpoch', 'StartOffset', 'LastTimestamp', 'Duration(min)'];
  if (o.topic === undefined && o.brokerId === undefined) fail('The `find-hanging` command requires either --topic or --broker-id to limit the scope of the search');
  if (o.partition !== undefined && o.topic === undefined) fail('The --partition argument requires --topic to be provided');
  const maxTimeoutMs = o.maxTransactionTimeoutMinutes * 60_000;
  const partitions = await partitionsToSearch(admin, o);
  const where = `Failed to describe producers for ${partitions.length} partitions on broker ${o.brokerId === undefined ? 'Optional.empty' : `Optional[${o.brokerId}]`}`;
  const open = partitions.length === 0 ? [] : (await producersOf(admin, partitions, o.brokerId, where)).flatMap((r) =>
    r.activeProducers.filter((p) => p.currentTransactionStartOffset >= 0 && now - p.lastTimestamp > maxTimeoutMs).map((p) => ({ tp: { topic: r.topic, partition: r.partition }, p })),
  );
  const hanging: typeof open = [];
  if (open.length > 0) {
    const producerIds = [...new Set(open.map((t) => t.p.producerId))];
    const listed = await listTransactions(admin.cluster, { producerIds }).catch((err) => fail(`Failed to list transactions for ${producerIds.length} producers`, err));
    const idOf = new Map<number, string>();
    for (const listings of listed.values()) for (const l of listings) if (producerIds.includes(l.producerId)) idOf.set(l.producerId, l.transactionalId);
    const descriptions = new Map<string, TransactionDescription | null>();
    for (const id of new Set(idOf.values())) {
      try {
        descriptions.set(id, await describeTransaction(admin.cluster, id));
      } catch (err) {
        if (err instanceof KafkaError && err.code === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND) descriptions.set(id, null);
        else fail(`Failed to describe ${idOf.size} transactions`, err);
      }
    }
    for (const t of open) {
      const id = idOf.get(t.p.producerId);
      const description = id === undefined ? null : descriptions.get(id);
      // The coordinator still lists the partition while it means to write its marker: not hanging.
      if (!description || !description.topicPartitions.some((tp) => tp.topic === t.tp.topic && tp.partition === t.tp.partition)) hanging.push(t);
    }
  }
  const rows = hanging.map(({ tp, p }) => [
    tp.topic,
    String(tp.partition),
    String(p.producerId),
    String(p.producerEpoch),
    String(p.coordinatorEpoch),
    String(p.currentTransactionStartOffset),
    String(p.lastTimestamp),
    String(Math.floor((now - p.lastTimestamp) / 60_000)),
  ]);
  return { headers, rows };
}

async function partitionsToSearch(admin: Admin, o: FindHangingOptions): Promise<TopicPartition[]> {
  if (o.topic !== undefined && o.partition !== undefined) return [{ topic: o.topic, partition: o.partition }];
  const topics = o.topic !== undefined ? [o.topic] : (await admin.listTopics().catch((err) => fail('Failed to list topics', err))).map((t) => t.name);
  if (topics.length === 0) return [];
  const described = await admin.describeTopics(topics).catch((err) => fail(`Failed to describe ${topics.length} topics`, err));
  return described.flatMap((d) => d.partitions.filter((p) => o.brokerId === undefined || p.replicas.includes(o.brokerId)).map((p) => ({ topic: d.name, partition: p.partition })));
}
