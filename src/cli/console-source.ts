/**
 * Where kafka-console-consumer.sh reads from: with --partition, that one partition by assignment
 * from --offset; otherwise a subscription (--topic, or the --include pattern) as a member of the
 * consumer group, which starts at the group's committed offsets and commits as it goes.
 */
import type { ClusterOptions } from '../engine/client/cluster.js';
import { Consumer, type ConsumerRecord, type TopicPartition } from '../engine/client/consumer.js';
import type { ConsumerConfig } from '../engine/client/consumer-config.js';
import { GroupConsumer } from '../engine/client/group/group-consumer.js';
import { tpKey } from '../engine/client/list-offsets.js';

export interface RecordSource {
  poll(timeoutMs: number): Promise<ConsumerRecord[]>;
  /** Make a poll in progress return now (Ctrl-C). */
  wakeup(): void;
  /** Records polled but not printed (--max-messages reached): not to be committed as consumed. */
  giveBack(records: readonly ConsumerRecord[]): void;
  close(): Promise<void>;
}

export interface SourceOptions {
  config: ConsumerConfig;
  clusterOptions: ClusterOptions;
  topic?: string;
  include?: string;
  partition?: number;
  /** --offset with --partition. */
  start: number | 'earliest' | 'latest';
}

/** A source that is not connected yet (so Ctrl-C can wake it while it connects). */
export function recordSource(options: SourceOptions): RecordSource & { open(): Promise<void> } {
  return options.partition !== undefined ? partitionSource(options, options.partition) : groupSource(options);
}

function partitionSource(options: SourceOptions, partition: number): RecordSource & { open(): Promise<void> } {
  const consumer = new Consumer({ ...options.config, clusterOptions: options.clusterOptions });
  const tp: TopicPartition = { topic: options.topic!, partition };
  return {
    async open() {
      await consumer.connect();
      await consumer.assign([tp]);
      if (typeof options.start === 'number') consumer.seek(tp, options.start);
      else if (options.start === 'earliest') await consumer.seekToBeginning([tp]);
      else await consumer.seekToEnd([tp]);
    },
    poll: (ms) => consumer.poll(ms),
    wakeup: () => consumer.wakeup(),
    giveBack: () => undefined, // nothing is committed without a group
    close: async () => consumer.close(),
  };
}

function groupSource(options: SourceOptions): RecordSource & { open(): Promise<void> } {
  const consumer = new GroupConsumer({ ...options.config, clusterOptions: options.clusterOptions });
  return {
    async open() {
      await consumer.connect();
      if (options.topic !== undefined) {
        await consumer.consumer.partitionsFor(options.topic); // a missing topic is an error, not a wait
        consumer.subscribe([options.topic]);
      } else {
        consumer.subscribe(includePattern(options.include!));
      }
    },
    poll: (ms) => consumer.poll(ms),
    wakeup: () => consumer.wakeup(),
    giveBack(records) {
      // As Kafka's ConsumerWrapper.resetUnconsumedOffsets: rewind to the first record not printed.
      const first = new Map<string, ConsumerRecord>();
      for (const r of records) if (!first.has(tpKey(r.topic, r.partition))) first.set(tpKey(r.topic, r.partition), r);
      for (const r of first.values()) consumer.seek(r, r.offset);
    },
    close: () => consumer.close(),
  };
}

function includePattern(include: string): RegExp {
  try {
    return new RegExp(include);
  } catch {
    throw new Error(`${include} is an invalid regex.`);
  }
}
