/**
 * The peer broker for the broker benchmark: librdkafka's in-memory mock cluster
 * (../shared/peers, see its README). Prefers `mockcluster-big` (retention patched so 1M records
 * stay readable). The build happens in a cache directory outside the repository — the peers
 * directory is read-only and the peer's code never enters kt — and is reused by later runs.
 * If `big` cannot be built the stock `mock` is used and the caller says so.
 */
import { accessSync, constants, copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import type { Procs } from './broker-procs.js';
import { sleep } from './broker-procs.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PEERS_DIR = process.env.KT_PEERS_DIR ?? resolve(REPO_ROOT, '../shared/peers');

export interface PeerBinary {
  kind: 'big' | 'mock';
  path: string;
  /** How it was obtained: "cached", "built in 95 s", ... */
  how: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function writableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function peerCacheDir(): string {
  const candidates = [process.env.KT_PEERS_CACHE, join(homedir(), '.cache', 'kt-peers'), join(tmpdir(), 'kt-peers-cache')];
  for (const dir of candidates) if (dir && writableDir(dir)) return dir;
  throw new Error('no writable cache directory for the peer build');
}

/** A built binary counts only if it runs (`-h` exits 0): an interrupted link leaves junk. */
async function works(procs: Procs, path: string): Promise<boolean> {
  if (!isExecutable(path)) return false;
  const r = await procs.run(path, ['-h'], { timeoutMs: 10_000 });
  return r.code === 0;
}

/**
 * Find or build the peer. `log` receives progress lines (a build takes minutes the first time).
 * Build time is bounded by KT_PEER_BUILD_TIMEOUT_S (default 480 s).
 */
export async function findOrBuildPeer(procs: Procs, log: (s: string) => void): Promise<PeerBinary> {
  const cache = peerCacheDir();
  for (const dir of [PEERS_DIR, cache]) {
    const path = join(dir, 'mockcluster-big');
    if (await works(procs, path)) return { kind: 'big', path, how: `cached (${path})` };
  }
  const script = join(PEERS_DIR, 'build_peers.sh');
  const failures: string[] = [];
  if (existsSync(script)) {
    // build_peers.sh writes its binaries next to itself: run a copy in the cache directory.
    for (const f of ['build_peers.sh', 'mockcluster.c']) {
      copyFileSync(join(PEERS_DIR, f), join(cache, f));
      chmodSync(join(cache, f), 0o755);
    }
    const timeoutMs = Number(process.env.KT_PEER_BUILD_TIMEOUT_S ?? 480) * 1000;
    const env = { ...process.env, PEERBUILD: join(cache, 'build') };
    const buildLog = join(cache, 'build.log');
    log(`building mockcluster-big in ${cache} (first run only, a few minutes; log ${buildLog})`);
    const big = await procs.run(join(cache, 'build_peers.sh'), ['big'], { timeoutMs, env, logFile: buildLog });
    const path = join(cache, 'mockcluster-big');
    if (big.code === 0 && (await works(procs, path))) return { kind: 'big', path, how: `built in ${(big.ms / 1000).toFixed(0)} s (${path})` };
    failures.push(`big build ${big.timedOut ? `timed out after ${timeoutMs / 1000} s` : `failed (exit ${big.code})`}${tail(big.stderr || big.stdout)}`);
    const stock = join(PEERS_DIR, 'mockcluster');
    if (await works(procs, stock)) return { kind: 'mock', path: stock, how: `${failures.join('; ')}; using ${stock}` };
    const mock = await procs.run(join(cache, 'build_peers.sh'), ['mock'], { timeoutMs: 300_000, env, logFile: buildLog });
    const mockPath = join(cache, 'mockcluster');
    if (mock.code === 0 && (await works(procs, mockPath))) return { kind: 'mock', path: mockPath, how: `${failures.join('; ')}; built stock mock` };
    failures.push(`mock build failed (exit ${mock.code})${tail(mock.stderr || mock.stdout)}`);
  } else failures.push(`${script} not found (set KT_PEERS_DIR)`);
  throw new Error(`no peer broker: ${failures.join('; ')}`);
}

const tail = (s: string): string => {
  const last = s.trim().split('\n').slice(-1)[0]?.slice(0, 200) ?? '';
  return last ? `: ${last}` : '';
};

export interface RunningPeer {
  bootstrap: string;
  child: ChildProcess;
}

/** Start the mock cluster (1 broker, 127.0.0.1) with `topics` pre-created ("name:partitions"). */
export async function startPeer(procs: Procs, bin: PeerBinary, topics: string[], workDir: string): Promise<RunningPeer> {
  const bsFile = join(workDir, 'peer-bootstrap.txt');
  const args = ['-b', '1', '-s', '1200', '-o', bsFile, ...topics.flatMap((t) => ['-t', t])];
  const child = procs.spawn(bin.path, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 100; i++) {
    if (existsSync(bsFile)) {
      const bs = readFileSync(bsFile, 'utf8').trim();
      if (bs) return { bootstrap: bs, child };
    }
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await procs.stop(child);
  throw new Error(`peer ${bin.path} did not print its bootstrap within 10 s`);
}
