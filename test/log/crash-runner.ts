/** Runs a crash-writer fixture and SIGKILLs it at a random moment after it reported some lines. */
import { spawn } from 'node:child_process';

/**
 * Start `child` (a fixture writing to `dir` from `seed`, printing one number per durable step) and
 * SIGKILL it once it printed more than `killAfterLines` lines; resolves with the numbers it printed.
 */
export function runAndKill(child: string, dir: string, seed: number, killAfterLines: number): Promise<{ reported: number[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!killed && out.split('\n').length > killAfterLines) {
        killed = true;
        // a random extra moment so the kill can land anywhere in an append
        setTimeout(() => p.kill('SIGKILL'), Math.floor(Math.random() * 15));
      }
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited with ${code}/${signal}: ${err}`));
      resolve({ reported: out.split('\n').filter((l) => /^\d+$/.test(l)).map(Number), stderr: err });
    });
    setTimeout(() => !killed && ((killed = true), p.kill('SIGKILL')), 10_000);
  });
}
