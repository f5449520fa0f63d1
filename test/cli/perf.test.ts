/** kt producer-perf-test and consumer-perf-test print Kafka's summary lines against a real kt server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKt, type RunningKt } from '../helpers/kt.js';
import { kt } from './cli.js';

const NUM = '[0-9]+';
const DEC = '[0-9]+\\.[0-9]+';

describe('perf tools', () => {
  let server: RunningKt;
  beforeAll(async () => {
    server = await startKt({ 'num.partitions': '2' });
  });
  afterAll(() => server.stop());

  it('producer-perf-test sends the records and prints the summary', async () => {
    const res = await kt([
      'producer-perf-test', '--topic', 'perf', '--num-records', '20000', '--record-size', '100', '--throughput', '-1',
      '--producer-props', `bootstrap.servers=${server.bootstrap}`, 'acks=1', 'linger.ms=5', 'compression.type=snappy',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const last = res.stdout.trimEnd().split('\n').pop()!;
    expect(last).toMatch(
      new RegExp(
        `^20000 records sent, ${DEC} records/sec \\(${DEC} MB/sec\\), ${DEC} ms avg latency, ${DEC} ms max latency, ` +
          `${NUM} ms 50th, ${NUM} ms 95th, ${NUM} ms 99th, ${NUM} ms 99\\.9th\\.$`,
      ),
    );
  });

  it('consumer-perf-test reads them back and prints the header and one data line', async () => {
    const res = await kt(['consumer-perf-test', '--bootstrap-server', server.bootstrap, '--topic', 'perf', '--messages', '20000', '--timeout', '5000']);
    expect(res.code, res.stderr).toBe(0);
    const [header, line, ...rest] = res.stdout.trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(header).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    const date = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}';
    expect(line).toMatch(new RegExp(`^${date}, ${date}, 1\\.9073, ${DEC}, 20000, ${DEC}, 0, ${NUM}, ${DEC}, ${DEC}$`));
  });

  it('consumer-perf-test warns when the topic runs dry before --messages', async () => {
    const res = await kt(['consumer-perf-test', '--bootstrap-server', server.bootstrap, '--topic', 'perf', '--messages', '30000', '--timeout', '300', '--hide-header']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'WARNING: Exiting before consuming the expected number of messages: timeout (300 ms) exceeded. You can use the --timeout option to increase the timeout.',
    );
    expect(lines[1]).toMatch(/, 20000, /);
  });

  it('throttles to --throughput', async () => {
    const started = Date.now();
    const res = await kt(['producer-perf-test', '--topic', 'slow', '--num-records', '300', '--payload-monotonic', '--throughput', '500', '--bootstrap-server', server.bootstrap]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^300 records sent, /m);
    expect(Date.now() - started).toBeGreaterThan(500);
  });
});
