/** A kt server in its own process, started through the real `kt server-start` command. */
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './kt.js';

export interface KtProcess {
  child: ChildProcess;
  port: number;
  bootstrap: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnKt(logDir: string, extraArgs: string[] = []): Promise<KtProcess> {
  const child = spawn(
    process.execPath,
    ['bin/kt', 'server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0', '--override', `log.dirs=${logDir}`, ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const started = /started .*PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/;
  await waitFor(() => started.test(output) || child.exitCode !== null, 'kt server-start to report it started', 20_000);
  const match = started.exec(output);
  if (!match) throw new Error(`kt server-start did not start:\n${output}`);
  const port = Number(match[1]);
  return {
    child,
    port,
    bootstrap: `127.0.0.1:${port}`,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
}
