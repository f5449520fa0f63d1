/**
 * Runs LedgerProducer.java (the Java client's producer on its defaults, writing an acks ledger) in
 * Java's source-file mode against the client jars the Java harness (test/helpers/java-harness.ts)
 * copies to test/java/target/lib, reporting its JSON lines like test/groups/python-process.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { buildJavaHarness, JAVA_PROJECT } from '../helpers/java-harness.js';
import { waitFor } from '../helpers/kt.js';
import { requireTool } from '../helpers/processes.js';
import type { Event, PythonProcess } from '../groups/python-process.js';

const SOURCE = fileURLToPath(new URL('./LedgerProducer.java', import.meta.url));

export type JavaLedgerProducer = PythonProcess;

export async function spawnJavaLedgerProducer(bootstrap: string, topic: string, rate: number, acksFile: string, stopFile: string): Promise<JavaLedgerProducer> {
  await buildJavaHarness();
  const java = requireTool('/usr/bin/java', 'openjdk-17-jdk-headless');
  const child = spawn(java, ['-cp', `${join(JAVA_PROJECT, 'target/lib')}/*`, SOURCE, bootstrap, topic, String(rate), acksFile, stopFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Event[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim().startsWith('{')) events.push(JSON.parse(line));
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stderr: () => stderr,
    async next(match, what, timeoutMs = 30_000, from = 0) {
      let found: Event | undefined;
      await waitFor(
        () => {
          found = events.slice(from).find(match);
          if (!found && child.exitCode !== null) throw new Error(`LedgerProducer exited (${child.exitCode}) before ${what}:\n${stderr.slice(-3000)}`);
          return found !== undefined;
        },
        `${what}\n${stderr.slice(-2000)}`,
        timeoutMs,
      );
      return found!;
    },
    send() {
      throw new Error('LedgerProducer reads no stdin: write its stop file');
    },
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
