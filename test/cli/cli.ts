/** Run the built `kt` binary (dist/, so `npm run build` first) as a user would. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../helpers/processes.js';

export const KT_BIN = fileURLToPath(new URL('../../bin/kt', import.meta.url));

/** `kt args...` with optional stdin; resolves with exit code and output, whatever the code. */
export function kt(args: string[], options: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<RunResult> {
  return run(process.execPath, [KT_BIN, ...args], { input: options.input, timeoutMs: options.timeoutMs ?? 30_000, env: { ...process.env, NO_COLOR: '1' } });
}

/** Start `kt args...` in the background, for tests that signal it or read it as it goes. */
export function ktSpawn(args: string[]) {
  const child = spawn(process.execPath, [KT_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}
