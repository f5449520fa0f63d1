import { readFileSync } from 'node:fs';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { Flags } from '@oclif/core';
import { Producer } from '../engine/client/producer.js';
import { producerConfigFrom } from '../engine/client/producer-config.js';
import { parseProperties } from '../engine/config/properties.js';
import { randomUuid } from '../engine/metadata/meta-properties.js';
import { KtCommand, connectTimeoutFlag } from '../cli/base-command.js';
import { ProducerStats, ThroughputThrottler } from '../cli/perf-stats.js';
import { propertyMap } from '../cli/properties.js';

/** Distinct random payloads cycled through: random enough for compression, cheap enough for Node. */
const PAYLOAD_POOL = 1024;

/** Kafka's ProducerPerformance defaults when transactions are on. */
export const DEFAULT_TRANSACTION_ID_PREFIX = 'performance-producer-';
export const DEFAULT_TRANSACTION_DURATION_MS = 3000;

/**
 * Kafka's rule: transactions are on when --transactional-id or --transaction-duration-ms is given or
 * the producer properties hold a transactional.id. The flag's id wins over the properties'; with
 * neither, performance-producer-<random uuid>. Sets transactional.id in `props`; null: no transactions.
 */
export function transactionSettings(
  props: Map<string, string>,
  transactionalId: string | undefined,
  durationMs: number | undefined,
): { transactionalId: string; durationMs: number } | null {
  if (durationMs !== undefined && durationMs <= 0) throw new Error('--transaction-duration-ms should be greater than zero.');
  if (transactionalId === undefined && durationMs === undefined && !props.has('transactional.id')) return null;
  const id = transactionalId ?? props.get('transactional.id') ?? DEFAULT_TRANSACTION_ID_PREFIX + randomUuid();
  props.set('transactional.id', id);
  return { transactionalId: id, durationMs: durationMs ?? DEFAULT_TRANSACTION_DURATION_MS };
}

export default class ProducerPerfTest extends KtCommand {
  static override summary = 'Measure producer throughput and latency, like kafka-producer-perf-test.sh.';
  static override description =
    'Sends --num-records records of --record-size random bytes, printing a line every 5 seconds and a summary with ' +
    'records/sec, MB/sec, average and maximum latency and the 50th/95th/99th/99.9th latency percentiles. ' +
    'To enable transactions, you can specify a transaction id or set a transaction duration using --transaction-duration-ms. ' +
    'There are three ways to specify the transaction id: set transactional.id=<id> via --producer-props, set ' +
    'transactional.id=<id> in the config file via --producer.config, or use --transactional-id <id>. Each transaction is ' +
    'committed once it is --transaction-duration-ms old, and the last one at the end.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=localhost:9092',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --record-size 1000 --throughput 10000 --producer-props acks=1 linger.ms=5 compression.type=lz4',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --record-size 100 --throughput -1 --transactional-id perf-txn --transaction-duration-ms 1000',
  ];
  static override flags = {
    'bootstrap-server': Flags.string({ description: 'The Kafka server(s) to connect to (default: bootstrap.servers from --producer-props, else localhost:9092).' }),
    'connect-timeout-ms': connectTimeoutFlag(),
    topic: Flags.string({ description: 'Produce messages to this topic.', required: true }),
    'num-records': Flags.integer({ description: 'Number of messages to produce.', required: true }),
    'record-size': Flags.integer({ description: 'Message size in bytes; exactly one of --record-size, --payload-file, --payload-monotonic.' }),
    'payload-file': Flags.string({ description: 'File of UTF-8 payloads (split by --payload-delimiter), chosen at random per record.' }),
    'payload-delimiter': Flags.string({ description: 'Delimiter of the payloads in --payload-file.', default: '\\n' }),
    'payload-monotonic': Flags.boolean({ description: 'Payload is the record number as text.' }),
    throughput: Flags.string({ description: 'Throttle to about this many messages/sec; -1 disables throttling.', required: true }),
    'producer-props': Flags.string({ description: 'Producer configs like bootstrap.servers=host:port acks=1 linger.ms=5 (one or more).', multiple: true }),
    'producer.config': Flags.string({ description: 'Producer config properties file.' }),
    'print-metrics': Flags.boolean({ description: 'Print the producer\'s counters at the end of the test.' }),
    'transactional-id': Flags.string({
      description:
        'The transactional id to use. This config takes precedence over the transactional.id specified via --producer.config ' +
        'or --producer-props. Note that if the transactional id is not specified while --transaction-duration-ms is provided, ' +
        'the default value for the transactional id will be performance-producer- followed by a random uuid.',
    }),
    'transaction-duration-ms': Flags.integer({
      description:
        'The max age of each transaction. The commitTransaction will be called after this time has elapsed. The value should ' +
        'be greater than 0. If the transactional id is specified via --producer-props, --producer.config, or --transactional-id ' +
        'but --transaction-duration-ms is not specified, the default value will be 3000.',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ProducerPerfTest);
    const numRecords = flags['num-records'];
    if (numRecords <= 0) this.error('--num-records should be greater than zero', { exit: 1 });
    const payloadSources = [flags['record-size'] !== undefined, flags['payload-file'] !== undefined, flags['payload-monotonic']].filter(Boolean).length;
    if (payloadSources !== 1) this.error('Exactly one of --record-size, --payload-file or --payload-monotonic must be given', { exit: 1 });
    if (flags['record-size'] !== undefined && flags['record-size'] <= 0) this.error('--record-size should be greater than zero', { exit: 1 });
    const throughput = Number(flags.throughput);
    if (!Number.isFinite(throughput) || throughput === 0) this.error(`--throughput must be a positive number or -1, got ${flags.throughput}`, { exit: 1 });

    const props = new Map<string, string>();
    if (flags['producer.config']) for (const [k, v] of parseProperties(readFileSync(flags['producer.config'], 'utf8'))) props.set(k, v);
    for (const prop of flags['producer-props'] ?? []) {
      const pieces = prop.split('=');
      if (pieces.length !== 2) this.error(`Invalid property: ${prop}`, { exit: 1 });
      props.set(pieces[0]!, pieces[1]!);
    }
    if (!props.has('client.id')) props.set('client.id', 'perf-producer-client');
    let transactions: ReturnType<typeof transactionSettings>;
    try {
      transactions = transactionSettings(props, flags['transactional-id'], flags['transaction-duration-ms']);
    } catch (err) {
      this.error((err as Error).message, { exit: 1 });
    }
    const { config } = producerConfigFrom(props);
    const bootstrap = flags['bootstrap-server'] ?? config.bootstrapServers ?? 'localhost:9092';
    const payloads = this.payloads(flags, numRecords);

    const producer = new Producer({ ...config, clusterOptions: { bootstrap, connectTimeoutMs: flags['connect-timeout-ms'] } });
    await producer.connect().catch((err) => {
      producer.cluster.close();
      throw err;
    });
    if (transactions) await producer.initTransactions();
    const stats = new ProducerStats(numRecords, (line) => this.log(line));
    const startMs = Date.now();
    const throttler = new ThroughputThrottler(throughput, startMs);
    let failures = 0;
    let firstFailure: Error | null = null;
    const topic = flags.topic;
    // As Kafka's ProducerPerformance: begin before a transaction's first record, commit once it is durationMs old.
    let transactionSize = 0;
    let transactionStartMs = 0;
    for (let i = 0; i < numRecords; i++) {
      const value = payloads(i);
      if (transactions && transactionSize === 0) {
        producer.beginTransaction();
        transactionStartMs = Date.now();
      }
      const sendStartMs = Date.now();
      producer.send({ topic, value }, (err) => {
        const now = Date.now();
        if (err) {
          failures++;
          firstFailure ??= err;
        } else stats.record(now - sendStartMs, value.length, now);
      });
      transactionSize++;
      if (transactions && transactions.durationMs <= sendStartMs - transactionStartMs) {
        await this.commit(producer);
        transactionSize = 0;
      }
      const pause = throttler.pauseMs(i, sendStartMs);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      else if (producer.bufferFull) await producer.waitForSpace();
      else if (i % 500 === 499) await yieldToIo();
      if (firstFailure && stats.recorded === 0) break;
    }
    if (transactions && transactionSize > 0) {
      // A failed send makes the transaction abortable: abort it rather than leave it open until its timeout.
      if (firstFailure) await producer.abortTransaction().catch(() => undefined);
      else await this.commit(producer);
    }
    await producer.close();
    this.log(stats.totalLine());
    if (flags['print-metrics']) this.printMetrics(stats.recorded, failures);
    if (firstFailure) this.error(`${failures} records failed: ${(firstFailure as Error).message}`, { exit: 1 });
    this.exit(0);
  }

  /** Commit the open transaction; a failure ends the test (Kafka's tool dies with the exception). */
  private async commit(producer: Producer): Promise<void> {
    try {
      await producer.commitTransaction();
    } catch (err) {
      await producer.close().catch(() => undefined);
      this.error(`Failed to commit the transaction: ${(err as Error).message}`, { exit: 1 });
    }
  }

  /** Kafka's payload choice: fixed-size random uppercase letters, a file's payloads, or the record number. */
  private payloads(flags: { 'record-size'?: number; 'payload-file'?: string; 'payload-delimiter': string; 'payload-monotonic': boolean }, n: number): (i: number) => Buffer {
    if (flags['payload-monotonic']) return (i) => Buffer.from(String(i));
    if (flags['payload-file'] !== undefined) {
      const delimiter = flags['payload-delimiter'] === '\\n' ? '\n' : flags['payload-delimiter'];
      const list = readFileSync(flags['payload-file'], 'utf8')
        .split(delimiter)
        .filter((s) => s.length > 0)
        .map((s) => Buffer.from(s));
      if (list.length === 0) this.error('File does not exist or empty file provided.', { exit: 1 });
      this.log(`Number of messages read: ${list.length}`);
      return () => list[Math.floor(Math.random() * list.length)]!;
    }
    const size = flags['record-size']!;
    const pool = Array.from({ length: Math.min(PAYLOAD_POOL, n) }, () => {
      const b = Buffer.allocUnsafe(size);
      for (let j = 0; j < size; j++) b[j] = 65 + Math.floor(Math.random() * 26);
      return b;
    });
    return (i) => pool[i % pool.length]!;
  }

  private printMetrics(sent: number, failed: number): void {
    const width = 60;
    const rows: [string, number][] = [
      ['producer-metrics:record-send-total:{client-id=perf-producer-client}', sent],
      ['producer-metrics:record-error-total:{client-id=perf-producer-client}', failed],
    ];
    this.log(`\nMetric Name${' '.repeat(width - 11)}Value`);
    for (const [name, value] of rows) this.log(`${name.padEnd(width)}: ${value.toFixed(3)}`);
  }
}
