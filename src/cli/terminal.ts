/**
 * Terminal manners shared by the tools: spinners and colours only for a person at a terminal
 * (stdout is a TTY and NO_COLOR is unset); piped output stays plain and parseable.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import ora from 'ora';

export interface Terminal {
  /** A person is watching: spinners and colours are welcome. */
  fancy: boolean;
  color: ChalkInstance;
  /** Colours for stderr lines (errors), decided by stderr being a terminal. */
  errorColor: ChalkInstance;
}

const noColor = (): boolean => process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';

export function terminal(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Terminal {
  const fancy = Boolean(stdout.isTTY) && !noColor();
  return {
    fancy,
    color: new Chalk({ level: fancy ? 1 : 0 }),
    errorColor: new Chalk({ level: stderr.isTTY && !noColor() ? 1 : 0 }),
  };
}

export interface Spinner {
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const SILENT: Spinner = { succeed() {}, fail() {}, stop() {} };

/** A spinner on stderr while `text` is in progress; a no-op unless the terminal is fancy. */
export function spinner(text: string, term: Terminal = terminal()): Spinner {
  // A pseudo-terminal without a size (script(1), some CI runners) reports 0 columns, which sends
  // ora's line clearing into an endless loop.
  if (!term.fancy || !process.stderr.isTTY || !(process.stderr.columns > 0)) return SILENT;
  const s = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return {
    succeed: (t?: string) => (t ? s.succeed(t) : s.stop()),
    fail: (t?: string) => (t ? s.fail(t) : s.stop()),
    stop: () => s.stop(),
  };
}

/** Run `work` under a spinner, stopping it whatever happens. */
export async function withSpinner<T>(text: string, work: () => Promise<T>, term: Terminal = terminal()): Promise<T> {
  const s = spinner(text, term);
  try {
    return await work();
  } finally {
    s.stop();
  }
}
