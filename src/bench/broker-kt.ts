/**
 * kt servers for the broker benchmark: started from bin/kt (what a user runs) on 127.0.0.1, with a
 * temp log dir, logs captured to files in that dir. KT_BENCH_SERVER_NODE_ARGS adds node flags to
 * the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it during the benchmark).
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './broker-peer.js';
import { freePort, sleep, tryConnect, waitForLine, type Procs } from './broker-procs.js';

export const KT_BIN = join(REPO_ROOT, 'bin', 'kt');

const serverNodeArgs = (): string[] => (process.env.KT_BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

export interface RunningKt {
  bootstrap: string;
  port: number;
  child: ChildProcess;
  dir: string;
}

/** Start `kt server-start` on a free port; `overrides` are further server properties. */
export async function startKt(procs: Procs, dir: string, logDir = dir, overrides: Record<string, string> = {}): Promise<RunningKt> {
  const child = procs.spawn(process.execPath, [
    ...serverNodeArgs(),
    KT_BIN,
    'server-start',
    '--override',
    'listeners=PLAINTEXT://127.0.0.1:0',
    '--override',
    `log.dirs=${join(dir, 'data')}`,
    ...Object.entries(overrides).flatMap(([key, value]) => ['--override', `${key}=${value}`]),
  ]);
  child.stdout!.pipe(createWriteStream(join(logDir, 'kt.stdout.log')));
  child.stderr!.pipe(createWriteStream(join(logDir, 'kt.stderr.log')));
  try {
    const m = await waitForLine(child, /started \(.*listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/, 30_000);
    const port = Number(m[1]);
    return { bootstrap: `127.0.0.1:${port}`, port, child, dir };
  } catch (err) {
    await procs.stop(child);
    throw err;
  }
}

/** ApiVersions v0 on a fresh connection; resolves when the whole response frame has arrived. */
function apiVersionsRoundTrip(port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('kt-bench');
    const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
    frame.writeInt32BE(frame.length - 4, 0);
    frame.writeInt16BE(18, 4); // ApiVersions
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(clientId.length, 12);
    clientId.copy(frame, 14);
    const sock = connect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('no ApiVersions response')), timeoutMs);
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    sock.once('connect', () => sock.write(frame));
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) finish();
    });
    sock.once('error', (err) => finish(err));
  });
}

export interface StartupSample {
  connectMs: number;
  apiVersionsMs: number;
}

/**
 * Time from spawning `cmd args` (which must listen on `port`) to its first accepted TCP connection,
 * polling every 2 ms, then to its first answered ApiVersions request (when `kafka`).
 */
export async function timeStartup(procs: Procs, makeArgs: (port: number, dir: string) => string[], kafka: boolean): Promise<StartupSample> {
  const dir = procs.tempDir('kt-bench-start-');
  const port = await freePort();
  const t0 = performance.now();
  const child = procs.spawn(process.execPath, makeArgs(port, dir), { stdio: 'ignore' });
  try {
    let connectMs = -1;
    while (performance.now() - t0 < 15_000) {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before accepting a connection`);
      if (await tryConnect(port)) {
        connectMs = performance.now() - t0;
        break;
      }
      await sleep(2);
    }
    if (connectMs < 0) throw new Error('no connection accepted within 15 s');
    let apiVersionsMs = NaN;
    if (kafka) {
      await apiVersionsRoundTrip(port, 10_000);
      apiVersionsMs = performance.now() - t0;
    }
    return { connectMs, apiVersionsMs };
  } finally {
    await procs.stop(child);
    procs.removeDir(dir);
  }
}

export const ktStartArgs = (port: number, dir: string): string[] => [
  ...serverNodeArgs(),
  KT_BIN,
  'server-start',
  '--override',
  `listeners=PLAINTEXT://127.0.0.1:${port}`,
  '--override',
  `log.dirs=${join(dir, 'data')}`,
];

/** The yardstick: a bare node process that only listens. */
export const bareNodeArgs = (port: number): string[] => ['-e', `require('net').createServer((s) => s.end()).listen(${port}, '127.0.0.1')`];

export interface ProcMemory {
  rssMB: number;
  hwmMB: number;
  fds: number;
  threads: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  const threads = Number(status.match(/^Threads:\s+(\d+)/m)?.[1] ?? NaN);
  let fds = NaN;
  try {
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    /* not readable */
  }
  // MB = 10^6 bytes, as in the throughput figures (and so a little stricter than MiB).
  return { rssMB: (kb('VmRSS') * 1024) / 1e6, hwmMB: (kb('VmHWM') * 1024) / 1e6, fds, threads };
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
