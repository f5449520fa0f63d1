/**
 * Where a consumer-groups action writes. Tables and results go to stdout; notices ("has no active
 * members", warnings) and errors go to stderr, so piped output stays parseable. An error does not
 * stop the action (Kafka reports every group), but the command exits 1 once it is done.
 */
import type { Terminal } from '../terminal.js';

export interface Report {
  term: Terminal;
  out(line: string): void;
  note(line: string): void;
  /** "Error: message" on stderr, and exit status 1 at the end. */
  error(message: string): void;
  /** Exit status 1 at the end, for a failure the output already shows. */
  fail(): void;
  readonly failed: boolean;
}

/** `beforeWrite` runs before each line: it stops a spinner, so output never interleaves with it. */
export function processReport(term: Terminal, beforeWrite: () => void = () => {}): Report {
  let failed = false;
  const write = (stream: NodeJS.WriteStream, line: string) => {
    beforeWrite();
    stream.write(`${line}\n`);
  };
  return {
    term,
    out: (line) => write(process.stdout, line),
    note: (line) => write(process.stderr, line),
    error(message) {
      failed = true;
      write(process.stderr, `${term.errorColor.red('Error:')} ${message}`);
    },
    fail() {
      failed = true;
    },
    get failed() {
      return failed;
    },
  };
}
