/**
 * The log store's figures, each next to its yardstick measured in the same run:
 *
 *  - append throughput with 1 MiB and 16 KiB batches, as a ratio to raw sequential fs.writeSync of
 *    the same bytes to a plain file (target >= 0.9);
 *  - sequential read throughput of a segment through a freshly opened log (fetch-sized reads), next
 *    to a raw sequential readSync of the same file (the page cache cannot be dropped from here, so
 *    "cold" means a log instance that has read nothing yet: no index loaded, no tail cache);
 *  - time of a read at a random offset in partitions of 10^5, 10^6 and 10^7 tiny batches
 *    (target: flat within 1.5x);
 *  - recovery time of 1 GiB of segments after an unclean stop (files left as SIGKILL leaves them:
 *    no clean-shutdown marker, no checkpoint, untrimmed indexes), i.e. a full CRC scan.
 *
 * All data lives under os.tmpdir() and is deleted afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogManager } from '../engine/log/log-manager.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../engine/log/log-config.js';
import { DEFAULT_TAIL_CACHE_BYTES, PartitionLog } from '../engine/log/partition-log.js';
import { buildBatch } from '../engine/records/record-batch.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const quiet = { info() {}, warn() {}, error() {} };

const cfg = (over: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, cleanupPolicy: ['delete'], overrides: {}, ...over });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = (): number => Number(process.hrtime.bigint()) / 1e6;
const gbps = (bytes: number, ms: number): string => `${(bytes / ms / 1e6).toFixed(2)} GB/s`;

function batchOfSize(size: number): Buffer {
  const overhead = buildBatch({ records: [{ value: Buffer.alloc(0), timestamp: 1 }] }).length;
  let valueSize = size - overhead;
  // the value length varint grows with the value: settle on an exact size
  for (let i = 0; i < 4; i++) {
    const b = buildBatch({ records: [{ value: Buffer.alloc(valueSize, 7), timestamp: Date.now() }] });
    if (b.length === size) return b;
    valueSize -= b.length - size;
  }
  return buildBatch({ records: [{ value: Buffer.alloc(valueSize, 7), timestamp: Date.now() }] });
}

function rawWrite(dir: string, batch: Buffer, count: number): number {
  const file = path.join(dir, 'raw.bin');
  const fd = fs.openSync(file, 'w');
  const t0 = now();
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let done = 0;
    while (done < batch.length) done += fs.writeSync(fd, batch, done, batch.length - done, pos + done);
    pos += batch.length;
  }
  const ms = now() - t0;
  fs.closeSync(fd);
  fs.rmSync(file);
  return ms;
}

/**
 * Appends as the broker makes them: each produce request brings its own buffer, which the log may
 * keep views of (retainable). A ring of copies larger than the tail cache stands in for those fresh
 * buffers, so no cached view ever sees its buffer patched again.
 */
function logWrite(dir: string, batch: Buffer, count: number): number {
  const logDir = path.join(dir, 'bench-0');
  const log = PartitionLog.open(logDir, { topic: 'bench', partition: 0, config: cfg(), context: { logger: quiet } });
  const ring = Array.from({ length: Math.min(count, Math.ceil((2 * DEFAULT_TAIL_CACHE_BYTES) / batch.length) + 1) }, () => Buffer.from(batch));
  const t0 = now();
  for (let i = 0; i < count; i++) log.append(ring[i % ring.length]!, { leaderEpoch: 0, retainable: true });
  const ms = now() - t0;
  log.closeUncleanly();
  fs.rmSync(logDir, { recursive: true, force: true });
  return ms;
}

function benchAppend(root: string, batchSize: number, totalBytes: number): string {
  const batch = batchOfSize(batchSize);
  const count = Math.floor(totalBytes / batch.length);
  const raw: number[] = [];
  const log: number[] = [];
  const ratios: number[] = [];
  logWrite(root, batch, Math.min(count, 64)); // warm-up
  // Back-to-back pairs in alternating order; the ratio is the median of the pairs' ratios, which
  // cancels most of the page-cache and writeback noise of a shared machine.
  for (let round = 0; round < 9; round++) {
    let r: number;
    let l: number;
    if (round % 2 === 0) {
      r = rawWrite(root, batch, count);
      l = logWrite(root, batch, count);
    } else {
      l = logWrite(root, batch, count);
      r = rawWrite(root, batch, count);
    }
    raw.push(r);
    log.push(l);
    ratios.push(r / l);
  }
  const bytes = count * batch.length;
  const label = batchSize >= MIB ? '1 MiB' : `${batchSize / 1024} KiB`;
  return `append ${label} batches (${(bytes / MIB).toFixed(0)} MiB): log ${gbps(bytes, median(log))}, raw writeSync ${gbps(bytes, median(raw))}, ratio ${median(ratios).toFixed(3)} (target >= 0.9)`;
}

function benchColdRead(root: string): string {
  const dir = path.join(root, 'cold-0');
  const batch = batchOfSize(16 * 1024);
  const log = PartitionLog.open(dir, { topic: 'cold', partition: 0, config: cfg(), context: { logger: quiet } });
  const count = Math.floor((512 * MIB) / batch.length);
  for (let i = 0; i < count; i++) log.append(batch, { leaderEpoch: 0 });
  log.close();
  const file = path.join(dir, '00000000000000000000.log');
  const size = fs.statSync(file).size;
  const rawMs: number[] = [];
  const logMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.allocUnsafe(MIB);
    let t0 = now();
    for (let pos = 0; pos < size; pos += MIB) fs.readSync(fd, buf, 0, MIB, pos);
    rawMs.push(now() - t0);
    fs.closeSync(fd);
    const fresh = PartitionLog.open(dir, { topic: 'cold', partition: 0, config: cfg(), hadCleanShutdown: true, context: { logger: quiet } });
    t0 = now();
    let at = 0;
    let bytes = 0;
    while (at < fresh.logEndOffset) {
      const r = fresh.read(at, MIB);
      bytes += r.records.length;
      at = r.nextOffset;
    }
    logMs.push(now() - t0);
    if (bytes !== size) throw new Error(`read ${bytes} of ${size} bytes`);
    fresh.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return `sequential read of a 512 MiB segment (16 KiB batches, 1 MiB fetches) through a fresh log: ${gbps(size, median(logMs))}, raw readSync ${gbps(size, median(rawMs))}`;
}

function buildTinyPartition(dir: string, batches: number): void {
  const tiny = buildBatch({ records: [{ key: 'k', value: 'v', timestamp: Date.now() }] });
  const perAppend = 10_000;
  const chunk = Buffer.concat(Array.from({ length: perAppend }, () => tiny));
  const log = PartitionLog.open(dir, { topic: 'tiny', partition: 0, config: cfg(), tailCacheBytes: 0, context: { logger: quiet } });
  for (let done = 0; done < batches; done += perAppend) {
    const n = Math.min(perAppend, batches - done);
    log.append(n === perAppend ? chunk : chunk.subarray(0, n * tiny.length), { leaderEpoch: 0 });
  }
  log.close();
}

function benchRandomReads(root: string): string[] {
  const sizes = [1e5, 1e6, 1e7];
  const logs = sizes.map((n) => {
    const dir = path.join(root, `tiny-${n}`);
    const t0 = now();
    buildTinyPartition(dir, n);
    const buildMs = now() - t0;
    const log = PartitionLog.open(dir, { topic: 'tiny', partition: 0, config: cfg(), hadCleanShutdown: true, context: { logger: quiet } });
    for (let i = 0; i < 2000; i++) log.read(Math.floor(Math.random() * n), 1); // loads the index
    const fd = fs.openSync(path.join(dir, '00000000000000000000.log'), 'r');
    return { n, dir, log, buildMs, fd, size: fs.fstatSync(fd).size, times: [] as number[], raw: [] as number[] };
  });
  // Interleaved rounds, median per partition: the three see the same machine conditions.
  const reads = 5000;
  const scratch = Buffer.allocUnsafe(8192);
  let sink = 0;
  for (let round = 0; round < 9; round++) {
    for (const p of logs) {
      const offsets = Array.from({ length: reads }, () => Math.floor(Math.random() * p.n));
      let t = now();
      for (const o of offsets) sink += p.log.read(o, 1).records.length;
      p.times.push(((now() - t) * 1000) / reads);
      const positions = offsets.map(() => Math.floor(Math.random() * (p.size - 4300)));
      t = now();
      for (const pos of positions) sink += fs.readSync(p.fd, scratch, 0, 4218, pos);
      p.raw.push(((now() - t) * 1000) / reads);
    }
  }
  if (sink === 0) throw new Error('reads returned nothing');
  const out: string[] = [];
  for (const p of logs) {
    out.push(
      `random one-batch read in a partition of ${p.n.toExponential(0).replace('e+', 'e')} batches (${(p.size / MIB).toFixed(0)} MiB, built in ${(p.buildMs / 1000).toFixed(1)} s): ` +
        `${median(p.times).toFixed(2)} µs (raw 4 KiB pread at a random position: ${median(p.raw).toFixed(2)} µs)`,
    );
    p.log.close();
    fs.closeSync(p.fd);
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
  const t = logs.map((p) => median(p.times));
  out.push(`random read time, largest / smallest partition: ${(Math.max(...t) / Math.min(...t)).toFixed(2)}x (target <= 1.5x)`);
  return out;
}

async function benchRecovery(root: string): Promise<string> {
  const dir = path.join(root, 'recovery');
  const opts = { config: { logDirs: [dir], defaultLogConfig: cfg({ segmentBytes: 256 * MIB }) }, logger: quiet };
  const m = LogManager.open(opts);
  const log = m.getOrCreateLog('rec', 0);
  const batch = batchOfSize(16 * 1024);
  const count = Math.floor(GIB / batch.length);
  for (let i = 0; i < count; i++) log.append(batch, { leaderEpoch: 0 });
  await log.awaitBackgroundFlushes();
  m.crashForTesting();
  fs.rmSync(path.join(dir, 'recovery-point-offset-checkpoint'), { force: true });
  const t0 = now();
  const again = LogManager.open(opts);
  const ms = now() - t0;
  const recovered = again.getLog('rec', 0)!;
  if (recovered.logEndOffset !== count) throw new Error(`recovered ${recovered.logEndOffset} of ${count} batches`);
  await again.close();
  const t1 = now();
  const m3 = LogManager.open(opts);
  const clean = now() - t1;
  await m3.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return `recovery of 1 GiB (${count} batches of 16 KiB in 4 segments) after an unclean stop: ${(ms / 1000).toFixed(2)} s (${gbps(GIB, ms)}); clean start of the same: ${clean.toFixed(1)} ms`;
}

export async function benchLog(): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-log-bench-'));
  try {
    const lines = ['log store:'];
    lines.push('  ' + benchAppend(root, MIB, 256 * MIB));
    lines.push('  ' + benchAppend(root, 16 * 1024, 256 * MIB));
    lines.push('  ' + benchColdRead(root));
    for (const l of benchRandomReads(root)) lines.push('  ' + l);
    lines.push('  ' + (await benchRecovery(root)));
    return lines;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
