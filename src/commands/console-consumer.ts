import { Flags } from '@oclif/core';
import { consumerConfigFrom } from '../engine/client/consumer-config.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { consoleConsumerProps } from '../cli/console-consumer-props.js';
import { recordSource } from '../cli/console-source.js';
import { MessageFormatter, formatterConfig } from '../cli/message-formatter.js';
import { propertyMap } from '../cli/properties.js';

export default class ConsoleConsumer extends KtCommand {
  static override summary = 'Print records from a topic to standard output, like kafka-console-consumer.sh.';
  static override description =
    'Joins a consumer group (--group, or group.id in --consumer-property / --consumer.config) and reads the partitions it is ' +
    'given, starting at the group\'s committed offsets (--from-beginning: the earliest record where the group has none); it ' +
    'commits every auto.commit.interval.ms and on exit, then leaves the group. Without a group it uses a new one, ' +
    'console-consumer-<random>, with auto commit off. --partition reads one partition by assignment, without a group. ' +
    'Prints "Processed a total of N messages" on standard error when it stops: at --max-messages, after --timeout-ms ' +
    'without a record, or on Ctrl-C.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic quickstart-events --from-beginning --bootstrap-server localhost:9092',
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning --property print.key=true --property key.separator=:',
    '<%= config.bin %> <%= command.id %> --topic orders --group billing --from-beginning',
    '<%= config.bin %> <%= command.id %> --include "orders-.*" --group audit --consumer-property auto.commit.interval.ms=1000',
    '<%= config.bin %> <%= command.id %> --topic orders --partition 2 --offset 100 --max-messages 10',
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning --property print.timestamp=true --property print.partition=true --property print.offset=true --property print.headers=true --timeout-ms 5000',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    topic: Flags.string({ description: 'The topic to consume from.' }),
    include: Flags.string({ description: 'Regular expression of the topics to consume (instead of --topic).' }),
    group: Flags.string({ description: 'The consumer group id of the consumer (it commits what it consumed).' }),
    partition: Flags.integer({ description: 'The partition to consume from, by assignment without a group (default: all partitions).', min: 0 }),
    offset: Flags.string({ description: "The offset to start from with --partition: a non-negative number, 'earliest' or 'latest' (default)." }),
    'from-beginning': Flags.boolean({
      description: 'If the consumer does not already have an established offset to consume from, start with the earliest record present rather than the latest.',
    }),
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

    const { props } = consoleConsumerProps({
      group: flags.group,
      partition: flags.partition,
      fromBeginning: flags['from-beginning'],
      consumerProperties: flags['consumer-property'],
      consumerConfigFile: flags['consumer.config'],
      isolationLevel: flags['isolation-level'],
    });
    const { config } = consumerConfigFrom(props);
    const formatter = new MessageFormatter(formatterConfig(propertyMap(flags.property, '--property')));

    const clusterOptions = { bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'] };
    const source = recordSource({ config, clusterOptions, topic: flags.topic, include: flags.include, partition: flags.partition, start });
    let processed = 0;
    let stopping = false;
    const stop = () => {
      stopping = true;
      source.wakeup();
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
      await source.open();
      const max = flags['max-messages'] ?? Infinity;
      const idleLimit = flags['timeout-ms'] ?? Infinity;
      let lastRecordAt = Date.now();
      while (!stopping && processed < max) {
        const idleLeft = idleLimit - (Date.now() - lastRecordAt);
        if (idleLeft <= 0) break;
        const records = await source.poll(Math.min(idleLeft, 1000));
        if (records.length === 0) continue;
        lastRecordAt = Date.now();
        // Records not printed (past --max-messages, or stopping) are given back, so they are not committed.
        const printed = stopping ? 0 : Math.min(records.length, max - processed);
        source.giveBack(records.slice(printed));
        const out: Buffer[] = [];
        for (const r of records.slice(0, printed)) formatter.writeTo(r, out);
        processed += printed;
        await write(Buffer.concat(out));
      }
    } finally {
      await source.close();
      process.stderr.write(`Processed a total of ${processed} messages\n`);
    }
    this.exit(0);
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
