/**
 * One node of a local cluster: a `kt server-start <node-dir>/server.properties` child process.
 *
 * Each node is its own process, not a KtServer inside the caller's, so that killing one is a real
 * crash (SIGKILL leaves its files as a power cut would), each node has its own event loop and timers
 * (a busy node cannot delay the others' elections, so failover times are honest), and a restart
 * starts from what is on disk, on the same ports and log dirs. Everything the process prints is
 * appended to its server.log.
 */
import { spawn as spawnProcess, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NodeEndpoints } from './local-cluster-config.js';

/** bin/kt of this package (runs dist/, so it needs a build), from src/ and from dist/ alike. */
export const KT_BIN = fileURLToPath(new URL('../../../bin/kt', import.meta.url));

/** How a node's process is started; a test swaps it to run nodes inside network namespaces. */
export type NodeSpawner = (node: NodeEndpoints, command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export const defaultSpawner: NodeSpawner = (_node, command, args, options) => spawnProcess(command, args, options);

/** What a server prints once it serves (KtServer.start's last line). */
const STARTED = / started \(/;
const OUTPUT_KEPT = 256 * 1024;

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeOptions {
  propertiesFile: string;
  logFile: string;
  logLevel?: string;
  spawner?: NodeSpawner;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

/** Children still running when the owning process exits are sent SIGTERM, so none outlives it by accident. */
const live = new Set<ChildProcess>();
let exitHooked = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGTERM');
  });
}

export class LocalClusterNode {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  /** host:port of its PLAINTEXT listener. */
  readonly bootstrap: string;
  private child?: ChildProcess;
  private exited?: Promise<NodeExit>;
  private out = '';
  private log?: WriteStream;
  private starts = 0;

  constructor(
    endpoints: NodeEndpoints,
    private readonly options: NodeOptions,
  ) {
    this.nodeId = endpoints.nodeId;
    this.host = endpoints.host;
    this.port = endpoints.port;
    this.controllerPort = endpoints.controllerPort;
    this.bootstrap = `${this.host}:${this.port}`;
  }

  get propertiesFile(): string {
    return this.options.propertiesFile;
  }

  get logFile(): string {
    return this.options.logFile;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the current (or last) process printed, its last 256 KiB. */
  output(): string {
    return this.out;
  }

  /** Start the process and resolve once it reports it started; rejects, with its last lines, if it exits first or does not start in time (then it is stopped). */
  async start(timeoutMs = this.options.startTimeoutMs ?? 60_000): Promise<void> {
    if (this.running) throw new Error(`node ${this.nodeId} is already running (pid ${this.child!.pid})`);
    this.starts++;
    this.out = '';
    this.log ??= createWriteStream(this.options.logFile, { flags: 'a' });
    this.log.write(`\n----- kt local cluster: node ${this.nodeId}, start ${this.starts}, ${new Date().toISOString()} -----\n`);
    const args = [KT_BIN, 'server-start', this.options.propertiesFile, ...(this.options.logLevel ? ['--log-level', this.options.logLevel] : [])];
    const child = (this.options.spawner ?? defaultSpawner)(
      { nodeId: this.nodeId, host: this.host, port: this.port, controllerPort: this.controllerPort },
      process.execPath,
      args,
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...(this.options.env ?? process.env), NO_COLOR: '1' } },
    );
    track(child);
    this.child = child;
    const onData = (d: Buffer) => {
      this.log?.write(d);
      if (this.child !== child) return; // a late line of a previous process
      this.out += d.toString();
      if (this.out.length > OUTPUT_KEPT) this.out = this.out.slice(-OUTPUT_KEPT);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + timeoutMs;
    while (!STARTED.test(this.out)) {
      if (!this.running) {
        const exit = await this.exited;
        throw new Error(`node ${this.nodeId} exited (${exit.signal ?? `code ${exit.code}`}) before it started: ${lastLines(this.out)}`);
      }
      if (Date.now() > deadline) {
        await this.stop(5000); // a node that never came up is not left running
        throw new Error(`node ${this.nodeId} did not start within ${timeoutMs} ms (log: ${this.options.logFile}): ${lastLines(this.out)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves when the current process exits (by itself or signalled). */
  waitForExit(): Promise<NodeExit> {
    if (!this.exited) throw new Error(`node ${this.nodeId} was never started`);
    return this.exited;
  }

  /** Send `signal` (SIGKILL for a crash) and wait for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeExit> {
    if (!this.child || !this.exited) throw new Error(`node ${this.nodeId} was never started`);
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** Stop the process (`signal`, SIGTERM by default: a clean shutdown) and start it again on the same ports and dirs. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<NodeExit> {
    const exit = this.running ? await this.kill(signal) : await (this.exited ?? Promise.resolve({ code: null, signal: null }));
    await this.start();
    return exit;
  }

  /** A clean shutdown (SIGTERM), escalated to SIGKILL when the node has not exited within `graceMs`. */
  async stop(graceMs = 30_000): Promise<NodeExit | undefined> {
    if (!this.child || !this.exited) return undefined;
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }

  /** Close its log file (after stop). */
  async close(): Promise<void> {
    const log = this.log;
    this.log = undefined;
    if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
  }
}

function lastLines(text: string, count = 3): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.slice(-count).join(' | ') || '(no output)';
}
