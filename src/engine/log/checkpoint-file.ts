/**
 * Kafka's text checkpoint files, written atomically (tmp + fsync + rename + dir fsync):
 *
 *   0                      version
 *   2                      number of entries
 *   my-topic 0 1234        one entry per line, space separated
 *   my-topic 1 99
 *
 * Offset checkpoints (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
 * replication-offset-checkpoint, cleaner-offset-checkpoint) hold `topic partition offset` lines;
 * leader-epoch-checkpoint holds `epoch startOffset` lines in the same frame.
 */
import fs from 'node:fs';
import { atomicWriteFile, atomicWriteFileSync, tpKey } from './log-files.js';

export const CHECKPOINT_VERSION = 0;

export class CheckpointFormatError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`Malformed checkpoint file ${file}: ${detail}`);
    this.name = 'CheckpointFormatError';
  }
}

const checkpointText = (lines: string[]): string => `${CHECKPOINT_VERSION}\n${lines.length}\n${lines.map((l) => l + '\n').join('')}`;

/** Write `lines` under the version/count header. */
export function writeCheckpointLines(file: string, lines: string[]): void {
  atomicWriteFileSync(file, checkpointText(lines));
}

/** The entry lines split on spaces; [] when the file does not exist. */
export function readCheckpointLines(file: string, fieldsPerLine: number): string[][] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2) throw new CheckpointFormatError(file, 'missing version or count line');
  if (Number(lines[0]) !== CHECKPOINT_VERSION || lines[0]!.trim() === '') {
    throw new CheckpointFormatError(file, `unrecognised version ${JSON.stringify(lines[0])}`);
  }
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count < 0) throw new CheckpointFormatError(file, `bad count line ${JSON.stringify(lines[1])}`);
  const entries = lines.slice(2);
  if (entries.length !== count) throw new CheckpointFormatError(file, `expected ${count} entries, found ${entries.length}`);
  return entries.map((line, i) => {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== fieldsPerLine) throw new CheckpointFormatError(file, `line ${i + 3}: ${JSON.stringify(line)}`);
    return parts;
  });
}

function parseOffset(file: string, s: string): number {
  if (!/^-?\d+$/.test(s)) throw new CheckpointFormatError(file, `bad offset ${JSON.stringify(s)}`);
  return Number(s);
}

/** `topic partition offset` checkpoints, keyed by `<topic>-<partition>`. */
export class OffsetCheckpointFile {
  constructor(readonly file: string) {}

  read(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [topic, partition, offset] of readCheckpointLines(this.file, 3)) {
      if (!/^\d+$/.test(partition!)) throw new CheckpointFormatError(this.file, `bad partition ${JSON.stringify(partition)}`);
      out.set(tpKey(topic!, Number(partition)), parseOffset(this.file, offset!));
    }
    return out;
  }

  write(entries: Iterable<{ topic: string; partition: number; offset: number }>): void {
    writeCheckpointLines(this.file, offsetLines(entries));
  }

  /** write() with the file I/O off the event loop; callers must not overlap writes of one file. */
  async writeInBackground(entries: Iterable<{ topic: string; partition: number; offset: number }>): Promise<void> {
    await atomicWriteFile(this.file, checkpointText(offsetLines(entries)));
  }
}

function offsetLines(entries: Iterable<{ topic: string; partition: number; offset: number }>): string[] {
  const lines: string[] = [];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return lines;
}

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** leader-epoch-checkpoint: `epoch startOffset` lines. */
export class LeaderEpochCheckpointFile {
  constructor(readonly file: string) {}

  read(): EpochEntry[] {
    return readCheckpointLines(this.file, 2).map(([epoch, offset]) => ({
      epoch: parseOffset(this.file, epoch!),
      startOffset: parseOffset(this.file, offset!),
    }));
  }

  write(entries: readonly EpochEntry[]): void {
    writeCheckpointLines(this.file, entries.map((e) => `${e.epoch} ${e.startOffset}`));
  }
}
