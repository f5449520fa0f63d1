/** The perf tools' figures and Java-style formatting. */
import { describe, expect, it } from 'vitest';
import { fixed, formatDate } from '../../src/cli/java-format.js';
import { CONSUMER_PERF_HEADER, ProducerStats, ThroughputThrottler, consumerSummaryLine, percentiles } from '../../src/cli/perf-stats.js';

describe('producer perf stats', () => {
  it("prints Kafka's window and summary lines", () => {
    let now = 0;
    const lines: string[] = [];
    const stats = new ProducerStats(10, (l) => lines.push(l), () => now);
    for (let i = 1; i <= 10; i++) {
      now = i * 100;
      stats.record(i, 100, now);
    }
    now = 1000;
    expect(stats.totalLine()).toBe(
      '10 records sent, 10.000000 records/sec (0.00 MB/sec), 5.50 ms avg latency, 10.00 ms max latency, 6 ms 50th, 10 ms 95th, 10 ms 99th, 10 ms 99.9th.',
    );
    expect(lines).toEqual([]);
  });

  it('prints a window line every reporting interval', () => {
    let now = 0;
    const lines: string[] = [];
    const stats = new ProducerStats(1000, (l) => lines.push(l), () => now, 5000);
    now = 5000;
    stats.record(3, 1048576, now);
    expect(lines).toEqual(['1 records sent, 0.2 records/sec (0.20 MB/sec), 3.0 ms avg latency, 3.0 ms max latency.']);
  });

  it('takes percentiles at floor(p * n) of the sorted samples', () => {
    expect(percentiles(Int32Array.from([5, 1, 4, 2, 3]), [0.5, 0.99])).toEqual([3, 5]);
    expect(percentiles(new Int32Array(0), [0.5])).toEqual([0]);
  });

  it('throttles only when ahead of the target rate', () => {
    const t = new ThroughputThrottler(1000, 0);
    expect(t.pauseMs(10, 100)).toBe(0);
    expect(t.pauseMs(500, 100)).toBe(1);
    expect(new ThroughputThrottler(-1, 0).pauseMs(1e9, 1)).toBe(0);
  });
});

describe('consumer perf summary', () => {
  it('has the header and one CSV line', () => {
    expect(CONSUMER_PERF_HEADER).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    const start = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
    const line = consumerSummaryLine({ startMs: start, endMs: start + 2000, bytes: 2 * 1048576, messages: 1000, joinTimeMs: 0 }, 'yyyy-MM-dd HH:mm:ss:SSS');
    expect(line).toBe('2024-01-02 03:04:05:006, 2024-01-02 03:04:07:006, 2.0000, 1.0000, 1000, 500.0000, 0, 2000, 1.0000, 500.0000');
  });

  it('formats like Java', () => {
    expect(fixed(1.005, 1)).toBe('1.0');
    expect(fixed(Infinity, 4)).toBe('Infinity');
    expect(fixed(NaN, 2)).toBe('NaN');
    expect(formatDate(new Date(2024, 11, 31, 23, 5, 9, 42).getTime(), "yy/M/d h:mm a 'at' SSS")).toBe('24/12/31 11:05 PM at 042');
  });
});
