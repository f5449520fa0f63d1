/**
 * Producer state after SIGKILL: a child process runs idempotent and transactional producers
 * (commits, aborts, open transactions) against one partition and is SIGKILLed at random moments,
 * twenty times. After every reopen the producer state, the last stable offset and every segment's
 * aborted transaction index must equal what a model computes from the recovered log itself, and
 * the child must be able to continue each producer's sequence from the recovered state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { decodeBatches } from '../../src/engine/records/record-batch.js';
import { isControl, isTransactional } from '../../src/engine/records/batch-header.js';
import { LogManager } from '../../src/engine/log/log-manager.js';
import type { PartitionLog } from '../../src/engine/log/partition-log.js';
import { runAndKill } from './crash-runner.js';
import { cleanupTmpDirs, config, MemoryLogger, tmpDir } from './helpers.js';

afterAll(cleanupTmpDirs);

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'fixtures', 'txn-crash-writer.mjs');
const dist = path.join(here, '..', '..', 'dist', 'engine', 'log', 'producer-state', 'producer-state-manager.js');

interface ModelProducer {
  epoch: number;
  lastSeq: number;
  txnFirst: number;
  coordinatorEpoch: number;
}
interface ModelAbort {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

/** Producer state and aborted transactions, computed from the log's batches alone. */
function model(log: PartitionLog): { producers: Map<number, ModelProducer>; aborted: ModelAbort[]; firstOpen: number } {
  const producers = new Map<number, ModelProducer>();
  const open = new Map<number, number>(); // pid -> first offset
  const aborted: ModelAbort[] = [];
  for (let at = log.logStartOffset; at < log.logEndOffset; ) {
    const r = log.read(at, 1 << 20);
    for (const b of decodeBatches(r.records)) {
      const h = b.header;
      at = h.baseOffset + h.lastOffsetDelta + 1;
      if (h.producerId < 0) continue;
      const e = producers.get(h.producerId) ?? { epoch: -1, lastSeq: -1, txnFirst: -1, coordinatorEpoch: -1 };
      producers.set(h.producerId, e);
      if (isControl(h.attributes)) {
        const type = b.records[0]!.key!.readInt16BE(2);
        if (e.txnFirst >= 0) {
          const others = [...open.entries()].filter(([pid]) => pid !== h.producerId).map(([, f]) => f);
          const lso = others.length ? Math.min(...others) : h.baseOffset + 1;
          if (type === 0) aborted.push({ producerId: h.producerId, firstOffset: e.txnFirst, lastOffset: h.baseOffset, lastStableOffset: lso });
          open.delete(h.producerId);
        }
        e.txnFirst = -1;
        e.coordinatorEpoch = b.records[0]!.value!.readInt32BE(2);
      } else {
        e.epoch = h.producerEpoch;
        e.lastSeq = h.baseSequence + h.lastOffsetDelta;
        if (isTransactional(h.attributes) && e.txnFirst < 0) {
          e.txnFirst = h.baseOffset;
          open.set(h.producerId, h.baseOffset);
        }
      }
    }
  }
  const firstOpen = open.size ? Math.min(...open.values()) : -1;
  return { producers, aborted, firstOpen };
}

test('twenty SIGKILLs: producer state, LSO and transaction indexes are rebuilt exactly', async () => {
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first (npm test does)`);
  const dir = tmpDir('kt-txn-crash-');
  let maxFlushed = -1;
  let aborts = 0;
  const opts = () => ({ config: { logDirs: [dir], defaultLogConfig: config({ segmentBytes: 8192, indexIntervalBytes: 512, segmentIndexBytes: 4096 }) }, logger: new MemoryLogger() });
  for (let round = 0; round < 20; round++) {
    const { reported, stderr } = await runAndKill(child, dir, round + 1, 10 + Math.floor(Math.random() * 120));
    expect(stderr).not.toMatch(/ERROR/);
    if (reported.length) maxFlushed = Math.max(maxFlushed, reported[reported.length - 1]!);
    const part = path.join(dir, 'txn-0');
    // what a crash may also cost: the unsynced snapshots, a torn tail
    if (round % 3 === 1) for (const n of fs.readdirSync(part).filter((x) => x.endsWith('.snapshot'))) fs.unlinkSync(path.join(part, n));
    if (round % 4 === 2) {
      const logs = fs.readdirSync(part).filter((n) => n.endsWith('.log')).sort();
      fs.appendFileSync(path.join(part, logs[logs.length - 1]!), Buffer.alloc(1 + Math.floor(Math.random() * 100), 0x44));
    }

    const m = LogManager.open(opts());
    const log = m.getLog('txn', 0)!;
    expect(log.logEndOffset).toBeGreaterThan(maxFlushed);
    log.updateHighWatermark(log.logEndOffset);
    const want = model(log);
    const got = log.activeProducers().sort((a, b) => a.producerId - b.producerId);
    expect(got.map((p) => [p.producerId, p.producerEpoch, p.lastSequence, p.currentTxnStartOffset, p.coordinatorEpoch])).toEqual(
      [...want.producers.entries()].sort((a, b) => a[0] - b[0]).map(([pid, e]) => [pid, e.epoch, e.lastSeq, e.txnFirst, e.coordinatorEpoch]),
    );
    expect(log.lastStableOffset).toBe(want.firstOpen >= 0 ? want.firstOpen : log.logEndOffset);
    expect(log.abortedTransactions(0, log.logEndOffset)).toEqual(want.aborted.map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset })));
    // each ABORT's entry lives in the segment holding its marker, with the LSO of that moment
    for (const seg of log.segments.all) {
      const end = log.segments.next(seg)?.baseOffset ?? log.logEndOffset;
      expect(seg.txnIndex.all()).toEqual(want.aborted.filter((a) => a.lastOffset >= seg.baseOffset && a.lastOffset < end));
    }
    aborts = want.aborted.length;
    if (round % 2 === 0) await m.close();
    else m.crashForTesting();
  }
  expect(maxFlushed).toBeGreaterThan(200);
  expect(aborts).toBeGreaterThan(5);
}, 180_000);
