import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBatch, type RecordInput } from '../../src/engine/records/record-batch.js';
import { decodeBatches } from '../../src/engine/records/record-batch.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/engine/log/log-config.js';
import type { LogLogger } from '../../src/engine/log/log-context.js';

const dirs: string[] = [];

export function tmpDir(prefix = 'kt-log-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function cleanupTmpDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function config(over: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, cleanupPolicy: [...DEFAULT_LOG_CONFIG.cleanupPolicy], overrides: {}, ...over };
}

/** A batch of `count` records (values `v<i>`), timestamps `ts` (+i). */
export function batch(count = 1, opts: { ts?: number; keyPrefix?: string; valueSize?: number; records?: RecordInput[] } = {}): Buffer {
  const ts = opts.ts ?? 1_700_000_000_000;
  const records: RecordInput[] =
    opts.records ??
    Array.from({ length: count }, (_, i) => ({
      key: opts.keyPrefix !== undefined ? `${opts.keyPrefix}${i}` : null,
      value: opts.valueSize !== undefined ? Buffer.alloc(opts.valueSize, i & 0xff) : `v${i}`,
      timestamp: ts + i,
    }));
  return buildBatch({ records });
}

export function keyed(records: { key: string; value: string | null; ts?: number }[]): Buffer {
  return buildBatch({ records: records.map((r, i) => ({ key: r.key, value: r.value, timestamp: r.ts ?? 1_700_000_000_000 + i })) });
}

/** Offsets of every record in a read result. */
export function recordOffsets(buf: Buffer): number[] {
  return decodeBatches(buf).flatMap((b) => b.records.map((r) => r.offset));
}

export function batchBases(buf: Buffer): number[] {
  return decodeBatches(buf).map((b) => b.header.baseOffset);
}

export class MemoryLogger implements LogLogger {
  lines: string[] = [];
  info = (m: string): void => void this.lines.push(`INFO ${m}`);
  warn = (m: string): void => void this.lines.push(`WARN ${m}`);
  error = (m: string): void => void this.lines.push(`ERROR ${m}`);
  warnings(): string[] {
    return this.lines.filter((l) => l.startsWith('WARN'));
  }
}

export class FakeClock {
  constructor(public t = 1_700_000_000_000) {}
  now = (): number => this.t;
}
