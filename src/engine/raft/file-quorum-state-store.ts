/**
 * The `quorum-state` file, written as Kafka's FileQuorumStateStore does: to a temporary file that
 * is fsynced, renamed over the old one, and the directory fsynced, so a crash leaves either the
 * old state or the new one, never a torn file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { quorumStateFromJson, quorumStateToJson, type ElectionState, type QuorumStateStore } from './quorum-state-store.js';

export class FileQuorumStateStore implements QuorumStateStore {
  constructor(
    readonly file: string,
    /** The static voter set, recorded in version 0 files as Kafka does. */
    private readonly voters: number[] | null = null,
  ) {}

  read(): ElectionState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      return quorumStateFromJson(text);
    } catch (e) {
      throw new Error(`${this.file}: ${(e as Error).message}`);
    }
  }

  write(state: ElectionState): void {
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, quorumStateToJson(state, this.voters));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    const dir = fs.openSync(path.dirname(this.file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  }
}
