import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { Consumer } from '../engine/client/consumer.js';
import { consumerConfigFrom } from '../engine/client/consumer-config.js';
import { parseProperties } from '../engine/config/properties.js';
import { KtCommand, bootstrapFlag, connectTimeoutFlag } from '../cli/base-command.js';
import { CONSUMER_PERF_DETAILED_HEADER, CONSUMER_PERF_HEADER, consumerProgressLine, consumerSummaryLine } from '../cli/perf-stats.js';

export default class ConsumerPerfTest extends KtCommand {
  static override summary = 'Measure consumer throughput, like kafka-consumer-perf-test.sh.';
  static override description =
    'Reads --messages records from every partition of --topic (by assignment, from the earliest offset unless ' +
    '--from-latest) and prints Kafka\'s CSV-style summary line. Stops early, with a warning, when no record arrives for --timeout ms.';
  static override examples = [
    '<%= config.bin %> <%= command.id %> --bootstrap-server localhost:9092 --topic perf --messages 1000000',
    '<%= config.bin %> <%= command.id %> --topic perf --messages 100000 --show-detailed-stats --reporting-interval 1000',
  ];
  static override flags = {
    'bootstrap-server': bootstrapFlag(),
    'connect-timeout-ms': connectTimeoutFlag(),
    topic: Flags.string({ description: 'The topic to consume from.', required: true }),
    messages: Flags.integer({ description: 'The number of messages to consume.', required: true, min: 1 }),
    timeout: Flags.integer({ description: 'The maximum allowed time in milliseconds between returned records.', default: 10_000, min: 0 }),
    'from-latest': Flags.boolean({ description: 'Start with the latest message present in the log rather than the earliest.' }),
    'fetch-size': Flags.integer({ description: 'The amount of data to fetch per partition in a single request.', default: 1024 * 1024, min: 1 }),
    'show-detailed-stats': Flags.boolean({ description: 'Report stats for each reporting interval.' }),
    'reporting-interval': Flags.integer({ description: 'Interval in milliseconds at which to print progress info.', default: 5000, min: 1 }),
    'hide-header': Flags.boolean({ description: 'Skip printing the header for the stats.' }),
    'date-format': Flags.string({ description: 'The date format to use for formatting the time field (Java SimpleDateFormat letters).', default: 'yyyy-MM-dd HH:mm:ss:SSS' }),
    'consumer.config': Flags.string({ description: 'Consumer config properties file.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ConsumerPerfTest);
    const props = new Map<string, string>();
    if (flags['consumer.config']) for (const [k, v] of parseProperties(readFileSync(flags['consumer.config'], 'utf8'))) props.set(k, v);
    if (!props.has('max.partition.fetch.bytes')) props.set('max.partition.fetch.bytes', String(flags['fetch-size']));
    props.set('auto.offset.reset', flags['from-latest'] ? 'latest' : 'earliest');
    if (!props.has('client.id')) props.set('client.id', 'perf-consumer-client');
    const { config } = consumerConfigFrom(props);
    const dateFormat = flags['date-format'];
    const detailed = flags['show-detailed-stats'];
    if (!flags['hide-header']) this.log(detailed ? CONSUMER_PERF_DETAILED_HEADER : CONSUMER_PERF_HEADER);

    const consumer = new Consumer({ ...config, clusterOptions: { bootstrap: flags['bootstrap-server'], connectTimeoutMs: flags['connect-timeout-ms'] } });
    const startMs = Date.now();
    let messages = 0;
    let bytes = 0;
    try {
      await consumer.connect();
      const tps = await consumer.partitionsFor(flags.topic);
      await consumer.assign(tps);
      if (flags['from-latest']) await consumer.seekToEnd(tps);
      else await consumer.seekToBeginning(tps);

      let now = Date.now();
      let lastReport = now;
      let lastConsumed = now;
      let lastMessages = 0;
      let lastBytes = 0;
      while (messages < flags.messages && now - lastConsumed <= flags.timeout) {
        const records = await consumer.poll(100);
        now = Date.now();
        if (records.length > 0) lastConsumed = now;
        for (const r of records) {
          messages++;
          bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
        }
        if (now - lastReport >= flags['reporting-interval']) {
          if (detailed) {
            this.log(consumerProgressLine({ bytes, lastBytes, messages, lastMessages, startMs: lastReport, endMs: now, joinTimeMs: 0 }, dateFormat));
          }
          lastReport = now;
          lastMessages = messages;
          lastBytes = bytes;
        }
      }
      if (messages < flags.messages) {
        this.log(
          `WARNING: Exiting before consuming the expected number of messages: timeout (${flags.timeout} ms) exceeded. You can use the --timeout option to increase the timeout.`,
        );
      }
    } finally {
      consumer.close();
    }
    const endMs = Date.now();
    if (!detailed) this.log(consumerSummaryLine({ startMs, endMs, bytes, messages, joinTimeMs: 0 }, dateFormat));
    this.exit(0);
  }
}
