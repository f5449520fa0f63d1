/**
 * The Java client harness (test/java, a Maven project around org.apache.kafka:kafka-clients): built
 * with Maven when its classes are missing or older than its sources — offline when ~/.m2 already
 * holds the dependencies (`.ci/run` resolves them), else online from Maven Central — and run with
 * plain `java -cp`. Each scenario
 * prints one JSON line (see test/java/src/main/java/kt/acceptance/Scenarios.java).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './kt.js';
import { requireTool, run } from './processes.js';

export const JAVA_PROJECT = fileURLToPath(new URL('../java', import.meta.url));
const CLASSPATH = `${join(JAVA_PROJECT, 'target/classes')}:${join(JAVA_PROJECT, 'target/lib')}/*`;

let built: Promise<void> | undefined;

/**
 * Compile the harness and copy the client's jars to target/lib, unless that is already up to date
 * (once per test file). Several test files use the harness and vitest runs them in parallel
 * processes: a lock file makes one build while the others wait, so no test runs `java` on class
 * files or jars that another's Maven is rewriting. Throws with Maven's output on failure.
 */
export function buildJavaHarness(): Promise<void> {
  built ??= withBuildLock(async () => {
    if (!upToDate()) await build();
  });
  return built;
}

/** The newest modification time under `dir` (files only), or 0. */
function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

function upToDate(): boolean {
  const main = join(JAVA_PROJECT, 'target/classes/kt/acceptance/Scenarios.class');
  const lib = join(JAVA_PROJECT, 'target/lib');
  if (!existsSync(main) || !existsSync(lib) || !readdirSync(lib).some((f) => f.startsWith('kafka-clients-'))) return false;
  const sources = Math.max(statSync(join(JAVA_PROJECT, 'pom.xml')).mtimeMs, newest(join(JAVA_PROJECT, 'src')));
  return newest(join(JAVA_PROJECT, 'target/classes')) >= sources;
}

const LOCK = join(JAVA_PROJECT, 'target.lock');

/** Run `fn` holding LOCK (a file with the holder's pid; a holder that died leaves a lock the next one takes over). */
async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(LOCK, 'utf8').trim());
      if (!alive(holder)) rmSync(LOCK, { force: true });
      else if (Date.now() > deadline) throw new Error(`${LOCK} held by pid ${holder} for 10 minutes`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function build(): Promise<void> {
  const mvn = requireTool('/usr/bin/mvn', 'maven');
  requireTool('/usr/bin/javac', 'openjdk-17-jdk-headless');
  const args = ['-q', '-B', '-f', join(JAVA_PROJECT, 'pom.xml'), 'process-classes'];
  // copy-dependencies never removes a jar: start target/lib afresh so an old client version cannot linger.
  rmSync(join(JAVA_PROJECT, 'target/lib'), { recursive: true, force: true });
  const offline = await run(mvn, ['-o', ...args], { timeoutMs: 180_000 });
  if (offline.code === 0) return;
  const online = await run(mvn, args, { timeoutMs: 300_000 });
  if (online.code !== 0) throw new Error(`mvn ${args.join(' ')} failed (exit ${online.code}):\n${(online.stdout + online.stderr).slice(-3000)}`);
}

/** Run one scenario against `bootstrap`; its JSON result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runJavaScenario(bootstrap: string, scenario: string, args: string[], timeoutMs = 120_000): Promise<any> {
  const java = requireTool('/usr/bin/java', 'openjdk-17-jdk-headless');
  const res = await run(java, ['-cp', CLASSPATH, 'kt.acceptance.Scenarios', bootstrap, scenario, ...args], { timeoutMs });
  if (res.code !== 0) throw new Error(`java scenario ${scenario} exited ${res.code}:\n${(res.stderr || res.stdout).slice(-4000)}`);
  const last = res.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`java scenario ${scenario} printed no JSON result:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JavaEvent = Record<string, any>;

export interface RunningJavaScenario {
  child: ChildProcess;
  events: JavaEvent[];
  /** The first event (JSON line) matching, waiting for it; fails if the program exits first. */
  next(match: (e: JavaEvent) => boolean, what: string, timeoutMs?: number): Promise<JavaEvent>;
  kill(): Promise<void>;
}

/** Start a scenario that reports on the way (JSON lines), for tests that act while it runs. */
export function spawnJavaScenario(bootstrap: string, scenario: string, args: string[]): RunningJavaScenario {
  const java = requireTool('/usr/bin/java', 'openjdk-17-jdk-headless');
  const child = spawn(java, ['-cp', CLASSPATH, 'kt.acceptance.Scenarios', bootstrap, scenario, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: JavaEvent[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim().startsWith('{')) events.push(JSON.parse(line));
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    events,
    async next(match, what, timeoutMs = 60_000) {
      let found: JavaEvent | undefined;
      await waitFor(() => {
        found = events.find(match);
        if (!found && child.exitCode !== null) throw new Error(`java scenario ${scenario} exited (${child.exitCode}) before ${what}:\n${stderr.slice(-3000)}`);
        return found !== undefined;
      }, `${what}\n${stderr.slice(-2000)}`, timeoutMs);
      return found!;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
