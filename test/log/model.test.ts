/**
 * Model-based test: random sequences of append / roll / read / truncate / reopen (clean and
 * unclean, with a torn tail) against an in-memory list of batches must give the same answers.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, test } from 'vitest';
import { buildBatch } from '../../src/engine/records/record-batch.js';
import { readInt64 } from '../../src/engine/records/batch-header.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import type { PartitionLog } from '../../src/engine/log/partition-log.js';
import { OffsetOutOfRangeError, RecordBatchTooLargeError } from '../../src/engine/log/errors.js';
import { cleanupTmpDirs, config, MemoryLogger, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

interface ModelBatch {
  base: number;
  last: number;
  bytes: Buffer;
}

class Model {
  batches: ModelBatch[] = [];
  start = 0;
  get leo(): number {
    return this.batches.length ? this.batches[this.batches.length - 1]!.last + 1 : this.start;
  }
  append(bytes: Buffer): void {
    let p = 0;
    while (p < bytes.length) {
      const size = bytes.readInt32BE(p + 8) + 12;
      const b = Buffer.from(bytes.subarray(p, p + size));
      const base = readInt64(b, 0);
      this.batches.push({ base, last: base + b.readInt32BE(23), bytes: b });
      p += size;
    }
  }
  truncate(offset: number): void {
    if (offset >= this.leo) return;
    if (offset < (this.batches[0]?.base ?? this.start) && offset < this.start) {
      this.batches = [];
      this.start = offset;
      return;
    }
    this.batches = this.batches.filter((b) => b.last < offset);
  }
}

type Op =
  | { op: 'append'; batches: { records: number; size: number }[] }
  | { op: 'roll' }
  | { op: 'read'; at: number; maxBytes: number }
  | { op: 'scan'; maxBytes: number }
  | { op: 'truncate'; at: number }
  | { op: 'reopen'; clean: boolean; tornTail: number; dropIndex: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('append' as const), batches: fc.array(fc.record({ records: fc.integer({ min: 1, max: 5 }), size: fc.integer({ min: 0, max: 120 }) }), { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('roll' as const) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), at: fc.double({ min: 0, max: 1.05, noNaN: true }), maxBytes: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('scan' as const), maxBytes: fc.integer({ min: 1, max: 5000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reopen' as const), clean: fc.boolean(), tornTail: fc.integer({ min: 0, max: 80 }), dropIndex: fc.boolean() }) },
);

const cfgArb = fc.record({
  segmentBytes: fc.integer({ min: 400, max: 3000 }),
  indexIntervalBytes: fc.integer({ min: 0, max: 600 }),
  segmentIndexBytes: fc.constantFrom(24, 64, 4096),
});

let seq = 0;
function makeBatch(records: number, size: number): Buffer {
  seq++;
  return buildBatch({ records: Array.from({ length: records }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(size, seq & 0xff), timestamp: 1_700_000_000_000 + seq })) });
}

test('random operation sequences agree with an in-memory model', async () => {
  await fc.assert(
    fc.asyncProperty(cfgArb, fc.array(opArb, { minLength: 5, maxLength: 45 }), async (cfg, ops) => {
      const dir = tmpDir('kt-model-');
      const logConfig = config(cfg);
      const open = () => LogManager.open({ config: { logDirs: [dir], defaultLogConfig: logConfig }, logger: new MemoryLogger() });
      let m = open();
      let log: PartitionLog = m.getOrCreateLog('m', 0);
      const model = new Model();
      const check = (): void => {
        expect(log.logEndOffset).toBe(model.leo);
      };
      try {
        for (const o of ops) {
          switch (o.op) {
            case 'append': {
              const bytes = Buffer.concat(o.batches.map((b) => makeBatch(b.records, b.size)));
              if (bytes.length > cfg.segmentBytes) {
                expect(() => log.append(bytes, { leaderEpoch: 0 })).toThrow(RecordBatchTooLargeError);
                break;
              }
              const r = log.append(bytes, { leaderEpoch: 0 });
              expect(r.baseOffset).toBe(model.leo);
              model.append(bytes);
              break;
            }
            case 'roll':
              log.roll();
              break;
            case 'read': {
              const at = Math.floor(o.at * (model.leo + 1)) + Math.min(model.start, model.batches[0]?.base ?? model.start) * 0;
              if (at < log.logStartOffset || at > model.leo) {
                expect(() => log.read(at, o.maxBytes)).toThrow(OffsetOutOfRangeError);
                break;
              }
              const r = log.read(at, o.maxBytes);
              const from = model.batches.findIndex((b) => b.last >= at);
              if (from < 0) {
                expect(r.records.length).toBe(0);
                break;
              }
              // a non-empty prefix of the model's batches from the one holding `at`, within maxBytes
              expect(r.records.length).toBeGreaterThan(0);
              let p = 0;
              let i = from;
              while (p < r.records.length) {
                const b = model.batches[i++]!;
                expect(Buffer.compare(r.records.subarray(p, p + b.bytes.length), b.bytes)).toBe(0);
                p += b.bytes.length;
              }
              expect(r.records.length <= o.maxBytes || i - from === 1).toBe(true);
              expect(r.nextOffset).toBe(model.batches[i - 1]!.last + 1);
              break;
            }
            case 'scan': {
              const parts: Buffer[] = [];
              let at = log.logStartOffset;
              while (at < log.logEndOffset) {
                const r = log.read(at, o.maxBytes);
                expect(r.records.length).toBeGreaterThan(0);
                parts.push(Buffer.from(r.records));
                at = r.nextOffset;
              }
              expect(Buffer.compare(Buffer.concat(parts), Buffer.concat(model.batches.map((b) => b.bytes)))).toBe(0);
              break;
            }
            case 'truncate': {
              const at = Math.floor(o.at * model.leo);
              log.truncateTo(at);
              model.truncate(at);
              break;
            }
            case 'reopen': {
              if (o.clean) {
                await m.close();
              } else {
                m.crashForTesting();
                const part = path.join(dir, 'm-0');
                const logs = fs.readdirSync(part).filter((n) => n.endsWith('.log')).sort();
                const last = path.join(part, logs[logs.length - 1]!);
                if (o.tornTail > 0) fs.appendFileSync(last, Buffer.alloc(o.tornTail, 0x5a));
                if (o.dropIndex) for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.index'))) fs.truncateSync(path.join(part, n), 3);
              }
              m = open();
              log = m.getLog('m', 0)!;
              break;
            }
          }
          check();
        }
      } finally {
        await m.close();
      }
    }),
    { numRuns: Number(process.env.MODEL_RUNS ?? 60) },
  );
});
