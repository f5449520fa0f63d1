/**
 * kt console-producer and console-consumer against a real kt server, as the built binary: keys and
 * headers round trip, Kafka's formatter output, offsets and partitions, 100k piped lines, and
 * clean exits on --max-messages, --timeout-ms, Ctrl-C and errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../../src/engine/client/admin.js';
import { startKt, waitFor, type RunningKt } from '../helpers/kt.js';
import { run } from '../helpers/processes.js';
import { kt, ktSpawn } from './cli.js';

describe('kt console-producer and console-consumer', () => {
  let server: RunningKt;
  let b: string[];

  beforeAll(async () => {
    server = await startKt({ 'auto.create.topics.enable': 'false', 'group.initial.rebalance.delay.ms': '0' });
    b = ['--bootstrap-server', server.bootstrap];
    const admin = new Admin({ bootstrap: server.bootstrap });
    const results = await admin.createTopics([
      { name: 'roundtrip', numPartitions: 3, replicationFactor: 1 },
      { name: 'lines', numPartitions: 1, replicationFactor: 1 },
      { name: 'live', numPartitions: 1, replicationFactor: 1 },
    ]);
    admin.close();
    expect(results.map((r) => r.error)).toEqual([null, null, null]);
  });
  afterAll(() => server.stop());

  it('round-trips keys and headers, printed in Kafka formatter order', async () => {
    const input = ['h1:v1,h2:v2\tuser-1\tfirst', 'trace:abc\tuser-2\tsecond', 'x:\tuser-1\tthird'].join('\n') + '\n';
    const produced = await kt(['console-producer', ...b, '--topic', 'roundtrip', '--property', 'parse.headers=true', '--property', 'parse.key=true'], { input });
    expect(produced.code, produced.stderr).toBe(0);
    expect(produced.stdout).toBe('');

    const consumed = await kt([
      'console-consumer', ...b, '--topic', 'roundtrip', '--from-beginning', '--max-messages', '3',
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.partition=true',
      '--property', 'print.offset=true', '--property', 'print.timestamp=true', '--property', 'key.separator= | ',
    ]);
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stderr).toBe('Processed a total of 3 messages\n');
    const lines = consumed.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l).toMatch(/^CreateTime:\d{13} \| Partition:\d \| Offset:\d \| /);
    const body = lines.map((l) => l.replace(/^CreateTime:\d+ \| /, '')).sort();
    // Keys land where Java's murmur2 partitioner puts them: user-1 and user-2 on their partitions.
    const p1 = body.filter((l) => l.includes('user-1')).map((l) => l.slice(0, 11));
    expect(new Set(p1).size).toBe(1);
    expect(body.map((l) => l.replace(/^Partition:\d \| Offset:\d \| /, '')).sort()).toEqual([
      'h1:v1,h2:v2 | user-1 | first',
      'trace:abc | user-2 | second',
      'x: | user-1 | third',
    ]);
    // kcat (librdkafka) reads the same headers and keys.
    const viaKcat = await run('kcat', ['-b', server.bootstrap, '-C', '-e', '-t', 'roundtrip', '-f', '%k=%s [%h]\n']);
    expect(viaKcat.stdout.trimEnd().split('\n').sort()).toEqual(['user-1=first [h1=v1,h2=v2]', 'user-1=third [x=]', 'user-2=second [trace=abc]']);
  });

  it('pipes 100,000 lines through and reads them back in order', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const produced = await kt(['console-producer', ...b, '--topic', 'lines', '--producer-property', 'acks=1', '--compression-codec', 'lz4'], { input, timeoutMs: 60_000 });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await kt(['console-consumer', ...b, '--topic', 'lines', '--from-beginning', '--max-messages', '100000'], { timeoutMs: 60_000 });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stderr).toBe('Processed a total of 100000 messages\n');
    expect(consumed.stdout).toBe(input);

    const tail = await kt(['console-consumer', ...b, '--topic', 'lines', '--partition', '0', '--offset', '99998', '--timeout-ms', '300', '--property', 'print.offset=true']);
    expect(tail.code).toBe(0);
    expect(tail.stdout).toBe('Offset:99998\tline-99998\nOffset:99999\tline-99999\n');
    expect(tail.stderr).toBe('Processed a total of 2 messages\n');
  });

  it('waits for new records and stops cleanly on SIGINT', async () => {
    // Offset 0 of an empty topic, not "latest": the records must not race the consumer's start.
    const consumer = ktSpawn(['console-consumer', ...b, '--topic', 'live', '--partition', '0', '--offset', '0']);
    await new Promise((r) => setTimeout(r, 300));
    const produced = await kt(['console-producer', ...b, '--topic', 'live', '--timeout', '0'], { input: 'one\ntwo\n' });
    expect(produced.code, produced.stderr).toBe(0);
    await waitFor(() => consumer.stdout === 'one\ntwo\n', 'the consumer to print both records', 15_000);
    consumer.child.kill('SIGINT');
    expect(await consumer.exited).toBe(0);
    expect(consumer.stderr).toBe('Processed a total of 2 messages\n');
  });

  it('reports unknown topics, bad options and unreachable brokers in one line with exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [['console-consumer', ...b, '--topic', 'nope', '--timeout-ms', '100'], /^Error: .*nope.*\nProcessed a total of 0 messages\n$|^Processed a total of 0 messages\nError: .*nope.*\n$/],
      [['console-consumer', ...b, '--topic', 'lines', '--offset', '3'], /^Error: The partition is required when offset is specified\.\n$/],
      [['console-consumer', ...b, '--topic', 'lines', '--partition', '0', '--offset', 'soon'], /^Error: The provided offset value 'soon' is incorrect\./],
      [['console-producer', ...b, '--topic', 'lines', '--property', 'parse.key=true'], /^Error: No key separator found on line number 1: 'no-tab-here'\n$/],
      [['console-producer', ...b, '--topic', 'lines', '--producer-property', 'acks=2'], /^Error: Invalid value 2 for configuration acks/],
      [['console-producer', '--bootstrap-server', '127.0.0.1:1', '--connect-timeout-ms', '500', '--topic', 'lines'], /^Error: Broker not reachable at 127\.0\.0\.1:1 within 500 ms/],
    ];
    for (const [args, stderr] of cases) {
      const res = await kt(args, { input: 'no-tab-here\n' });
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stderr, args.join(' ')).toMatch(stderr);
    }
  });
});
