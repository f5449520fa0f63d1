/**
 * Run the built `kt` binary at a real pseudo-terminal, as a person would: util-linux's `script`
 * (Debian's bsdutils, always installed) gives it a pty for stdin, stdout and stderr. What the test
 * writes is typed at the terminal; `answer` waits for a prompt before typing.
 */
import { spawn } from 'node:child_process';
import { KT_BIN } from '../cli/cli.js';

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The terminal's output without colour and cursor escapes, with plain newlines. */
export const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

export interface TerminalSession {
  /** Everything the terminal showed so far, escapes included. */
  readonly output: string;
  /** Wait until the output matches `prompt`, then type `keys`. */
  answer(prompt: RegExp, keys: string, timeoutMs?: number): Promise<void>;
  /** The exit status of kt (script passes it on). */
  readonly exited: Promise<number | null>;
}

export function ktAtTerminal(args: string[]): TerminalSession {
  const command = [process.execPath, KT_BIN, ...args].map(shellQuote).join(' ');
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let output = '';
  const waiters: (() => void)[] = [];
  const onOutput = (d: Buffer) => {
    output += d.toString();
    for (const w of waiters.splice(0)) w();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (err) => reject(new Error(`cannot run util-linux script (${err.message}); npm test installs it: scripts/test-deps.sh`)));
  });
  return {
    get output() {
      return output;
    },
    exited,
    async answer(prompt, keys, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!prompt.test(plain(output))) {
        if (Date.now() > deadline) throw new Error(`no prompt ${prompt} within ${timeoutMs} ms; the terminal showed:\n${plain(output)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      child.stdin.write(keys);
    },
  };
}
