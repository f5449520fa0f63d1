import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Flags } from '@oclif/core';
import { Producer, type ProducerRecord } from '../engine/client/producer.js';
import { COMPRESSION_CODECS, producerConfigFrom } from '../engine/client/producer-config.js';
import { parseProperties } from '../engine/config/properties.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { LineParser, isPlainValue, lineReaderConfig } from '../cli/line-reader.js';
import { propertyMap } from '../cli/properties.js';
import { lineBatches } from '../cli/stdin-lines.js';

export default class ConsoleProducer extends KtCommand {
  static override summary = 'Read records from standard input and publish them, like kafka-console-producer.sh.';
  static override description =
    'One record per line. With --property parse.key=true each line is key<key.separator>value; with parse.headers=true ' +
    'headers come first as h1:v1,h2:v2<headers.delimiter>. Flushes and exits 0 at the end of input; prompts with ">" only on a terminal. ' +
    'The producer is idempotent unless --producer-property enable.idempotence=false (or acks other than all); with ' +
    '--producer-property transactional.id=ID each line is its own transaction, committed before the next line is read.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic quickstart-events --bootstrap-server localhost:9092',
    "<%= config.bin %> <%= command.id %> --topic orders --property parse.key=true --property key.separator=:",
    '<%= config.bin %> <%= command.id %> --topic orders --property parse.headers=true --property parse.key=true < records.txt',
    'seq 1000000 | <%= config.bin %> <%= command.id %> --topic numbers --producer-property linger.ms=20 --compression-codec lz4',
    '<%= config.bin %> <%= command.id %> --topic payments --producer-property transactional.id=payments-cli',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    topic: Flags.string({ description: 'The topic to produce messages to.', required: true }),
    property: Flags.string({
      description:
        'A line reader property: parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, ignore.error, null.marker (repeatable).',
      multiple: true,
    }),
    'producer-property': Flags.string({ description: 'A producer config as key=value, e.g. acks=1, linger.ms=5, batch.size, compression.type, enable.idempotence=false, transactional.id=ID (repeatable).', multiple: true }),
    'producer.config': Flags.string({ description: 'Producer config properties file (--producer-property wins).' }),
    'compression-codec': Flags.string({ description: "The compression codec: 'none', 'gzip', 'snappy', 'lz4' or 'zstd'.", options: Object.keys(COMPRESSION_CODECS) }),
    'request-required-acks': Flags.string({ description: 'The required acks of the producer requests: all, -1, 0 or 1 (default -1).' }),
    'batch-size': Flags.integer({ description: 'Batch size in bytes per partition (batch.size, default 16384).', min: 1 }),
    timeout: Flags.integer({ description: 'How long a record may wait for its batch to fill, in ms (linger.ms, default 1000).', min: 0 }),
    'request-timeout-ms': Flags.integer({ description: 'The ack timeout of the producer requests (request.timeout.ms, default 1500).', min: 1 }),
    'message-send-max-retries': Flags.integer({ description: 'Retries on retriable errors (retries, default 3).', min: 0 }),
    'retry-backoff-ms': Flags.integer({ description: 'Wait before refreshing metadata and retrying (retry.backoff.ms, default 100).', min: 0 }),
    'max-block-ms': Flags.integer({ description: 'How long to wait for a topic\'s metadata (max.block.ms, default 60000).', min: 0 }),
    'max-memory-bytes': Flags.integer({ description: 'Total memory for buffering unsent records (buffer.memory, default 33554432).', min: 1 }),
    'max-partition-memory-bytes': Flags.integer({ description: 'Same as --batch-size (batch.size).', min: 1 }),
    sync: Flags.boolean({ description: 'Send each record synchronously, waiting for its acknowledgement.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsoleProducer);
    const props = new Map<string, string>();
    if (flags['producer.config']) for (const [k, v] of parseProperties(readFileSync(flags['producer.config'], 'utf8'))) props.set(k, v);
    for (const [k, v] of propertyMap(flags['producer-property'], '--producer-property')) props.set(k, v);
    // Kafka's maybeMergeOptions: an explicit flag wins, a flag's default only fills a gap.
    const merge = (key: string, value: string | number | boolean | undefined, fallback: string) => {
      if (value !== undefined) props.set(key, String(value));
      else if (!props.has(key)) props.set(key, fallback);
    };
    merge('compression.type', flags['compression-codec'], 'none');
    merge('acks', flags['request-required-acks'], '-1');
    merge('linger.ms', flags.timeout, '1000');
    merge('batch.size', flags['max-partition-memory-bytes'] ?? flags['batch-size'], '16384');
    merge('request.timeout.ms', flags['request-timeout-ms'], '1500');
    merge('retries', flags['message-send-max-retries'], '3');
    merge('retry.backoff.ms', flags['retry-backoff-ms'], '100');
    merge('max.block.ms', flags['max-block-ms'], '60000');
    merge('buffer.memory', flags['max-memory-bytes'], '33554432');
    if (!props.has('client.id')) props.set('client.id', 'console-producer');

    const { config } = producerConfigFrom(props);
    const reader = lineReaderConfig(propertyMap(flags.property, '--property'));
    const producer = new Producer({
      ...config,
      clusterOptions: { bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'], requestTimeoutMs: Math.max(config.requestTimeoutMs, 5000) },
    });
    await producer.connect().catch((err) => {
      producer.cluster.close();
      throw err;
    });

    let stopping = false;
    const stop = () => {
      stopping = true;
      process.stdin.destroy();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    const topic = flags.topic;
    const parser = isPlainValue(reader) ? null : new LineParser(reader);
    let lineNumber = 0;
    const toRecord = (line: Buffer): ProducerRecord => {
      lineNumber++;
      if (!parser) return { topic, value: line };
      const parsed = parser.parse(line.toString('utf8'), lineNumber);
      return { topic, key: parsed.key, value: parsed.value, headers: parsed.headers };
    };
    const transactional = config.transactionalId !== undefined;
    try {
      if (transactional) await producer.initTransactions();
      for await (const lines of inputLines()) {
        for (const line of lines) {
          const record = toRecord(line);
          if (transactional) await oneTransaction(producer, record);
          else if (flags.sync) await producer.produce(record);
          else producer.send(record);
        }
        if (producer.firstError) break;
        if (producer.bufferFull) await producer.waitForSpace();
        if (stopping) break;
      }
    } catch (err) {
      if (!stopping) throw err;
    } finally {
      await producer.close();
    }
    if (producer.firstError) throw producer.firstError;
    this.exit(0);
  }
}

/** One line, one transaction: the commit sends it at once (no lingering); a failure aborts and reports the cause. */
async function oneTransaction(producer: Producer, record: ProducerRecord): Promise<void> {
  let failed: Error | null = null;
  producer.beginTransaction();
  producer.send(record, (err) => {
    if (err) failed ??= err;
  });
  try {
    await producer.commitTransaction();
  } catch (err) {
    await producer.abortTransaction().catch(() => undefined);
    throw failed ?? err;
  }
}

/** Lines of stdin: streamed in chunks when piped, read one at a time behind a ">" prompt on a terminal. */
async function* inputLines(): AsyncGenerator<Buffer[]> {
  if (!process.stdin.isTTY) {
    yield* lineBatches(process.stdin);
    return;
  }
  const rl = createInterface({ input: process.stdin, terminal: false });
  process.stdout.write('>');
  for await (const line of rl) {
    yield [Buffer.from(line)];
    process.stdout.write('>');
  }
}
