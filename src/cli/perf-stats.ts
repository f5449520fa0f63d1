/**
 * The figures kafka-producer-perf-test.sh and kafka-consumer-perf-test.sh print, computed and
 * formatted as Kafka's ProducerPerformance.Stats and ConsumerPerformance do.
 */
import { fixed, formatDate } from './java-format.js';

const MB = 1024 * 1024;

/** Per-send latencies and throughput windows; prints a line every reporting interval. */
export class ProducerStats {
  private readonly start: number;
  private readonly sampling: number;
  private readonly latencies: Int32Array;
  private index = 0;
  private iteration = 0;
  private count = 0;
  private bytes = 0;
  private maxLatency = 0;
  private totalLatency = 0;
  private windowStart: number;
  private windowCount = 0;
  private windowMaxLatency = 0;
  private windowTotalLatency = 0;
  private windowBytes = 0;

  constructor(
    numRecords: number,
    private readonly print: (line: string) => void,
    private readonly now: () => number = Date.now,
    private readonly reportingIntervalMs = 5000,
  ) {
    this.start = now();
    this.windowStart = this.start;
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, 500000)));
    this.latencies = new Int32Array(Math.floor(numRecords / this.sampling) + 1);
  }

  record(latency: number, bytes: number, time: number): void {
    this.count++;
    this.bytes += bytes;
    this.totalLatency += latency;
    this.maxLatency = Math.max(this.maxLatency, latency);
    this.windowCount++;
    this.windowBytes += bytes;
    this.windowTotalLatency += latency;
    this.windowMaxLatency = Math.max(this.windowMaxLatency, latency);
    if (this.iteration % this.sampling === 0 && this.index < this.latencies.length) this.latencies[this.index++] = latency;
    if (time - this.windowStart >= this.reportingIntervalMs) {
      this.printWindow();
      this.newWindow();
    }
    this.iteration++;
  }

  get recorded(): number {
    return this.count;
  }

  printWindow(): void {
    const elapsed = this.now() - this.windowStart;
    const recsPerSec = (1000 * this.windowCount) / elapsed;
    const mbPerSec = (1000 * this.windowBytes) / elapsed / MB;
    this.print(
      `${this.windowCount} records sent, ${fixed(recsPerSec, 1)} records/sec (${fixed(mbPerSec, 2)} MB/sec), ` +
        `${fixed(this.windowTotalLatency / this.windowCount, 1)} ms avg latency, ${fixed(this.windowMaxLatency, 1)} ms max latency.`,
    );
  }

  private newWindow(): void {
    this.windowStart = this.now();
    this.windowCount = 0;
    this.windowMaxLatency = 0;
    this.windowTotalLatency = 0;
    this.windowBytes = 0;
  }

  totalLine(): string {
    const elapsed = this.now() - this.start;
    const recsPerSec = (1000 * this.count) / elapsed;
    const mbPerSec = (1000 * this.bytes) / elapsed / MB;
    const [p50, p95, p99, p999] = percentiles(this.latencies.subarray(0, this.index), [0.5, 0.95, 0.99, 0.999]);
    return (
      `${this.count} records sent, ${fixed(recsPerSec, 6)} records/sec (${fixed(mbPerSec, 2)} MB/sec), ` +
      `${fixed(this.totalLatency / this.count, 2)} ms avg latency, ${fixed(this.maxLatency, 2)} ms max latency, ` +
      `${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`
    );
  }
}

/** Kafka's percentiles: sort the samples and take the value at floor(p * size). */
export function percentiles(samples: Int32Array, ps: readonly number[]): number[] {
  const sorted = Int32Array.from(samples).sort();
  return ps.map((p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!));
}

/** kafka-producer-perf-test.sh's --throughput: sleep so that sends average `perSec`. */
export class ThroughputThrottler {
  private readonly sleepTimeNs: number;
  private sleepDeficitNs = 0;

  constructor(
    private readonly perSec: number,
    private readonly startMs: number,
  ) {
    this.sleepTimeNs = perSec > 0 ? 1e9 / perSec : 0;
  }

  /** How long to pause after `amountSoFar` sends at `sendStartMs`; 0 when on pace. */
  pauseMs(amountSoFar: number, sendStartMs: number): number {
    if (this.perSec < 0) return 0;
    const elapsedSec = (sendStartMs - this.startMs) / 1000;
    if (!(elapsedSec > 0 && amountSoFar / elapsedSec > this.perSec)) return 0;
    this.sleepDeficitNs += this.sleepTimeNs;
    if (this.sleepDeficitNs < 1_000_000) return 0;
    const ms = Math.floor(this.sleepDeficitNs / 1_000_000);
    this.sleepDeficitNs -= ms * 1_000_000;
    return ms;
  }
}

export const CONSUMER_PERF_HEADER =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';
export const CONSUMER_PERF_DETAILED_HEADER =
  'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

export interface ConsumerTotals {
  startMs: number;
  endMs: number;
  bytes: number;
  messages: number;
  joinTimeMs: number;
}

export function consumerSummaryLine(t: ConsumerTotals, dateFormat: string): string {
  const elapsedSec = (t.endMs - t.startMs) / 1000;
  const fetchTimeMs = t.endMs - t.startMs - t.joinTimeMs;
  const mb = t.bytes / MB;
  return [
    formatDate(t.startMs, dateFormat),
    formatDate(t.endMs, dateFormat),
    fixed(mb, 4),
    fixed(mb / elapsedSec, 4),
    String(t.messages),
    fixed(t.messages / elapsedSec, 4),
    String(t.joinTimeMs),
    String(fetchTimeMs),
    fixed(mb / (fetchTimeMs / 1000), 4),
    fixed(t.messages / (fetchTimeMs / 1000), 4),
  ].join(', ');
}

/** One --show-detailed-stats line for the interval [startMs, endMs]. */
export function consumerProgressLine(
  o: { bytes: number; lastBytes: number; messages: number; lastMessages: number; startMs: number; endMs: number; joinTimeMs: number },
  dateFormat: string,
): string {
  const elapsedMs = o.endMs - o.startMs;
  const intervalMb = (o.bytes - o.lastBytes) / MB;
  const fetchTimeMs = elapsedMs - o.joinTimeMs;
  return [
    formatDate(o.endMs, dateFormat),
    '0',
    fixed(o.bytes / MB, 4),
    fixed((1000 * intervalMb) / elapsedMs, 4),
    String(o.messages),
    fixed(((o.messages - o.lastMessages) / elapsedMs) * 1000, 4),
    String(o.joinTimeMs),
    String(fetchTimeMs),
    fixed(fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs, 4),
    fixed(fetchTimeMs <= 0 ? 0 : (1000 * (o.messages - o.lastMessages)) / fetchTimeMs, 4),
  ].join(', ');
}
