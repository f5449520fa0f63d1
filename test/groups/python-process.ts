/**
 * A python client running as a child process that reports what happens to it as JSON lines on
 * stdout ({"event": "assigned", ...}), so a test can wait for events, talk to it on stdin, and kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PYTHON } from '../helpers/processes.js';
import { waitFor } from '../helpers/kt.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Event = Record<string, any> & { event: string };

export interface PythonProcess {
  child: ChildProcess;
  events: Event[];
  stderr(): string;
  /** Resolve with the first event (from `from` on) that matches, failing after timeoutMs. */
  next(match: (e: Event) => boolean, what: string, timeoutMs?: number, from?: number): Promise<Event>;
  send(line: string): void;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnPython(script: string): PythonProcess {
  return jsonLineProcess(spawn(PYTHON, ['-u', '-c', script], { stdio: ['pipe', 'pipe', 'pipe'] }), 'python');
}

/** Any child process that reports JSON lines on stdout (`name` says who, in failures). */
export function jsonLineProcess(child: ChildProcess, name: string): PythonProcess {
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
      await waitFor(() => {
        found = events.slice(from).find(match);
        if (!found && child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}) before ${what}:\n${stderr.slice(-3000)}`);
        return found !== undefined;
      }, `${what}\n${stderr.slice(-2000)}`, timeoutMs);
      return found!;
    },
    send(line) {
      if (!child.stdin) throw new Error(`${name} reads no stdin`);
      child.stdin.write(line + '\n');
    },
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
