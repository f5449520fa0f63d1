/** Run real client programs (kcat, Debian's python clients) against a test server. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], options: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 256 * 1024 * 1024, env: options.env ?? process.env, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(new Error(`${cmd} failed: ${err.message}\n${stderr}`));
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin?.end();
  });
}

/** Run a python snippet with Debian's python (which has kafka-python and confluent-kafka). */
export function python(script: string, timeoutMs = 60_000): Promise<RunResult> {
  return run(PYTHON, ['-c', script], { timeoutMs });
}

/**
 * A reference tool a test checks kt against (kcat, lz4, zstd): its absence fails the test with what
 * to install, never skips it. `npm test` installs them all (scripts/test-deps.sh).
 */
export function requireTool(path: string, debianPackage: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: apt-get install ${debianPackage} (npm test installs it: scripts/test-deps.sh)`);
  return path;
}
