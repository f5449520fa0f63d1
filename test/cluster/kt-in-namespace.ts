/**
 * A kt server (`bin/kt server-start`, so `npm run build` first) in a node of a virtual network
 * (test/helpers/netns.ts): its listener bound to the node's address, reachable from the root
 * namespace and from the other nodes, and cut off with the network's isolate()/partition(). The
 * ChildProcess is the server itself, so SIGKILL is a real crash.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KT_BIN } from '../cli/cli.js';
import { waitFor } from '../helpers/kt.js';
import type { NetNode, VirtualNetwork } from '../helpers/netns.js';

export interface NamespacedKt {
  node: NetNode;
  child: ChildProcess;
  /** host:port of its PLAINTEXT listener. */
  bootstrap: string;
  logDir: string;
  output(): string;
  /** Signal it and wait for it to exit; resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Remove its log directory (after stop). */
  removeLogDir(): void;
}

export interface KtInNamespaceOptions {
  port?: number;
  /** Reuse a log directory (a restart); a fresh temp directory otherwise. */
  logDir?: string;
  /** More server properties, as `--override key=value`. */
  overrides?: Record<string, string>;
  startTimeoutMs?: number;
}

export async function startKtIn(net: VirtualNetwork, node: NetNode | number, options: KtInNamespaceOptions = {}): Promise<NamespacedKt> {
  const where = typeof node === 'number' ? net.node(node) : node;
  const port = options.port ?? 9092;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'kt-netns-'));
  const overrides = { listeners: `PLAINTEXT://${where.address}:${port}`, 'log.dirs': logDir, ...options.overrides };
  const args = [KT_BIN, 'server-start', ...Object.entries(overrides).flatMap(([k, v]) => ['--override', `${k}=${v}`])];
  const child = net.spawn(where, process.execPath, args, { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(() => / started \(/.test(output) || child.exitCode !== null || child.signalCode !== null, `kt server-start in ${where.namespace}`, options.startTimeoutMs ?? 30_000);
  if (!/ started \(/.test(output)) throw new Error(`kt server-start in ${where.namespace} did not start:\n${output}`);
  return {
    node: where,
    child,
    bootstrap: `${where.address}:${port}`,
    logDir,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    removeLogDir: () => rmSync(logDir, { recursive: true, force: true }),
  };
}
