import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { Admin } from '../engine/client/admin.js';
import { Consumer, type TopicPartition } from '../engine/client/consumer.js';
import { consumerConfigFrom, parseIsolationLevel } from '../engine/client/consumer-config.js';
import { parseProperties } from '../engine/config/properties.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { MessageFormatter, formatterConfig } from '../cli/message-formatter.js';
import { propertyMap } from '../cli/properties.js';
import { IncludeList } from '../cli/topic-filter.js';

export default class ConsoleConsumer extends KtCommand {
  static override summary = 'Print records from a topic to standard output, like kafka-console-consumer.sh.';
  static override description =
    'Reads every partition of the topic (or one with --partition) by assignment; consumer groups are not supported yet. ' +
    'Prints "Processed a total of N messages" on standard error when it stops: at --max-messages, after --timeout-ms ' +
    'without a record, or on Ctrl-C.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic quickstart-events --from-beginning --bootstrap-server localhost:9092',
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning --property print.key=true --property key.separator=:',
    '<%= config.bin %> <%= command.id %> --topic orders --partition 2 --offset 100 --max-messages 10',
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning --property print.timestamp=true --property print.partition=true --property print.offset=true --property print.headers=true --timeout-ms 5000',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    topic: Flags.string({ description: 'The topic to consume from.' }),
    include: Flags.string({ description: 'Regular expression of the topics to consume (instead of --topic).' }),
    partition: Flags.integer({ description: 'The partition to consume from (default: all partitions).', min: 0 }),
    offset: Flags.string({ description: "The offset to start from with --partition: a non-negative number, 'earliest' or 'latest' (default)." }),
    'from-beginning': Flags.boolean({ description: 'Start with the earliest record present rather than the latest.' }),
    'max-messages': Flags.integer({ description: 'Exit after this many records.', min: 0 }),
    'timeout-ms': Flags.integer({ description: 'Exit when no record has arrived for this many milliseconds.', min: 0 }),
    property: Flags.string({
      description:
        'A formatter property: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value, key.separator, line.separator, headers.separator, null.literal (repeatable).',
      multiple: true,
    }),
    'consumer-property': Flags.string({ description: 'A consumer config as key=value, e.g. max.partition.fetch.bytes=1048576 (repeatable).', multiple: true }),
    'consumer.config': Flags.string({ description: 'Consumer config properties file (--consumer-property wins).' }),
    'isolation-level': Flags.string({ description: 'read_committed hides records of aborted transactions; read_uncommitted (default) shows all.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsoleConsumer);
    if ((flags.topic === undefined) === (flags.include === undefined)) this.error('Exactly one of include/topic is required.', { exit: 1 });
    if (flags.partition !== undefined && flags.topic === undefined) this.error('The topic is required when partition is specified.', { exit: 1 });
    if (flags.offset !== undefined && flags.partition === undefined) this.error('The partition is required when offset is specified.', { exit: 1 });
    if (flags['from-beginning'] && flags.offset !== undefined) this.error('Options from-beginning and offset cannot be specified together.', { exit: 1 });
    const start = parseStart(flags.offset, flags['from-beginning']);
    if (start === undefined) {
      this.error(`The provided offset value '${flags.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`, { exit: 1 });
    }

    const props = new Map<string, string>();
    if (flags['consumer.config']) for (const [k, v] of parseProperties(readFileSync(flags['consumer.config'], 'utf8'))) props.set(k, v);
    for (const [k, v] of propertyMap(flags['consumer-property'], '--consumer-property')) props.set(k, v);
    if (flags['isolation-level'] !== undefined) props.set('isolation.level', parseIsolationLevel(flags['isolation-level']));
    if (!props.has('auto.offset.reset')) props.set('auto.offset.reset', start === 'earliest' ? 'earliest' : 'latest');
    if (!props.has('client.id')) props.set('client.id', 'console-consumer');
    const { config } = consumerConfigFrom(props);
    const formatter = new MessageFormatter(formatterConfig(propertyMap(flags.property, '--property')));

    const consumer = new Consumer({ ...config, clusterOptions: { bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'] } });
    let processed = 0;
    let stopping = false;
    const stop = () => {
      stopping = true;
      consumer.wakeup();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // As Kafka's consumer does when its PrintStream fails (e.g. `| head`): stop, and still report.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (!stopping) process.stderr.write('Unable to write to standard out, closing consumer.\n');
      stop();
    });
    try {
      await consumer.connect();
      const tps = await this.assignment(consumer, flags.topic, flags.include, flags.partition);
      await consumer.assign(tps);
      if (typeof start === 'number') for (const tp of tps) consumer.seek(tp, start);
      else if (start === 'earliest') await consumer.seekToBeginning(tps);
      else await consumer.seekToEnd(tps);

      const max = flags['max-messages'] ?? Infinity;
      const idleLimit = flags['timeout-ms'] ?? Infinity;
      let lastRecordAt = Date.now();
      while (!stopping && processed < max) {
        const idleLeft = idleLimit - (Date.now() - lastRecordAt);
        if (idleLeft <= 0) break;
        const records = await consumer.poll(Math.min(idleLeft, 1000));
        if (records.length === 0) continue;
        lastRecordAt = Date.now();
        const out: Buffer[] = [];
        for (const r of records) {
          if (processed >= max) break;
          formatter.writeTo(r, out);
          processed++;
        }
        if (!stopping) await write(Buffer.concat(out));
      }
    } finally {
      consumer.close();
      process.stderr.write(`Processed a total of ${processed} messages\n`);
    }
    this.exit(0);
  }

  private async assignment(consumer: Consumer, topic: string | undefined, include: string | undefined, partition: number | undefined): Promise<TopicPartition[]> {
    if (topic !== undefined) return partition !== undefined ? [{ topic, partition }] : consumer.partitionsFor(topic);
    const filter = new IncludeList(include!);
    const admin = new Admin({ cluster: consumer.cluster });
    const topics = (await admin.listTopics({ listInternal: true })).map((t) => t.name).filter((t) => filter.isTopicAllowed(t, false));
    const all: TopicPartition[] = [];
    for (const t of topics) all.push(...(await consumer.partitionsFor(t)));
    return all;
  }
}

/** --offset / --from-beginning as a start position: an offset, 'earliest', 'latest'; undefined if invalid. */
export function parseStart(offset: string | undefined, fromBeginning: boolean): number | 'earliest' | 'latest' | undefined {
  if (offset === undefined) return fromBeginning ? 'earliest' : 'latest';
  const o = offset.trim().toLowerCase();
  if (o === 'earliest' || o === 'latest') return o;
  if (/^\d+$/.test(o) && Number.isSafeInteger(Number(o))) return Number(o);
  return undefined;
}

function write(chunk: Buffer): Promise<void> {
  if (chunk.length === 0 || process.stdout.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.once('drain', done);
    process.stdout.once('error', done);
  });
}
