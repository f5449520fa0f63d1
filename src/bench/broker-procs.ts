/**
 * Child processes and temp dirs for the broker benchmark, all registered so that they are stopped
 * and removed at the end, on failure, and on Ctrl-C. Children run in their own process group
 * (detached), so stopping one also stops what it started (bench_kafka_clients.sh -> python -> kcat).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Procs {
  private readonly children = new Set<ChildProcess>();
  private readonly dirs = new Set<string>();
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.cleanupSync();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  private readonly onExit = () => this.cleanupSync();

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('exit', this.onExit);
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  /** Spawn in a new process group; the child is tracked until it exits. */
  spawn(cmd: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.once('error', () => this.children.delete(child));
    return child;
  }

  /** Run to completion with a hard time limit (the whole process group is killed at the limit). */
  run(cmd: string, args: string[], { timeoutMs, env, logFile }: { timeoutMs: number; env?: NodeJS.ProcessEnv; logFile?: string }): Promise<RunResult> {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const child = this.spawn(cmd, args, { env: env ?? process.env });
      const log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        log?.write(d);
      });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        log?.write(d);
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child, 'SIGKILL');
      }, timeoutMs);
      const done = (code: number | null) => {
        clearTimeout(timer);
        log?.end();
        resolve({ code, stdout, stderr, timedOut, ms: performance.now() - t0 });
      };
      child.once('error', (err) => {
        stderr += String(err.message);
        done(null);
      });
      child.once('close', (code) => done(code));
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(child: ChildProcess, graceMs = 5000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async cleanup(): Promise<void> {
    await Promise.all([...this.children].map((c) => this.stop(c, 3000)));
    for (const dir of [...this.dirs]) this.removeDir(dir);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('exit', this.onExit);
  }

  cleanupSync(): void {
    for (const child of this.children) killGroup(child, 'SIGKILL');
    this.children.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One TCP connect attempt; resolves true when accepted. The socket is closed again at once. */
export function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

/** Resolves with the first line of `stream` output matching `re` (its match), or rejects after `timeoutMs`. */
export function waitForLine(child: ChildProcess, re: RegExp, timeoutMs: number, which: 'stdout' | 'stderr' = 'stderr'): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const stream = child[which]!;
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = buf.match(re);
      if (m) {
        finish();
        resolve(m);
      } else if (buf.length > 1 << 20) buf = buf.slice(-4096);
    };
    const onExit = (code: number | null) => {
      finish();
      reject(new Error(`exited (${code}) before printing ${re}: ${buf.slice(-500)}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no ${re} within ${timeoutMs} ms: ${buf.slice(-500)}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
    };
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
