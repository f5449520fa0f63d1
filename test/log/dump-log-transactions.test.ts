/** kt dump-log on transactional data: markers, producer snapshots and transaction indexes, as kafka-dump-log.sh prints them. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { cleanupTmpDirs, config, FakeClock, tmpDir } from './helpers.js';
import { pbatch } from './producer-helpers.js';

afterAll(cleanupTmpDirs);

const here = path.dirname(fileURLToPath(import.meta.url));
const kt = path.join(here, '..', '..', 'bin', 'kt');
const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) =>
    execFile(process.execPath, [kt, ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    ),
  );
const TS = 1_700_000_000_000;

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(path.join(here, '..', '..', 'dist', 'engine', 'log', 'transaction-index.js'))) throw new Error('dist/ is stale or missing: run `npm run build` first (npm test does)');
  dir = path.join(tmpDir(), 't-0');
  const log = PartitionLog.open(dir, { topic: 't', partition: 0, config: config(), context: { clock: new FakeClock(TS) } });
  log.append(pbatch({ pid: 7, epoch: 2, seq: 0, count: 2, txn: true }), { leaderEpoch: 0 }); // 0-1
  log.appendMarker({ producerId: 7, producerEpoch: 2, commit: true, coordinatorEpoch: 3, leaderEpoch: 0, nowMs: TS + 5 }); // 2
  log.append(pbatch({ pid: 8, seq: 10, count: 3, txn: true }), { leaderEpoch: 0 }); // 3-5
  log.append(pbatch({ pid: 7, epoch: 2, seq: 2, txn: true }), { leaderEpoch: 0 }); // 6
  log.appendMarker({ producerId: 8, producerEpoch: 0, commit: false, coordinatorEpoch: 1, leaderEpoch: 0, nowMs: TS + 6 }); // 7
  log.updateHighWatermark(log.logEndOffset);
  log.close();
});

describe('kt dump-log with transactions', () => {
  test('control batches and their end transaction markers', async () => {
    const { code, stdout } = await run(['dump-log', '--files', path.join(dir, '00000000000000000000.log'), '--deep-iteration']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[2]).toMatch(/^baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 7 producerEpoch: 2 partitionLeaderEpoch: 0 isTransactional: true isControl: false /);
    expect(lines[5]).toMatch(/^baseOffset: 2 lastOffset: 2 count: 1 baseSequence: -1 lastSequence: -1 producerId: 7 producerEpoch: 2 partitionLeaderEpoch: 0 isTransactional: true isControl: true /);
    expect(lines[6]).toBe(`| offset: 2 CreateTime: ${TS + 5} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 3`);
    expect(lines.at(-1)).toBe(`| offset: 7 CreateTime: ${TS + 6} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: ABORT coordinatorEpoch: 1`);
  });

  test('a producer snapshot: one line per producer', async () => {
    const file = path.join(dir, '00000000000000000008.snapshot');
    const { code, stdout } = await run(['dump-log', '--files', file]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      `Dumping ${file}`,
      `producerId: 7 producerEpoch: 2 coordinatorEpoch: 3 currentTxnFirstOffset: OptionalLong[6] lastTimestamp: ${TS} firstSequence: 2 lastSequence: 2 lastOffset: 6 offsetDelta: 0 timestamp: ${TS}`,
      `producerId: 8 producerEpoch: 0 coordinatorEpoch: 1 currentTxnFirstOffset: OptionalLong.empty lastTimestamp: ${TS + 6} firstSequence: 10 lastSequence: 12 lastOffset: 5 offsetDelta: 2 timestamp: ${TS + 6}`,
    ]);
  });

  test('a transaction index: one line per aborted transaction', async () => {
    const file = path.join(dir, '00000000000000000000.txnindex');
    const { code, stdout } = await run(['dump-log', '--files', file]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([`Dumping ${file}`, 'version: 0 producerId: 8 firstOffset: 3 lastOffset: 7 lastStableOffset: 6']);
  });

  test('a corrupt snapshot is reported on stderr', async () => {
    const file = path.join(dir, '00000000000000000008.snapshot');
    const bad = path.join(path.dirname(dir), '00000000000000000099.snapshot');
    const bytes = fs.readFileSync(file);
    bytes[12] ^= 1;
    fs.writeFileSync(bad, bytes);
    const { stdout, stderr } = await run(['dump-log', '--files', bad]);
    expect(stdout.trim()).toBe(`Dumping ${bad}`);
    expect(stderr).toMatch(/is corrupt: CRC/);
  });
});
